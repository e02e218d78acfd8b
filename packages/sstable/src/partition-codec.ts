/**
 * A partition record in the Data stream (docs/formats/sstable.md, "Partition
 * record"): a u32 body length, then the body — key, partition deletion, static
 * row, rows and range tombstones. Rows use the codec's row encoding
 * (`writeRow`/`readRow`, shared with the mutation format), whose version is
 * recorded in the Data header.
 *
 * The writer validates what the reader will insist on (orderings, consistent
 * cell kinds), so a caller's bad update is refused rather than written as a
 * file that cannot be read back.
 */
import {
  BinaryReader,
  BinaryWriter,
  compareCellPosition,
  ErrorCodes,
  type PartitionUpdate,
  RingtailError,
  type Row,
  readPartitionBody,
  writePartitionBody,
} from '@ringtail/codec';
import { MAX_PARTITION_BYTES, MAX_PARTITION_KEY_BYTES } from './constants.js';
import { writeU32 } from './format.js';

/** Length prefix of a record. */
export const RECORD_LENGTH_BYTES = 4;

function invalid(message: string): RingtailError {
  return new RingtailError(ErrorCodes.INVALID_ARGUMENT, message);
}

function validateRow(row: Row, where: string): void {
  for (let i = 0; i < row.cells.length; i++) {
    const cell = row.cells[i]!;
    if (i > 0 && compareCellPosition(row.cells[i - 1]!, cell) >= 0) throw invalid(`${where}: cells out of order`);
    if (cell.value === undefined && cell.ttlSec > 0) throw invalid(`${where}: a cell tombstone cannot have a TTL`);
  }
  for (let i = 1; i < row.complexDeletions.length; i++) {
    if (row.complexDeletions[i - 1]!.column >= row.complexDeletions[i]!.column) {
      throw invalid(`${where}: collection deletions out of order`);
    }
  }
}

/** Throws INVALID_ARGUMENT for an update the format cannot hold or the reader would refuse. */
export function validatePartition(update: PartitionUpdate): void {
  if (!(update.key instanceof Uint8Array)) throw invalid('partition key must be a Uint8Array');
  if (update.key.length > MAX_PARTITION_KEY_BYTES) {
    throw invalid(`partition key of ${update.key.length} bytes exceeds ${MAX_PARTITION_KEY_BYTES}`);
  }
  if (update.staticRow !== undefined) validateRow(update.staticRow, 'static row');
  for (let i = 0; i < update.rows.length; i++) {
    const row = update.rows[i]!;
    if (i > 0 && update.rows[i - 1]!.clustering >= row.clustering) throw invalid('rows out of clustering order');
    validateRow(row, `row ${i}`);
  }
  for (const rt of update.rangeTombstones) {
    if (rt.start >= rt.end) throw invalid('empty range tombstone');
  }
}

/**
 * The whole record — length prefix and body — of a validated update. Given
 * `scratch`, the record is encoded there and returned as its view(), valid
 * until `scratch` is used again (the SSTable writer copies it into a block at
 * once, and so spares an allocation per partition); otherwise it is a copy of its own.
 */
export function encodePartitionRecord(update: PartitionUpdate, scratch?: BinaryWriter): Uint8Array {
  const w = scratch ?? new BinaryWriter(1024);
  w.reset();
  for (let i = 0; i < RECORD_LENGTH_BYTES; i++) w.u8(0);
  writePartitionBody(w, update);
  const record = scratch === undefined ? w.finish() : w.view();
  const bodyLength = record.length - RECORD_LENGTH_BYTES;
  if (bodyLength > MAX_PARTITION_BYTES) {
    throw new RingtailError(
      ErrorCodes.LIMIT_EXCEEDED,
      `partition of ${bodyLength} bytes exceeds the ${MAX_PARTITION_BYTES}-byte maximum`,
    );
  }
  writeU32(record, 0, bodyLength);
  return record;
}

/**
 * Decodes a record body. Malformed bytes throw (INVALID_ARGUMENT from the
 * BinaryReader); the caller, knowing file and offset, reports corruption.
 */
export function decodePartitionBody(body: Uint8Array, tableId: string): PartitionUpdate {
  const r = new BinaryReader(body, 'partition record');
  const update = readPartitionBody(r, tableId);
  if (!r.done) r.fail('trailing bytes');
  return update;
}
