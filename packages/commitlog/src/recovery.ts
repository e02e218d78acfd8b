/**
 * What `CommitLog.open` does to the segments it finds: removes trailing
 * segments that hold no record, and cuts a torn tail off the last segment
 * that holds records, so new appends and later replays start clean.
 *
 * A bad record counts as a torn tail only if no valid record follows it in
 * its segment: a tear is always the end of what was written. A bad record
 * with a valid one after it is corruption, left in place for replay to report.
 * The writer fsyncs a segment before it writes to the next one, so only the
 * last segment holding records can have a tear.
 */
import type { FileSystem } from '@ringtail/codec';
import { HEADER_BYTES } from './format.js';
import { listSegments, readSegmentBytes, type Segment, segmentAt } from './segment.js';
import { SegmentCursor } from './segment-reader.js';

export interface RecoveryReport {
  /** Ids of the segments kept at open. */
  readonly segmentIds: number[];
  /** The torn tail that was cut off the last segment, if there was one. */
  readonly truncatedTail?: { file: string; offset: number; reason: string; bytesRemoved: number };
  /** Trailing segment files removed because they held no record. */
  readonly removedEmptySegments: string[];
  /** The highest segment id found, removed or kept: new segments are numbered above it. */
  readonly highestSegmentId: number;
}

export async function recoverSegments(
  fs: FileSystem,
  directory: string,
): Promise<{ segments: Segment[]; report: RecoveryReport }> {
  const segments: Segment[] = [];
  for (const { id, fileName } of await listSegments(fs, directory)) {
    const segment = segmentAt(directory, id, fileName);
    segment.end = (await fs.stat(segment.path))?.sizeBytes ?? 0;
    segment.syncedEnd = segment.end;
    segments.push(segment);
  }

  const highestSegmentId = segments.at(-1)?.id ?? 0;
  const removedEmptySegments: string[] = [];
  for (let last = segments.at(-1); last !== undefined && last.end <= HEADER_BYTES; last = segments.at(-1)) {
    // A segment prepared ahead of use, possibly with a torn header: no record can be in it.
    await fs.unlink(last.path);
    removedEmptySegments.push(last.path);
    segments.pop();
  }
  if (removedEmptySegments.length > 0) await fs.syncDir(directory);

  let truncatedTail: RecoveryReport['truncatedTail'];
  const last = segments.at(-1);
  if (last !== undefined) {
    // The header is not checked here: the checksum seed comes from the file
    // name, and a bad header is corruption for replay to report, not a tear.
    const bytes = await readSegmentBytes(fs, last, last.end);
    const cursor = new SegmentCursor(bytes, last.seed);
    for (;;) {
      while (cursor.next() !== undefined) {}
      const bad = cursor.bad;
      if (bad === undefined) break;
      if (cursor.skipBad()) continue; // corruption in the middle: replay reports it
      truncatedTail = {
        file: last.path,
        offset: bad.offset,
        reason: bad.reason,
        bytesRemoved: last.end - bad.offset,
      };
      const handle = await fs.open(last.path, 'r+');
      try {
        await handle.truncate(bad.offset);
        await handle.sync();
      } finally {
        await handle.close();
      }
      last.end = bad.offset;
      last.syncedEnd = bad.offset;
      break;
    }
  }

  const report: RecoveryReport = {
    segmentIds: segments.map((s) => s.id),
    removedEmptySegments,
    highestSegmentId,
    ...(truncatedTail === undefined ? {} : { truncatedTail }),
  };
  return { segments, report };
}
