/**
 * Cells: one column's value in one row (or, for a non-frozen collection, one
 * element), with its write timestamp and optional TTL — or a tombstone.
 *
 * Kinds, by their fields:
 *   live:      value defined, ttlSec 0, localDeletionTimeSec NO_DELETION_TIME
 *   expiring:  value defined, ttlSec > 0, localDeletionTimeSec = when it expires
 *   tombstone: value undefined, ttlSec 0, localDeletionTimeSec = when it was deleted
 */
import { NO_DELETION_TIME } from './deletion.js';

export interface Cell {
  /** Column name. */
  readonly column: string;
  /**
   * For an element of a non-frozen collection: the element's key as
   * byte-comparable latin1 (set element, map key, list timeuuid). Undefined
   * for a simple column.
   */
  readonly path: string | undefined;
  readonly timestampMicros: number;
  readonly ttlSec: number;
  readonly localDeletionTimeSec: number;
  /** Serialized value (native protocol encoding); undefined for a tombstone. */
  readonly value: Uint8Array | undefined;
}

export function liveCell(column: string, path: string | undefined, timestampMicros: number, value: Uint8Array): Cell {
  return { column, path, timestampMicros, ttlSec: 0, localDeletionTimeSec: NO_DELETION_TIME, value };
}

export function expiringCell(
  column: string,
  path: string | undefined,
  timestampMicros: number,
  value: Uint8Array,
  ttlSec: number,
  nowSec: number,
): Cell {
  return { column, path, timestampMicros, ttlSec, localDeletionTimeSec: nowSec + ttlSec, value };
}

export function cellTombstone(column: string, path: string | undefined, timestampMicros: number, nowSec: number): Cell {
  return { column, path, timestampMicros, ttlSec: 0, localDeletionTimeSec: nowSec, value: undefined };
}

export function isTombstone(cell: Cell): boolean {
  return cell.value === undefined;
}

/** Live at `nowSec`: a value that has not expired. */
export function isLiveCell(cell: Cell, nowSec: number): boolean {
  return cell.value !== undefined && nowSec < cell.localDeletionTimeSec;
}

/** Order of cells in a row: by column name, then by path (a simple cell before any element). */
export function compareCellPosition(a: Cell, b: Cell): number {
  if (a.column !== b.column) return a.column < b.column ? -1 : 1;
  if (a.path === b.path) return 0;
  if (a.path === undefined) return -1;
  if (b.path === undefined) return 1;
  return a.path < b.path ? -1 : 1;
}

function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

/**
 * Last write wins, with Cassandra's tie rules as they stand since
 * CASSANDRA-14592: the later timestamp; at the same timestamp a tombstone beats
 * a cell with a value, an expiring cell beats a non-expiring one, and between
 * two expiring cells (or two tombstones) the later local deletion time wins;
 * then the greater value, then the longer TTL. None of it depends on the time
 * of the merge, so every replica and every merge order keeps the same cell.
 * `a` and `b` are at the same position.
 */
export function reconcileCells(a: Cell, b: Cell): Cell {
  if (a.timestampMicros !== b.timestampMicros) return a.timestampMicros > b.timestampMicros ? a : b;
  const aTombstone = a.value === undefined;
  if (aTombstone !== (b.value === undefined)) return aTombstone ? a : b;
  const aExpiring = a.ttlSec > 0;
  if (aExpiring !== b.ttlSec > 0) return aExpiring ? a : b;
  if (a.localDeletionTimeSec !== b.localDeletionTimeSec) return a.localDeletionTimeSec > b.localDeletionTimeSec ? a : b;
  if (a.value !== undefined && b.value !== undefined) {
    const byValue = compareBytes(a.value, b.value);
    if (byValue !== 0) return byValue > 0 ? a : b;
  }
  return a.ttlSec >= b.ttlSec ? a : b;
}
