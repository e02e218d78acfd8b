/**
 * Compact binary writing and bounds-checked reading for the data model's
 * codecs: unsigned LEB128 varints (exact for every safe integer), zigzag for
 * signed numbers, length-prefixed bytes and strings. A reader never reads past
 * its input and never returns garbage: malformed input throws.
 */
import { ErrorCodes, RingtailError } from '../errors.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The writer refuses what the reader would refuse or read back differently. */
function invalid(what: string): never {
  throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `cannot encode ${what}`);
}

export class BinaryWriter {
  private bytes: Uint8Array;
  private length = 0;

  constructor(capacityBytes = 256) {
    this.bytes = new Uint8Array(capacityBytes);
  }

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(needed, this.bytes.length * 2));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }

  u8(value: number): void {
    this.ensure(1);
    this.bytes[this.length++] = value;
  }

  /** A non-negative safe integer as an unsigned LEB128 varint. */
  uvarint(value: number): void {
    if (!Number.isSafeInteger(value) || value < 0) invalid(`uvarint of ${value}`);
    this.ensure(8);
    let v = value;
    while (v >= 0x80) {
      this.bytes[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.length++] = v;
  }

  /**
   * A safe integer, zigzag-encoded so small magnitudes of either sign stay
   * short: the LEB128 varint of `2m + s`, where `s` is 1 for a negative value
   * and `m` is `v` or `-v - 1`. `2m + s` passes 2^53 for |v| > 2^52, where a
   * double no longer holds it, so the first byte (sign and the low 6 bits of
   * `m`) is written apart from the rest (`floor(m / 64)` as a uvarint).
   */
  varint(value: number): void {
    if (!Number.isSafeInteger(value)) invalid(`varint of ${value}`);
    const negative = value < 0;
    const magnitude = negative ? -value - 1 : value;
    const low = (magnitude % 64) * 2 + (negative ? 1 : 0);
    const rest = Math.floor(magnitude / 64);
    if (rest === 0) {
      this.u8(low);
      return;
    }
    this.u8(low | 0x80);
    this.uvarint(rest);
  }

  bytesWithLength(value: Uint8Array): void {
    this.uvarint(value.length);
    this.ensure(value.length);
    this.bytes.set(value, this.length);
    this.length += value.length;
  }

  /** A string of code units 0–255 (byte-comparable keys), one byte each. */
  latin1(value: string): void {
    this.uvarint(value.length);
    this.ensure(value.length);
    for (let i = 0; i < value.length; i++) {
      const c = value.charCodeAt(i);
      if (c > 0xff) invalid(`char ${c} in a latin1 string`);
      this.bytes[this.length++] = c;
    }
  }

  utf8(value: string): void {
    this.bytesWithLength(encoder.encode(value));
  }

  finish(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }
}

export class BinaryReader {
  private offset = 0;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
  ) {}

  get done(): boolean {
    return this.offset === this.bytes.length;
  }

  fail(detail: string): never {
    throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `malformed ${this.what} at byte ${this.offset}: ${detail}`);
  }

  u8(): number {
    if (this.offset >= this.bytes.length) this.fail('unexpected end');
    return this.bytes[this.offset++]!;
  }

  uvarint(): number {
    return this.groups(8);
  }

  /** See {@link BinaryWriter.varint}: the first byte holds the sign and 6 bits, at most 7 more the rest. */
  varint(): number {
    const first = this.u8();
    const low = (first & 0x7f) >>> 1;
    const magnitude = first < 0x80 ? low : this.groups(7) * 64 + low;
    const value = first & 1 ? -magnitude - 1 : magnitude;
    if (!Number.isSafeInteger(value)) this.fail('varint out of range');
    return value;
  }

  /** An unsigned LEB128 varint of at most `maxBytes` bytes that must be a safe integer. */
  private groups(maxBytes: number): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < maxBytes; i++) {
      const b = this.u8();
      value += (b & 0x7f) * scale;
      if (b < 0x80) {
        if (!Number.isSafeInteger(value)) this.fail('varint out of range');
        return value;
      }
      scale *= 0x80;
    }
    return this.fail('varint too long');
  }

  /** A length that must fit in what is left. */
  length(): number {
    const n = this.uvarint();
    if (n > this.bytes.length - this.offset) this.fail(`length ${n} runs past the end`);
    return n;
  }

  bytesWithLength(): Uint8Array {
    const n = this.length();
    const out = this.bytes.slice(this.offset, this.offset + n);
    this.offset += n;
    return out;
  }

  latin1(): string {
    const n = this.length();
    let s = '';
    for (let i = 0; i < n; i++) s += String.fromCharCode(this.bytes[this.offset + i]!);
    this.offset += n;
    return s;
  }

  utf8(): string {
    const n = this.length();
    try {
      return decoder.decode(this.bytes.subarray(this.offset, this.offset + n));
    } catch {
      return this.fail('invalid UTF-8');
    } finally {
      this.offset += n;
    }
  }

  /** A count of items each at least `minBytes` long: bounded by what is left, so a corrupt count cannot allocate. */
  count(minBytes: number): number {
    const n = this.uvarint();
    if (n * minBytes > this.bytes.length - this.offset) this.fail(`count ${n} cannot fit in what is left`);
    return n;
  }
}
