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

/** `rowIndex` -1 is the static row; the message is built only when a check fails (this runs per row). */
function validateRow(row: Row, rowIndex: number): void {
  const cells = row.cells;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    if (i > 0 && compareCellPosition(cells[i - 1]!, cell) >= 0)
      throw invalid(`${rowName(rowIndex)}: cells out of order`);
    if (cell.value === undefined && cell.ttlSec > 0) {
      throw invalid(`${rowName(rowIndex)}: a cell tombstone cannot have a TTL`);
    }
  }
  const deletions = row.complexDeletions;
  for (let i = 1; i < deletions.length; i++) {
    if (deletions[i - 1]!.column >= deletions[i]!.column) {
      throw invalid(`${rowName(rowIndex)}: collection deletions out of order`);
    }
  }
}

function rowName(rowIndex: number): string {
  return rowIndex < 0 ? 'static row' : `row ${rowIndex}`;
}

/** Throws INVALID_ARGUMENT for an update the format cannot hold or the reader would refuse. */
export function validatePartition(update: PartitionUpdate): void {
  if (!(update.key instanceof Uint8Array)) throw invalid('partition key must be a Uint8Array');
  if (update.key.length > MAX_PARTITION_KEY_BYTES) {
    throw invalid(`partition key of ${update.key.length} bytes exceeds ${MAX_PARTITION_KEY_BYTES}`);
  }
  if (update.staticRow !== undefined) validateRow(update.staticRow, -1);
  const rows = update.rows;
  for (let i = 0; i < rows.length; i++) {
    const row = rows[i]!;
    if (i > 0 && rows[i - 1]!.clustering >= row.clustering) throw invalid('rows out of clustering order');
    validateRow(row, i);
  }
  const rangeTombstones = update.rangeTombstones;
  for (let i = 0; i < rangeTombstones.length; i++) {
    if (rangeTombstones[i]!.start >= rangeTombstones[i]!.end) throw invalid('empty range tombstone');
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
  writeBodyLength(record);
  return record;
}

/** The whole record of an encoded body, in `scratch` as encodePartitionRecord leaves it (a view). */
export function frameRecord(body: Uint8Array, scratch: BinaryWriter): Uint8Array {
  scratch.reset();
  for (let i = 0; i < RECORD_LENGTH_BYTES; i++) scratch.u8(0);
  scratch.raw(body);
  const record = scratch.view();
  writeBodyLength(record);
  return record;
}

function writeBodyLength(record: Uint8Array): void {
  const bodyLength = record.length - RECORD_LENGTH_BYTES;
  if (bodyLength > MAX_PARTITION_BYTES) {
    throw new RingtailError(
      ErrorCodes.LIMIT_EXCEEDED,
      `partition of ${bodyLength} bytes exceeds the ${MAX_PARTITION_BYTES}-byte maximum`,
    );
  }
  writeU32(record, 0, bodyLength);
}

/**
 * Decodes a record body. Malformed bytes throw (INVALID_ARGUMENT from the
 * BinaryReader); the caller, knowing file and offset, reports corruption.
 * With `views`, the key and values are views into `body` (see BinaryReader).
 */
export function decodePartitionBody(body: Uint8Array, tableId: string, views = false): PartitionUpdate {
  const r = new BinaryReader(body, 'partition record', views);
  const update = readPartitionBody(r, tableId);
  if (!r.done) r.fail('trailing bytes');
  return update;
}
