/**
 * Compact binary writing and bounds-checked reading for the data model's
 * codecs: unsigned LEB128 varints (exact for every safe integer), zigzag for
 * signed numbers, length-prefixed bytes and strings. A reader never reads past
 * its input and never returns garbage: malformed input throws.
 */
import { ErrorCodes, RingtailError } from '../errors.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

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
    this.ensure(8);
    let v = value;
    while (v >= 0x80) {
      this.bytes[this.length++] = (v % 0x80) | 0x80;
      v = Math.floor(v / 0x80);
    }
    this.bytes[this.length++] = v;
  }

  /** A safe integer, zigzag-encoded so small magnitudes of either sign stay short. */
  varint(value: number): void {
    this.uvarint(value >= 0 ? value * 2 : -value * 2 - 1);
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
    for (let i = 0; i < value.length; i++) this.bytes[this.length++] = value.charCodeAt(i);
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
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
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

  varint(): number {
    const z = this.uvarint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
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
