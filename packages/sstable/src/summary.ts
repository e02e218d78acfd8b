/**
 * The Summary component (docs/formats/sstable.md, "Summary"): one entry per
 * Index block — its first position, where it is and how many entries it
 * holds — loaded whole at open so that a lookup reads one Index block.
 *
 *   prefix (8) | interval (uvarint) | entry count (uvarint) | entries | xxhash32 (4)
 *   entry: first position (uvarint length, bytes) | index block offset (uvarint) |
 *          framed block bytes (uvarint) | partitions in the block (uvarint)
 */
import { BinaryReader, BinaryWriter, CorruptionError, ErrorCodes, isRingtailError } from '@ringtail/codec';
import { BLOCK_OVERHEAD_BYTES } from './block.js';
import { MAX_SUMMARY_INTERVAL } from './constants.js';
import {
  INDEX_HEADER_BYTES,
  openWholeFile,
  SUMMARY_MAGIC,
  sealWholeFile,
  WHOLE_FILE_PREFIX_BYTES,
  writePrefix,
} from './format.js';

export interface SummaryEntry {
  /** Position of the first partition in the Index block. */
  readonly firstPosition: string;
  /** Offset of the framed Index block. */
  readonly indexOffset: number;
  /** Size of the framed Index block, framing included. */
  readonly indexBlockBytes: number;
  /** Partitions (Index entries) in the block: `interval`, except in the last block. */
  readonly partitionCount: number;
}

export interface Summary {
  readonly interval: number;
  readonly entries: readonly SummaryEntry[];
}

export function encodeSummary(summary: Summary): Uint8Array {
  const w = new BinaryWriter(64 + summary.entries.length * 48);
  for (let i = 0; i < WHOLE_FILE_PREFIX_BYTES; i++) w.u8(0);
  w.uvarint(summary.interval);
  w.uvarint(summary.entries.length);
  for (const e of summary.entries) {
    w.latin1(e.firstPosition);
    w.uvarint(e.indexOffset);
    w.uvarint(e.indexBlockBytes);
    w.uvarint(e.partitionCount);
  }
  const body = w.finish();
  writePrefix(body, SUMMARY_MAGIC);
  return sealWholeFile(body);
}

/**
 * Verifies and decodes a Summary. Its Index blocks must follow each other
 * from the Index header to `indexSizeBytes`, with increasing first positions.
 */
export function decodeSummary(bytes: Uint8Array, path: string, indexSizeBytes: number): Summary {
  const body = openWholeFile(bytes, path, SUMMARY_MAGIC);
  const entries: SummaryEntry[] = [];
  let interval = 0;
  try {
    const r = new BinaryReader(body, 'summary');
    interval = r.uvarint();
    if (interval < 1 || interval > MAX_SUMMARY_INTERVAL) r.fail(`interval ${interval} out of range`);
    let nextOffset = INDEX_HEADER_BYTES;
    for (let n = r.count(5); n > 0; n--) {
      const e = {
        firstPosition: r.latin1(),
        indexOffset: r.uvarint(),
        indexBlockBytes: r.uvarint(),
        partitionCount: r.uvarint(),
      };
      const previous = entries.at(-1);
      if (previous !== undefined && previous.firstPosition >= e.firstPosition) r.fail('entries out of order');
      if (e.indexOffset !== nextOffset) r.fail(`index block at ${e.indexOffset}, expected ${nextOffset}`);
      if (e.indexBlockBytes <= BLOCK_OVERHEAD_BYTES) r.fail(`index block of ${e.indexBlockBytes} bytes`);
      if (e.partitionCount < 1 || e.partitionCount > interval) r.fail(`block of ${e.partitionCount} partitions`);
      nextOffset += e.indexBlockBytes;
      entries.push(e);
    }
    if (!r.done) r.fail('trailing bytes');
    if (entries.length === 0) r.fail('no entries');
    if (nextOffset !== indexSizeBytes) r.fail(`index blocks end at ${nextOffset}, Index is ${indexSizeBytes} bytes`);
  } catch (error) {
    if (!isRingtailError(error, ErrorCodes.INVALID_ARGUMENT)) throw error;
    throw new CorruptionError(path, WHOLE_FILE_PREFIX_BYTES, error.message, { cause: error });
  }
  return { interval, entries };
}

/** The index of the last entry whose first position is at or before `position`, or -1 if none is. */
export function findSummaryEntry(entries: readonly SummaryEntry[], position: string): number {
  let lo = 0;
  let hi = entries.length - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.firstPosition <= position) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}
