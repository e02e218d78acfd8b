/**
 * Text forms of uuid and inet values and their 16- (or 4-) byte binary forms.
 * Canonical text: lowercase hyphenated uuids; dotted IPv4; RFC 5952 IPv6.
 */

const UUID_PATTERN = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const HEX_DIGITS = '0123456789abcdef';

export function isUuidString(text: string): boolean {
  return UUID_PATTERN.test(text);
}

/** The version nibble of a uuid string that passed {@link isUuidString}. */
export function uuidVersion(text: string): number {
  return Number.parseInt(text[14]!, 16);
}

/** Writes the 16 bytes of a uuid string that passed {@link isUuidString}. */
export function writeUuidBytes(text: string, out: Uint8Array, offset: number): void {
  let j = 0;
  for (let i = 0; i < 16; i++) {
    if (text.charCodeAt(j) === 0x2d) j++;
    out[offset + i] = Number.parseInt(text.slice(j, j + 2), 16);
    j += 2;
  }
}

export function bytesToUuid(bytes: Uint8Array, offset = 0): string {
  let text = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text += '-';
    const b = bytes[offset + i]!;
    text += HEX_DIGITS[b >> 4]! + HEX_DIGITS[b & 15]!;
  }
  return text;
}

function parseIpv4(text: string, out: Uint8Array, offset: number): boolean {
  const parts = text.split('.');
  if (parts.length !== 4) return false;
  for (let i = 0; i < 4; i++) {
    const part = parts[i]!;
    // Leading zeros are refused: some parsers read them as octal.
    if (!/^(0|[1-9][0-9]{0,2})$/.test(part)) return false;
    const octet = Number(part);
    if (octet > 255) return false;
    out[offset + i] = octet;
  }
  return true;
}

function parseIpv6Groups(text: string, out: number[]): boolean {
  if (text === '') return true;
  const groups = text.split(':');
  for (let i = 0; i < groups.length; i++) {
    const group = groups[i]!;
    if (i === groups.length - 1 && group.includes('.')) {
      const v4 = new Uint8Array(4);
      if (!parseIpv4(group, v4, 0)) return false;
      out.push((v4[0]! << 8) | v4[1]!, (v4[2]! << 8) | v4[3]!);
    } else {
      if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return false;
      out.push(Number.parseInt(group, 16));
    }
  }
  return true;
}

function isIpv4Mapped(bytes: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (bytes[i] !== 0) return false;
  return bytes[10] === 0xff && bytes[11] === 0xff;
}

/**
 * Parses an IPv4 or IPv6 address to 4 or 16 bytes, or returns undefined.
 * An IPv4-mapped IPv6 address (`::ffff:1.2.3.4`) becomes its 4-byte IPv4 form,
 * as Java's InetAddress (and so Cassandra) does.
 */
export function parseInet(text: string): Uint8Array | undefined {
  if (text.length > 45) return undefined;
  if (!text.includes(':')) {
    const out = new Uint8Array(4);
    return parseIpv4(text, out, 0) ? out : undefined;
  }
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head: number[] = [];
  const tail: number[] = [];
  if (!parseIpv6Groups(halves[0]!, head)) return undefined;
  if (halves.length === 2 && !parseIpv6Groups(halves[1]!, tail)) return undefined;
  // An embedded IPv4 part may only end the address.
  if (halves.length === 2 && halves[0]!.includes('.')) return undefined;
  const total = head.length + tail.length;
  if (halves.length === 1 ? total !== 8 : total > 7) return undefined;
  const groups = [...head, ...new Array<number>(8 - total).fill(0), ...tail];
  const out = new Uint8Array(16);
  for (let i = 0; i < 8; i++) {
    out[2 * i] = groups[i]! >> 8;
    out[2 * i + 1] = groups[i]! & 0xff;
  }
  return isIpv4Mapped(out) ? out.slice(12) : out;
}

/** Canonical text of a 4- or 16-byte address (IPv4-mapped IPv6 prints as IPv4). */
export function formatInet(bytes: Uint8Array): string {
  if (bytes.length === 4) return `${bytes[0]}.${bytes[1]}.${bytes[2]}.${bytes[3]}`;
  if (isIpv4Mapped(bytes)) return formatInet(bytes.subarray(12));
  const groups: number[] = [];
  for (let i = 0; i < 8; i++) groups.push((bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  // RFC 5952: compress the longest run (first on a tie) of two or more zero groups.
  let bestStart = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}
