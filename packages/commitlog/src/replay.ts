import { CorruptionError, type FileSystem } from '@ringtail/codec';
import { type CommitLogPosition, HEADER_BYTES } from './format.js';
import { readSegmentBytes, type Segment, verifyHeader } from './segment.js';
import { type BadRecord, SegmentCursor } from './segment-reader.js';

export interface ReplayedRecord {
  readonly segmentId: number;
  /** Offset of the record's first byte in its segment. */
  readonly offset: number;
  /** Position just past the record: what `append` resolved to for it. */
  readonly position: CommitLogPosition;
  /** A view of the payload, valid until the next record is taken. Copy it to keep it. */
  readonly payload: Uint8Array;
}

export interface SkippedCorruption {
  readonly file: string;
  readonly offset: number;
  readonly reason: string;
  /** Bytes passed over (to the next record that verifies, or to the end of the segment). */
  readonly bytesSkipped: number;
}

export interface ReplayOptions {
  /** Skip records that fail verification instead of throwing; each skip is reported to `onSkip`. */
  skipCorruption?: boolean;
  onSkip?: (skipped: SkippedCorruption) => void;
}

export async function* replaySegments(
  fs: FileSystem,
  segments: Segment[],
  from: CommitLogPosition = { segmentId: 0, offset: 0 },
  options: ReplayOptions = {},
): AsyncGenerator<ReplayedRecord> {
  for (const segment of segments) {
    if (segment.id < from.segmentId) continue;
    const end = segment.end;
    const bytes = await readSegmentBytes(fs, segment, end);
    if (bytes.length < end) {
      throw new CorruptionError(segment.path, bytes.length, `segment is ${bytes.length} bytes, expected ${end}`);
    }
    try {
      verifyHeader(segment, bytes);
    } catch (error) {
      if (options.skipCorruption !== true || !(error instanceof CorruptionError)) throw error;
      options.onSkip?.({ file: segment.path, offset: 0, reason: error.message, bytesSkipped: end });
      continue;
    }
    const start = segment.id === from.segmentId ? Math.max(HEADER_BYTES, from.offset) : HEADER_BYTES;
    const cursor = new SegmentCursor(bytes, segment.seed, end, start);
    for (;;) {
      const record = cursor.next();
      if (record !== undefined) {
        yield {
          segmentId: segment.id,
          offset: record.start,
          position: { segmentId: segment.id, offset: record.end },
          payload: record.payload,
        };
        continue;
      }
      const bad = cursor.bad;
      if (bad === undefined) break;
      if (options.skipCorruption !== true) throw new CorruptionError(segment.path, bad.offset, bad.reason);
      options.onSkip?.(skipReport(segment, bad, end));
      if (!cursor.skipBad()) break;
    }
  }
}

function skipReport(segment: Segment, bad: BadRecord, end: number): SkippedCorruption {
  const resume = bad.nextValidOffset >= 0 ? bad.nextValidOffset : end;
  return { file: segment.path, offset: bad.offset, reason: bad.reason, bytesSkipped: resume - bad.offset };
}
