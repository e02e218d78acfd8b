/**
 * Index blocks (docs/formats/sstable.md, "Index"): the partition index in
 * framed blocks of up to `summaryInterval` entries, one Summary entry each.
 * An entry is a partition's position (token and key) and where its record
 * starts in the Data stream.
 *
 *   payload: entry count (uvarint) | entries
 *   entry:   position length (uvarint) | position (8 token bytes BE, key) |
 *            data block offset (uvarint) | offset in block (uvarint)
 */
import { BinaryWriter, CorruptionError } from '@ringtail/codec';
import { DATA_HEADER_BYTES } from './format.js';

export interface IndexEntry {
  /** partitionPosition(key): token bytes then key bytes, latin1. */
  readonly position: string;
  /** Offset in Data of the block holding the record's first byte. */
  readonly blockOffset: number;
  /** Offset of the record's first byte in that block's payload. */
  readonly offsetInBlock: number;
}

/** Smallest encoded entry: position length, 8 token bytes, two one-byte offsets. */
const MIN_ENTRY_BYTES = 11;
const TOKEN_BYTES = 8;

/** Gathers the entries of one Index block. */
export class IndexBlockBuilder {
  /** Reused from block to block (take() copies out of it). */
  private readonly entries = new BinaryWriter(4096);
  private readonly head = new BinaryWriter(8);
  count = 0;
  firstPosition = '';

  /** The entry of the partition at `position` whose record starts at `offsetInBlock` of the Data block at `blockOffset`. */
  add(position: string, blockOffset: number, offsetInBlock: number): void {
    if (this.count === 0) this.firstPosition = position;
    this.entries.latin1(position);
    this.entries.uvarint(blockOffset);
    this.entries.uvarint(offsetInBlock);
    this.count += 1;
  }

  /** The block's payload; the builder is empty afterwards. */
  take(): Uint8Array {
    const head = this.head;
    head.reset();
    head.uvarint(this.count);
    const countBytes = head.view();
    const entries = this.entries.view();
    const payload = new Uint8Array(countBytes.length + entries.length);
    payload.set(countBytes);
    payload.set(entries, countBytes.length);
    this.entries.reset();
    this.count = 0;
    this.firstPosition = '';
    return payload;
  }
}

/** Walks the entries of a verified Index block payload without building strings it does not need. */
class EntryWalker {
  private at = 0;
  /** Entries left to walk. */
  remaining: number;
  positionStart = 0;
  positionLength = 0;
  blockOffset = 0;
  offsetInBlock = 0;

  constructor(
    private readonly payload: Uint8Array,
    private readonly path: string,
    private readonly blockOffset0: number,
    private readonly dataSizeBytes: number,
  ) {
    this.remaining = this.uvarint();
    if (this.remaining * MIN_ENTRY_BYTES > payload.length) this.fail(`count ${this.remaining} cannot fit`);
  }

  fail(detail: string): never {
    throw new CorruptionError(this.path, this.blockOffset0, `index block, byte ${this.at}: ${detail}`);
  }

  private uvarint(): number {
    let value = 0;
    let scale = 1;
    for (let i = 0; i < 8; i++) {
      if (this.at >= this.payload.length) this.fail('unexpected end');
      const b = this.payload[this.at++]!;
      value += (b & 0x7f) * scale;
      if (b < 0x80) return Number.isSafeInteger(value) ? value : this.fail('varint out of range');
      scale *= 0x80;
    }
    return this.fail('varint too long');
  }

  /** Moves to the next entry; false after the last. */
  next(): boolean {
    if (this.remaining === 0) {
      if (this.at !== this.payload.length) this.fail('trailing bytes');
      return false;
    }
    this.remaining -= 1;
    this.positionLength = this.uvarint();
    this.positionStart = this.at;
    if (this.positionLength < TOKEN_BYTES) this.fail('position shorter than a token');
    if (this.positionLength > this.payload.length - this.at) this.fail('position runs past the end');
    this.at += this.positionLength;
    this.blockOffset = this.uvarint();
    this.offsetInBlock = this.uvarint();
    if (this.blockOffset < DATA_HEADER_BYTES || this.blockOffset >= this.dataSizeBytes) {
      this.fail(`data block offset ${this.blockOffset} is outside Data`);
    }
    return true;
  }

  /** The current entry's position compared with `target`: negative, zero or positive. */
  compare(target: string): number {
    const n = Math.min(this.positionLength, target.length);
    for (let i = 0; i < n; i++) {
      const d = this.payload[this.positionStart + i]! - target.charCodeAt(i);
      if (d !== 0) return d;
    }
    return this.positionLength - target.length;
  }

  entry(): IndexEntry {
    const bytes = this.payload.subarray(this.positionStart, this.positionStart + this.positionLength);
    const position = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
    return { position, blockOffset: this.blockOffset, offsetInBlock: this.offsetInBlock };
  }
}

/**
 * Decodes a verified Index block payload read from `blockOffset` of `path`.
 * Entries must be in strictly increasing position and point inside the Data
 * stream (`dataSizeBytes`); anything else is corruption.
 */
export function decodeIndexBlock(
  payload: Uint8Array,
  path: string,
  blockOffset: number,
  dataSizeBytes: number,
): IndexEntry[] {
  const walker = new EntryWalker(payload, path, blockOffset, dataSizeBytes);
  const entries: IndexEntry[] = [];
  while (walker.next()) {
    const previous = entries.at(-1);
    if (previous !== undefined && walker.compare(previous.position) <= 0) walker.fail('entries out of order');
    entries.push(walker.entry());
  }
  return entries;
}

/**
 * The entry at exactly `position` in a verified Index block payload, or
 * undefined. Walks the entries in order, comparing bytes, and stops at the first past
 * `position`.
 */
export function findInIndexBlock(
  payload: Uint8Array,
  path: string,
  blockOffset: number,
  dataSizeBytes: number,
  position: string,
): IndexEntry | undefined {
  const walker = new EntryWalker(payload, path, blockOffset, dataSizeBytes);
  while (walker.next()) {
    const order = walker.compare(position);
    if (order === 0) return walker.entry();
    if (order > 0) return undefined;
  }
  return undefined;
}
