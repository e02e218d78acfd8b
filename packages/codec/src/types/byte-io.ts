/**
 * A growable output buffer and a bounds-checked input cursor shared by the
 * serialized and byte-comparable codecs. Reads never reach past the end: a
 * short input is an INVALID_ARGUMENT RingtailError, never a RangeError.
 */
import { invalid } from './invalid.js';

const INITIAL_CAPACITY_BYTES = 256;
/** A shared scratch writer that grew past this is dropped after use instead of being kept. */
const MAX_RETAINED_CAPACITY_BYTES = 64 * 1024;

export class ByteWriter {
  bytes: Uint8Array;
  view: DataView;
  length = 0;

  constructor(capacityBytes = INITIAL_CAPACITY_BYTES) {
    this.bytes = new Uint8Array(capacityBytes);
    this.view = new DataView(this.bytes.buffer);
  }

  /** Makes room for `count` more bytes and returns the offset to write them at. */
  reserve(count: number): number {
    const offset = this.length;
    const needed = offset + count;
    if (needed > this.bytes.length) {
      const grown = new Uint8Array(Math.max(needed, this.bytes.length * 2));
      grown.set(this.bytes.subarray(0, offset));
      this.bytes = grown;
      this.view = new DataView(grown.buffer);
    }
    this.length = needed;
    return offset;
  }

  u8(value: number): void {
    const at = this.reserve(1);
    this.bytes[at] = value;
  }

  // Each method reserves before touching `bytes`/`view`: reserve() may replace them.
  u32(value: number): void {
    const at = this.reserve(4);
    this.view.setUint32(at, value);
  }

  i32(value: number): void {
    const at = this.reserve(4);
    this.view.setInt32(at, value);
  }

  append(source: Uint8Array): void {
    const at = this.reserve(source.length);
    this.bytes.set(source, at);
  }

  /** Flips every byte written since `start`: the DESC form of a component. */
  invertFrom(start: number): void {
    const bytes = this.bytes;
    for (let i = start; i < this.length; i++) bytes[i] = ~bytes[i]! & 0xff;
  }

  /** A copy of what was written: the one allocation the caller keeps. */
  finish(): Uint8Array {
    const length = this.length;
    const out = new Uint8Array(length);
    // A loop beats subarray() + set() for the short keys of the write path.
    if (length <= 32) for (let i = 0; i < length; i++) out[i] = this.bytes[i]!;
    else out.set(this.bytes.subarray(0, length));
    return out;
  }
}

/**
 * A module-shared writer: begin(), write, take(). Sharing is safe because
 * encoding is synchronous and never calls user code; a writer left half-used
 * by a throw is reset by the next begin().
 */
export class ScratchWriter {
  private writer = new ByteWriter();

  begin(): ByteWriter {
    this.writer.length = 0;
    return this.writer;
  }

  take(): Uint8Array {
    const out = this.writer.finish();
    if (this.writer.bytes.length > MAX_RETAINED_CAPACITY_BYTES) this.writer = new ByteWriter();
    return out;
  }
}

export class ByteReader {
  /** XORed into every byte read: 0xff while reading a DESC component. */
  mask = 0;

  constructor(
    readonly bytes: Uint8Array,
    public offset: number,
    readonly end: number,
    /** What is being read, for error messages ("comparable int"); computed only on failure. */
    private readonly describe: () => string,
  ) {}

  remaining(): number {
    return this.end - this.offset;
  }

  fail(detail: string): never {
    throw invalid(`malformed ${this.describe()}: ${detail} (at byte ${this.offset})`);
  }

  need(count: number): void {
    if (count > this.end - this.offset) {
      this.fail(`needs ${count} more bytes, ${this.end - this.offset} left`);
    }
  }

  u8(): number {
    if (this.offset >= this.end) this.fail('unexpected end of input');
    return (this.bytes[this.offset++]! ^ this.mask) & 0xff;
  }

  /** Big-endian unsigned integer of `count` ≤ 4 bytes. */
  uint(count: number): number {
    this.need(count);
    let value = 0;
    for (let i = 0; i < count; i++) value = value * 256 + ((this.bytes[this.offset++]! ^ this.mask) & 0xff);
    return value;
  }

  /** Copies `count` bytes, unmasked. */
  take(count: number): Uint8Array {
    this.need(count);
    const out = new Uint8Array(count);
    for (let i = 0; i < count; i++) out[i] = (this.bytes[this.offset + i]! ^ this.mask) & 0xff;
    this.offset += count;
    return out;
  }
}
