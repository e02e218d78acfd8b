/**
 * Cassandra's uuid orders as 16-byte keys whose unsigned byte order is that order.
 *
 * - timeuuid (TimeUUIDType): by the 60-bit timestamp, then the low 8 bytes
 *   compared as *signed* bytes (Cassandra keeps this for compatibility), so the
 *   key is `time_hi_and_version, time_mid, time_low, (lsb bytes ^ 0x80)`.
 * - uuid (UUIDType): by version first; version 1 then by timestamp, other
 *   versions by the high 8 bytes unsigned; then the low 8 bytes unsigned. The
 *   key starts with the version nibble followed by either the timestamp or the
 *   remaining 60 bits of the high half, then the raw low half.
 */

export type UuidKind = 'uuid' | 'timeuuid';

/** Writes the order key of the raw uuid `src[srcOffset..+16]` to `out[outOffset..+16]`. */
export function writeUuidOrderKey(
  kind: UuidKind,
  src: Uint8Array,
  srcOffset: number,
  out: Uint8Array,
  outOffset: number,
): void {
  const b = (i: number): number => src[srcOffset + i]!;
  const version = b(6) >> 4;
  if (kind === 'timeuuid' || version === 1) {
    out[outOffset] = b(6);
    out[outOffset + 1] = b(7);
    out[outOffset + 2] = b(4);
    out[outOffset + 3] = b(5);
    for (let i = 0; i < 4; i++) out[outOffset + 4 + i] = b(i);
  } else {
    // Nibbles: version, then the high half without its version nibble.
    out[outOffset] = (version << 4) | (b(0) >> 4);
    for (let i = 1; i <= 5; i++) out[outOffset + i] = ((b(i - 1) & 0xf) << 4) | (b(i) >> 4);
    out[outOffset + 6] = ((b(5) & 0xf) << 4) | (b(6) & 0xf);
    out[outOffset + 7] = b(7);
  }
  const lowMask = kind === 'timeuuid' ? 0x80 : 0;
  for (let i = 8; i < 16; i++) out[outOffset + i] = b(i) ^ lowMask;
}

/** Inverse of {@link writeUuidOrderKey}. */
export function readUuidOrderKey(
  kind: UuidKind,
  src: Uint8Array,
  srcOffset: number,
  out: Uint8Array,
  outOffset: number,
): void {
  const k = (i: number): number => src[srcOffset + i]!;
  const version = k(0) >> 4;
  if (kind === 'timeuuid' || version === 1) {
    out[outOffset + 6] = k(0);
    out[outOffset + 7] = k(1);
    out[outOffset + 4] = k(2);
    out[outOffset + 5] = k(3);
    for (let i = 0; i < 4; i++) out[outOffset + i] = k(4 + i);
  } else {
    for (let i = 0; i <= 5; i++) out[outOffset + i] = ((k(i) & 0xf) << 4) | (k(i + 1) >> 4);
    out[outOffset + 6] = (version << 4) | (k(6) & 0xf);
    out[outOffset + 7] = k(7);
  }
  const lowMask = kind === 'timeuuid' ? 0x80 : 0;
  for (let i = 8; i < 16; i++) out[outOffset + i] = k(i) ^ lowMask;
}
