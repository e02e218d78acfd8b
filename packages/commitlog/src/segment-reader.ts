/**
 * Reads records out of one segment's bytes (format: format.ts and
 * docs/formats/commitlog.md). Verifies every checksum before a record is
 * returned; never returns a record that failed.
 */
import { xxhash32OfUint32, xxhash32Range } from '@ringtail/codec';
import { HEADER_BYTES, RECORD_OVERHEAD_BYTES, RECORD_PREFIX_BYTES, readU32 } from './format.js';

export interface RecordView {
  /** Offset of the record's first byte. */
  readonly start: number;
  /** Offset just past the record. */
  readonly end: number;
  readonly payload: Uint8Array;
}

export interface BadRecord {
  /** Offset where the bad record starts. */
  readonly offset: number;
  readonly reason: string;
  /**
   * Offset of the next record after the bad one that verifies, or -1 if none
   * does. A bad record with a valid one after it is corruption, not a tear.
   */
  readonly nextValidOffset: number;
}

/** Checks the record at `offset`; returns its end offset, or a reason it is bad. */
function checkRecord(bytes: Uint8Array, offset: number, end: number, seed: number): number | string {
  if (end - offset < RECORD_PREFIX_BYTES) return `truncated record header (${end - offset} bytes left)`;
  const length = readU32(bytes, offset);
  if (xxhash32OfUint32(length, seed) !== readU32(bytes, offset + 4)) {
    return 'length checksum mismatch';
  }
  const recordEnd = offset + RECORD_OVERHEAD_BYTES + length;
  if (recordEnd > end) return `record of ${length} bytes extends past the end of the segment`;
  const payloadStart = offset + RECORD_PREFIX_BYTES;
  if (xxhash32Range(bytes, payloadStart, payloadStart + length, seed) !== readU32(bytes, payloadStart + length)) {
    return 'payload checksum mismatch';
  }
  return recordEnd;
}

/** The first offset after `from` where a whole record verifies, or -1. */
export function findNextValidRecord(bytes: Uint8Array, from: number, end: number, seed: number): number {
  for (let offset = from; offset + RECORD_OVERHEAD_BYTES <= end; offset++) {
    if (typeof checkRecord(bytes, offset, end, seed) === 'number') return offset;
  }
  return -1;
}

/**
 * Walks the records of a segment from `startOffset` (default: just after the
 * header) to `end`. Iteration stops at the end of the data or at the first bad
 * record, which is then available as `bad`.
 */
export class SegmentCursor {
  private offset: number;
  bad: BadRecord | undefined;

  constructor(
    private readonly bytes: Uint8Array,
    private readonly seed: number,
    private readonly end: number = bytes.length,
    startOffset: number = HEADER_BYTES,
  ) {
    this.offset = startOffset;
  }

  /** Offset just past the last good record returned. */
  get position(): number {
    return this.offset;
  }

  next(): RecordView | undefined {
    if (this.bad !== undefined || this.offset >= this.end) return undefined;
    const start = this.offset;
    const result = checkRecord(this.bytes, start, this.end, this.seed);
    if (typeof result === 'string') {
      this.bad = {
        offset: start,
        reason: result,
        nextValidOffset: findNextValidRecord(this.bytes, start + 1, this.end, this.seed),
      };
      return undefined;
    }
    this.offset = result;
    const payloadStart = start + RECORD_PREFIX_BYTES;
    return { start, end: result, payload: this.bytes.subarray(payloadStart, result - 4) };
  }

  /** Moves past a bad record to the next one that verifies (for skip-corruption replay). */
  skipBad(): boolean {
    const bad = this.bad;
    if (bad === undefined || bad.nextValidOffset < 0) return false;
    this.offset = bad.nextValidOffset;
    this.bad = undefined;
    return true;
  }
}
