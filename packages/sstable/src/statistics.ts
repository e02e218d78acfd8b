/**
 * What an SSTable holds, gathered while writing and stored in its Statistics
 * component (docs/formats/sstable.md, "Statistics"): time bounds for
 * compaction and tombstone purging, counts, the key range and the table id.
 *
 *   prefix (8) | 5 × i64 / u64 fields ... | tableId, firstKey, lastKey (uvarint length + bytes) | xxhash32 (4)
 */
import {
  BinaryReader,
  BinaryWriter,
  CorruptionError,
  type DeletionTime,
  ErrorCodes,
  isLiveDeletion,
  isRingtailError,
  NO_DELETION_TIME,
  NO_TIMESTAMP,
  type PartitionUpdate,
  type Row,
} from '@ringtail/codec';
import { openWholeFile, STATISTICS_MAGIC, sealWholeFile, WHOLE_FILE_PREFIX_BYTES, writePrefix } from './format.js';

export interface SSTableStats {
  /** The table every partition belongs to (PartitionUpdate.tableId of what was written). */
  readonly tableId: string;
  readonly firstKey: Uint8Array;
  readonly lastKey: Uint8Array;
  /** Over every write timestamp and deletion mark; NO_TIMESTAMP for both if there is none. */
  readonly minTimestampMicros: number;
  readonly maxTimestampMicros: number;
  /** Over tombstones and expiring cells and rows; NO_DELETION_TIME for both if there is none. */
  readonly minLocalDeletionTimeSec: number;
  readonly maxLocalDeletionTimeSec: number;
  readonly partitionCount: number;
  /** Clustered rows (static rows are not counted). */
  readonly rowCount: number;
  /** Cells of every row, static rows included. */
  readonly cellCount: number;
  /** Partition, row (static included), range, collection and cell tombstones. */
  readonly tombstoneCount: number;
  /** Bytes of the partition records in Data: the data without block framing and headers. */
  readonly dataSizeBytes: number;
}

/** The fixed-width fields after the prefix: 4 × i64 times and 5 × u64 counts. */
const FIXED_FIELDS_BYTES = 72;

export class StatsCollector {
  private tableId: string | undefined;
  private firstKey: Uint8Array | undefined;
  private lastKey: Uint8Array | undefined;
  private minTimestamp = Number.MAX_SAFE_INTEGER;
  private maxTimestamp = NO_TIMESTAMP;
  private minLocalDeletion = NO_DELETION_TIME;
  private maxLocalDeletion = Number.MIN_SAFE_INTEGER;
  private sawLocalDeletion = false;
  partitionCount = 0;
  private rowCount = 0;
  private cellCount = 0;
  private tombstoneCount = 0;
  private dataSizeBytes = 0;

  observe(update: PartitionUpdate, recordBytes: number): void {
    this.tableId ??= update.tableId;
    this.firstKey ??= update.key;
    this.lastKey = update.key;
    this.partitionCount += 1;
    this.dataSizeBytes += recordBytes;
    this.deletion(update.deletion);
    if (update.staticRow !== undefined) this.row(update.staticRow);
    for (const row of update.rows) this.row(row);
    this.rowCount += update.rows.length;
    for (const rt of update.rangeTombstones) this.deletion(rt.deletion);
  }

  private timestamp(micros: number): void {
    if (micros < this.minTimestamp) this.minTimestamp = micros;
    if (micros > this.maxTimestamp) this.maxTimestamp = micros;
  }

  private localDeletion(sec: number): void {
    this.sawLocalDeletion = true;
    if (sec < this.minLocalDeletion) this.minLocalDeletion = sec;
    if (sec > this.maxLocalDeletion) this.maxLocalDeletion = sec;
  }

  private deletion(d: DeletionTime | undefined): void {
    if (d === undefined || isLiveDeletion(d)) return;
    this.tombstoneCount += 1;
    this.timestamp(d.markedForDeleteAtMicros);
    this.localDeletion(d.localDeletionTimeSec);
  }

  private row(row: Row): void {
    const liveness = row.liveness;
    if (liveness !== undefined) {
      this.timestamp(liveness.timestampMicros);
      if (liveness.ttlSec > 0) this.localDeletion(liveness.localExpirationTimeSec);
    }
    this.deletion(row.deletion);
    for (const c of row.complexDeletions) this.deletion(c.deletion);
    this.cellCount += row.cells.length;
    for (const cell of row.cells) {
      this.timestamp(cell.timestampMicros);
      if (cell.value === undefined) this.tombstoneCount += 1;
      if (cell.value === undefined || cell.ttlSec > 0) this.localDeletion(cell.localDeletionTimeSec);
    }
  }

  /** The statistics of what was observed; at least one partition must have been. */
  finish(): SSTableStats {
    const none = this.minTimestamp > this.maxTimestamp;
    return {
      tableId: this.tableId!,
      // Copies: the keys observed may be views into a buffer the writer's caller reuses (appendEncoded).
      firstKey: this.firstKey!.slice(),
      lastKey: this.lastKey!.slice(),
      minTimestampMicros: none ? NO_TIMESTAMP : this.minTimestamp,
      maxTimestampMicros: none ? NO_TIMESTAMP : this.maxTimestamp,
      minLocalDeletionTimeSec: this.sawLocalDeletion ? this.minLocalDeletion : NO_DELETION_TIME,
      maxLocalDeletionTimeSec: this.sawLocalDeletion ? this.maxLocalDeletion : NO_DELETION_TIME,
      partitionCount: this.partitionCount,
      rowCount: this.rowCount,
      cellCount: this.cellCount,
      tombstoneCount: this.tombstoneCount,
      dataSizeBytes: this.dataSizeBytes,
    };
  }
}

export function encodeStatistics(stats: SSTableStats): Uint8Array {
  const fixed = new Uint8Array(WHOLE_FILE_PREFIX_BYTES + FIXED_FIELDS_BYTES);
  writePrefix(fixed, STATISTICS_MAGIC);
  const view = new DataView(fixed.buffer);
  const times = [
    stats.minTimestampMicros,
    stats.maxTimestampMicros,
    stats.minLocalDeletionTimeSec,
    stats.maxLocalDeletionTimeSec,
  ];
  const counts = [stats.partitionCount, stats.rowCount, stats.cellCount, stats.tombstoneCount, stats.dataSizeBytes];
  for (const [i, t] of times.entries()) view.setBigInt64(8 + 8 * i, BigInt(t));
  for (const [i, c] of counts.entries()) view.setBigUint64(40 + 8 * i, BigInt(c));
  const w = new BinaryWriter(64 + stats.firstKey.length + stats.lastKey.length);
  w.utf8(stats.tableId);
  w.bytesWithLength(stats.firstKey);
  w.bytesWithLength(stats.lastKey);
  const tail = w.finish();
  const body = new Uint8Array(fixed.length + tail.length);
  body.set(fixed);
  body.set(tail, fixed.length);
  return sealWholeFile(body);
}

export function decodeStatistics(bytes: Uint8Array, path: string): SSTableStats {
  const body = openWholeFile(bytes, path, STATISTICS_MAGIC);
  const fail = (offset: number, detail: string): never => {
    throw new CorruptionError(path, WHOLE_FILE_PREFIX_BYTES + offset, detail);
  };
  if (body.length < FIXED_FIELDS_BYTES) fail(0, 'truncated');
  const view = new DataView(body.buffer, body.byteOffset, FIXED_FIELDS_BYTES);
  const field = (i: number, signed: boolean): number => {
    const value = Number(signed ? view.getBigInt64(8 * i) : view.getBigUint64(8 * i));
    return Number.isSafeInteger(value) ? value : fail(8 * i, `field ${i} is not a safe integer`);
  };
  const [minT, maxT, minD, maxD] = [0, 1, 2, 3].map((i) => field(i, true)) as [number, number, number, number];
  const [partitions, rows, cells, tombstones, dataBytes] = [4, 5, 6, 7, 8].map((i) => field(i, false)) as [
    number,
    number,
    number,
    number,
    number,
  ];
  try {
    const r = new BinaryReader(body.subarray(FIXED_FIELDS_BYTES), 'statistics');
    const stats: SSTableStats = {
      tableId: r.utf8(),
      firstKey: r.bytesWithLength(),
      lastKey: r.bytesWithLength(),
      minTimestampMicros: minT,
      maxTimestampMicros: maxT,
      minLocalDeletionTimeSec: minD,
      maxLocalDeletionTimeSec: maxD,
      partitionCount: partitions,
      rowCount: rows,
      cellCount: cells,
      tombstoneCount: tombstones,
      dataSizeBytes: dataBytes,
    };
    if (!r.done) r.fail('trailing bytes');
    if (partitions < 1) r.fail('no partitions');
    return stats;
  } catch (error) {
    if (!isRingtailError(error, ErrorCodes.INVALID_ARGUMENT)) throw error;
    return fail(FIXED_FIELDS_BYTES, error.message);
  }
}
