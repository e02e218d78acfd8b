/**
 * Compact binary writing and bounds-checked reading for the data model's
 * codecs: unsigned LEB128 varints (exact for every safe integer), zigzag for
 * signed numbers, length-prefixed bytes and strings. A reader never reads past
 * its input and never returns garbage: malformed input throws.
 */
import { ErrorCodes, RingtailError } from '../errors.js';

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Strings up to this many chars are tried as ASCII — a column name, a table
 * id — and written or read a char at a time: TextEncoder/TextDecoder cost more
 * per call than such a string takes to copy (profiled on the write path:
 * `encode` was 6% of a storage-engine write). Longer strings, or any non-ASCII
 * char, take TextEncoder/TextDecoder. The bytes are the same either way.
 */
const ASCII_FAST_PATH_MAX_CHARS = 64;

/**
 * The buffer a writer may start with instead of allocating its own. Most
 * writers live for one encode (a mutation, an SSTable record) and a fresh
 * ArrayBuffer each cost more than the encoding did (profiled: the constructor's
 * allocation was 9% of a storage-engine write, and the garbage it made). A
 * writer takes the spare if there is one; finish() hands its buffer back as the
 * spare (when larger than the spare there is, and at most SPARE_MAX_BYTES) and
 * goes on in the copy it returns. So no buffer is ever both the spare and a
 * writer's, a writer abandoned before finish() only costs the next writer an
 * allocation, and the bytes a caller gets are always its own.
 */
let spare: Uint8Array | undefined;
const SPARE_MAX_BYTES = 64 * 1024;

/** The writer refuses what the reader would refuse or read back differently. */
function invalid(what: string): never {
  throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `cannot encode ${what}`);
}

export class BinaryWriter {
  private bytes: Uint8Array;
  private length = 0;
  /** `bytes` is the copy finish() returned: it must never be written to again. */
  private handedOut = false;

  constructor(capacityBytes = 256) {
    if (spare !== undefined) {
      this.bytes = spare;
      spare = undefined;
    } else {
      this.bytes = new Uint8Array(capacityBytes);
    }
  }

  private ensure(extra: number): void {
    const needed = this.length + extra;
    if (needed <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(needed, this.bytes.length * 2));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
    this.handedOut = false;
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
    this.raw(value);
  }

  /** Bytes as they are, without a length: for a caller that frames them itself. */
  raw(value: Uint8Array): void {
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
    const n = value.length;
    if (n <= ASCII_FAST_PATH_MAX_CHARS) {
      const start = this.length;
      this.uvarint(n);
      this.ensure(n);
      const bytes = this.bytes;
      let at = this.length;
      for (let i = 0; i < n; i++) {
        const c = value.charCodeAt(i);
        if (c > 0x7f) {
          at = -1;
          break;
        }
        bytes[at++] = c;
      }
      if (at >= 0) {
        this.length = at;
        return;
      }
      this.length = start;
    }
    this.bytesWithLength(encoder.encode(value));
  }

  /** Bytes written so far: where the next write lands in view(). */
  get size(): number {
    return this.length;
  }

  /** Forgets what was written, keeping the buffer: for a writer reused from one encode to the next. */
  reset(): void {
    this.length = 0;
    if (this.handedOut) {
      this.bytes = new Uint8Array(this.bytes.length);
      this.handedOut = false;
    }
  }

  /**
   * The bytes written so far, without a copy: valid only until this writer
   * is written to or reset again. For an encoding copied elsewhere at once.
   */
  view(): Uint8Array {
    return this.bytes.subarray(0, this.length);
  }

  /** The bytes written so far, as a copy of their own. */
  finish(): Uint8Array {
    const out = this.bytes.slice(0, this.length);
    const own = this.bytes;
    if (own.length <= SPARE_MAX_BYTES && (spare === undefined || spare.length < own.length)) {
      spare = own;
      // Writing on grows out of `out` into a new buffer (reset() allocates one): `out` is never written again.
      this.bytes = out;
      this.handedOut = true;
    }
    return out;
  }
}

export class BinaryReader {
  private offset = 0;

  /**
   * With `views`, bytesWithLength returns views into `bytes` instead of
   * copies: for a caller that drops what it decodes before `bytes` can
   * change (the SSTable writer decoding a record only to check it and count
   * it; a copy of each value was half the cost of a flush).
   */
  constructor(
    private readonly bytes: Uint8Array,
    private readonly what: string,
    private readonly views = false,
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
    const out = this.views
      ? this.bytes.subarray(this.offset, this.offset + n)
      : this.bytes.slice(this.offset, this.offset + n);
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
    if (n <= ASCII_FAST_PATH_MAX_CHARS) {
      const bytes = this.bytes;
      const start = this.offset;
      let ascii = true;
      for (let i = start; i < start + n; i++) {
        if (bytes[i]! > 0x7f) {
          ascii = false;
          break;
        }
      }
      if (ascii) {
        this.offset += n;
        return String.fromCharCode.apply(null, bytes.subarray(start, start + n) as unknown as number[]);
      }
    }
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
