/**
 * Binary form of a {@link Mutation}: the payload of a commit-log record, and
 * later of a write sent between nodes. Byte layout: docs/formats/mutation.md.
 * Decoding checks every length against the input and every ordering invariant
 * (rows by clustering, cells by position), so bytes from a damaged file or a
 * faulty peer yield an error, never a malformed update.
 */
import { ErrorCodes, RingtailError } from '../errors.js';
import { BinaryReader, BinaryWriter } from './binary.js';
import { type Cell, compareCellPosition } from './cell.js';
import { type DeletionTime, NO_DELETION_TIME } from './deletion.js';
import type { Mutation, PartitionUpdate, RangeTombstone } from './partition-update.js';
import type { ComplexDeletion, LivenessInfo, Row } from './row.js';

export const MUTATION_FORMAT_VERSION = 1;

const ROW_HAS_LIVENESS = 1;
const ROW_HAS_DELETION = 2;

const CELL_HAS_PATH = 1;
const CELL_TOMBSTONE = 2;
const CELL_EXPIRING = 4;

/** A local time (seconds) as a varint, 0 standing for NO_DELETION_TIME. Shared with the SSTable row format. */
export function writeLocalTime(w: BinaryWriter, sec: number): void {
  w.uvarint(sec === NO_DELETION_TIME ? 0 : sec + 1);
}

export function readLocalTime(r: BinaryReader): number {
  const v = r.uvarint();
  return v === 0 ? NO_DELETION_TIME : v - 1;
}

export function writeDeletion(w: BinaryWriter, d: DeletionTime): void {
  w.varint(d.markedForDeleteAtMicros);
  writeLocalTime(w, d.localDeletionTimeSec);
}

export function readDeletion(r: BinaryReader): DeletionTime {
  return { markedForDeleteAtMicros: r.varint(), localDeletionTimeSec: readLocalTime(r) };
}

function writeCell(w: BinaryWriter, cell: Cell): void {
  const flags =
    (cell.path !== undefined ? CELL_HAS_PATH : 0) |
    (cell.value === undefined ? CELL_TOMBSTONE : 0) |
    (cell.ttlSec > 0 ? CELL_EXPIRING : 0);
  w.u8(flags);
  w.utf8(cell.column);
  if (cell.path !== undefined) w.latin1(cell.path);
  w.varint(cell.timestampMicros);
  if (cell.ttlSec > 0) w.uvarint(cell.ttlSec);
  if (cell.value === undefined || cell.ttlSec > 0) writeLocalTime(w, cell.localDeletionTimeSec);
  if (cell.value !== undefined) w.bytesWithLength(cell.value);
}

function readCell(r: BinaryReader): Cell {
  const flags = r.u8();
  if (flags > 7 || (flags & CELL_TOMBSTONE && flags & CELL_EXPIRING)) r.fail(`bad cell flags ${flags}`);
  const column = r.utf8();
  const path = flags & CELL_HAS_PATH ? r.latin1() : undefined;
  const timestampMicros = r.varint();
  const ttlSec = flags & CELL_EXPIRING ? r.uvarint() : 0;
  if (flags & CELL_EXPIRING && ttlSec === 0) r.fail('expiring cell with no TTL');
  const localDeletionTimeSec = flags & (CELL_TOMBSTONE | CELL_EXPIRING) ? readLocalTime(r) : NO_DELETION_TIME;
  const value = flags & CELL_TOMBSTONE ? undefined : r.bytesWithLength();
  return { column, path, timestampMicros, ttlSec, localDeletionTimeSec, value };
}

export function writeRow(w: BinaryWriter, row: Row): void {
  w.latin1(row.clustering);
  w.u8((row.liveness !== undefined ? ROW_HAS_LIVENESS : 0) | (row.deletion !== undefined ? ROW_HAS_DELETION : 0));
  if (row.liveness !== undefined) {
    w.varint(row.liveness.timestampMicros);
    w.uvarint(row.liveness.ttlSec);
    writeLocalTime(w, row.liveness.localExpirationTimeSec);
  }
  if (row.deletion !== undefined) writeDeletion(w, row.deletion);
  w.uvarint(row.complexDeletions.length);
  for (const d of row.complexDeletions) {
    w.utf8(d.column);
    writeDeletion(w, d.deletion);
  }
  w.uvarint(row.cells.length);
  for (const cell of row.cells) writeCell(w, cell);
}

export function readRow(r: BinaryReader): Row {
  const clustering = r.latin1();
  const flags = r.u8();
  if (flags > 3) r.fail(`bad row flags ${flags}`);
  let liveness: LivenessInfo | undefined;
  if (flags & ROW_HAS_LIVENESS) {
    liveness = { timestampMicros: r.varint(), ttlSec: r.uvarint(), localExpirationTimeSec: readLocalTime(r) };
  }
  const deletion = flags & ROW_HAS_DELETION ? readDeletion(r) : undefined;
  const complexDeletions: ComplexDeletion[] = [];
  for (let n = r.count(3); n > 0; n--) {
    const d = { column: r.utf8(), deletion: readDeletion(r) };
    const previous = complexDeletions.at(-1);
    if (previous !== undefined && previous.column >= d.column) r.fail('collection deletions out of order');
    complexDeletions.push(d);
  }
  const cells: Cell[] = [];
  for (let n = r.count(4); n > 0; n--) {
    const cell = readCell(r);
    const previous = cells.at(-1);
    if (previous !== undefined && compareCellPosition(previous, cell) >= 0) r.fail('cells out of order');
    cells.push(cell);
  }
  return { clustering, liveness, deletion, cells, complexDeletions };
}

/**
 * A partition's content without its table id: key, deletion, static row, rows
 * and range tombstones. Shared with the SSTable Data format (docs/formats/sstable.md).
 */
export function writePartitionBody(w: BinaryWriter, update: PartitionUpdate): void {
  w.bytesWithLength(update.key);
  w.u8((update.deletion !== undefined ? 1 : 0) | (update.staticRow !== undefined ? 2 : 0));
  if (update.deletion !== undefined) writeDeletion(w, update.deletion);
  if (update.staticRow !== undefined) writeRow(w, update.staticRow);
  w.uvarint(update.rows.length);
  for (const row of update.rows) writeRow(w, row);
  w.uvarint(update.rangeTombstones.length);
  for (const rt of update.rangeTombstones) {
    w.latin1(rt.start);
    w.latin1(rt.end);
    writeDeletion(w, rt.deletion);
  }
}

/** Reads what writePartitionBody wrote, checking every ordering invariant. */
export function readPartitionBody(r: BinaryReader, tableId: string): PartitionUpdate {
  const key = r.bytesWithLength();
  const flags = r.u8();
  if (flags > 3) r.fail(`bad partition flags ${flags}`);
  const deletion = flags & 1 ? readDeletion(r) : undefined;
  const staticRow = flags & 2 ? readRow(r) : undefined;
  const rows: Row[] = [];
  for (let n = r.count(4); n > 0; n--) {
    const row = readRow(r);
    const previous = rows.at(-1);
    if (previous !== undefined && previous.clustering >= row.clustering) r.fail('rows out of order');
    rows.push(row);
  }
  const rangeTombstones: RangeTombstone[] = [];
  for (let n = r.count(4); n > 0; n--) {
    const rt = { start: r.latin1(), end: r.latin1(), deletion: readDeletion(r) };
    if (rt.start >= rt.end) r.fail('empty range tombstone');
    rangeTombstones.push(rt);
  }
  return { tableId, key, deletion, staticRow, rows, rangeTombstones };
}

function readUpdate(r: BinaryReader): PartitionUpdate {
  return readPartitionBody(r, r.utf8());
}

export function encodeMutation(mutation: Mutation): Uint8Array {
  const w = new BinaryWriter();
  writeMutation(w, mutation);
  return w.finish();
}

/**
 * The encoding of `mutation` in `scratch`, without a copy: valid until
 * `scratch` is used again. For a caller that copies it at once (the commit
 * log does), it spares a buffer allocation per write. Given `bodyBounds`,
 * it is filled with where each update's partition body (writePartitionBody)
 * starts and ends in the result: `[start0, end0, start1, end1, …]`, so that a
 * memtable can keep those bytes without encoding the update again.
 */
export function encodeMutationInto(scratch: BinaryWriter, mutation: Mutation, bodyBounds?: number[]): Uint8Array {
  scratch.reset();
  writeMutation(scratch, mutation, bodyBounds);
  return scratch.view();
}

function writeMutation(w: BinaryWriter, mutation: Mutation, bodyBounds?: number[]): void {
  w.u8(MUTATION_FORMAT_VERSION);
  const updates = mutation.updates;
  w.uvarint(updates.length);
  if (bodyBounds !== undefined) bodyBounds.length = 2 * updates.length;
  for (let i = 0; i < updates.length; i++) {
    const update = updates[i]!;
    w.utf8(update.tableId);
    if (bodyBounds !== undefined) bodyBounds[2 * i] = w.size;
    writePartitionBody(w, update);
    if (bodyBounds !== undefined) bodyBounds[2 * i + 1] = w.size;
  }
}

export function decodeMutation(bytes: Uint8Array): Mutation {
  const r = new BinaryReader(bytes, 'mutation');
  const version = r.u8();
  if (version !== MUTATION_FORMAT_VERSION) {
    throw new RingtailError(ErrorCodes.UNSUPPORTED_VERSION, `mutation format version ${version} is not supported`);
  }
  const updates: PartitionUpdate[] = [];
  for (let n = r.count(5); n > 0; n--) updates.push(readUpdate(r));
  if (!r.done) r.fail('trailing bytes');
  return { updates };
}
