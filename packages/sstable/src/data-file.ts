/**
 * Reading the Data component (docs/formats/sstable.md, "Data"): framed blocks
 * whose payloads, concatenated, are the stream of partition records. A record
 * is found by the block holding its first byte and its offset there; it may
 * continue into the blocks after. Every block is verified before any byte of
 * it is used.
 */
import { CorruptionError, type FileHandle } from '@ringtail/codec';
import { BLOCK_OVERHEAD_BYTES, ReadWindow, verifyBlock } from './block.js';
import { type BlockCache, newCacheOwnerId } from './block-cache.js';
import { MAX_PARTITION_BYTES } from './constants.js';
import { DATA_HEADER_BYTES, DATA_MAGIC, readU32 } from './format.js';
import { RECORD_LENGTH_BYTES } from './partition-codec.js';

export interface DataBlock {
  readonly offset: number;
  readonly payload: Uint8Array;
  /** Offset of the next block (the end of the Data stream after the last). */
  readonly next: number;
}

export class DataFile {
  /** This file's keys in a block cache. */
  readonly cacheOwner = newCacheOwnerId();

  constructor(
    readonly handle: FileHandle,
    readonly path: string,
    readonly sizeBytes: number,
    /** No block's payload is larger: the size the writer used. */
    readonly blockSizeBytes: number,
  ) {}

  /** A window for reading this file: `readAheadBytes` 0 for point reads, more for scans. */
  window(readAheadBytes: number): ReadWindow {
    return new ReadWindow(this.handle, this.sizeBytes, readAheadBytes);
  }

  /** The verified block at `offset`; on a window miss, `fetchBytes` (if more than a block) are read. */
  async readBlock(offset: number, window: ReadWindow, fetchBytes = 0, cache?: BlockCache): Promise<DataBlock> {
    if (offset < DATA_HEADER_BYTES || offset >= this.sizeBytes) {
      throw new CorruptionError(this.path, offset, 'block offset outside the Data stream');
    }
    let payload = cache?.get(this.cacheOwner, offset);
    if (payload === undefined) {
      const bytes = await window.read(offset, BLOCK_OVERHEAD_BYTES + this.blockSizeBytes, fetchBytes);
      payload = verifyBlock(bytes, DATA_MAGIC, offset, this.path, this.blockSizeBytes);
      cache?.set(this.cacheOwner, offset, payload);
    }
    return { offset, payload, next: offset + BLOCK_OVERHEAD_BYTES + payload.length };
  }
}

/** Where a read in the Data stream stands: a verified block and an offset in its payload. */
interface StreamPoint {
  readonly block: DataBlock;
  readonly at: number;
}

/**
 * Reads partition records, keeping the last block read so that a scan reads
 * each block once. One cursor per get or scan; not shared between concurrent reads.
 */
export class PartitionCursor {
  private last: DataBlock | undefined;
  private readonly window: ReadWindow;

  /** `readAheadBytes`: 0 for a point read; a scan reads ahead. Point reads pass the block cache. */
  constructor(
    private readonly file: DataFile,
    readAheadBytes: number,
    private readonly cache?: BlockCache,
  ) {
    this.window = file.window(readAheadBytes);
  }

  private async blockAt(offset: number, fetchBytes = 0): Promise<DataBlock> {
    if (this.last?.offset !== offset) {
      this.last = await this.file.readBlock(offset, this.window, fetchBytes, this.cache);
    }
    return this.last;
  }

  /** The body of the record that starts at `offsetInBlock` of the block at `blockOffset`. */
  async readRecord(blockOffset: number, offsetInBlock: number): Promise<Uint8Array> {
    const block = await this.blockAt(blockOffset);
    if (offsetInBlock >= block.payload.length) {
      throw new CorruptionError(this.file.path, blockOffset, `no record starts at ${offsetInBlock} of this block`);
    }
    const head = await this.take({ block, at: offsetInBlock }, RECORD_LENGTH_BYTES);
    const length = readU32(head.bytes, 0);
    // What is left of the file bounds the allocation before later blocks are verified.
    const left = this.file.sizeBytes - head.end.block.offset;
    if (length > MAX_PARTITION_BYTES || length > left) {
      throw new CorruptionError(this.file.path, head.end.block.offset, `record of ${length} bytes cannot fit`);
    }
    return (await this.take(head.end, length)).bytes;
  }

  /** `length` bytes of the stream from `from`, across blocks as needed. */
  private async take(from: StreamPoint, length: number): Promise<{ bytes: Uint8Array; end: StreamPoint }> {
    let { block, at } = from;
    if (at + length <= block.payload.length) {
      return { bytes: block.payload.subarray(at, at + length), end: { block, at: at + length } };
    }
    const bytes = new Uint8Array(length);
    let filled = 0;
    for (;;) {
      const n = Math.min(length - filled, block.payload.length - at);
      bytes.set(block.payload.subarray(at, at + n), filled);
      filled += n;
      at += n;
      if (filled === length) return { bytes, end: { block, at } };
      if (block.next >= this.file.sizeBytes) {
        throw new CorruptionError(this.file.path, block.offset, 'record runs past the last block');
      }
      // The rest of the record in one read: its bytes plus the framing of the blocks they fill.
      const rest = length - filled;
      const framing = BLOCK_OVERHEAD_BYTES * (Math.ceil(rest / this.file.blockSizeBytes) + 1);
      block = await this.blockAt(block.next, rest + framing);
      at = 0;
    }
  }
}
