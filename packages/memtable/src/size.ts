/**
 * Estimates of the memory a memtable holds, so that the storage engine can
 * flush it at a configured size. The figures are V8's on 64-bit Node without
 * pointer compression (Node's default build), measured with
 * `process.memoryUsage()` after a forced collection: an object takes a
 * 24-byte header (map, properties, elements) and 8 bytes per field; a number
 * that is not a small integer (a timestamp in microseconds,
 * NO_DELETION_TIME) sits in a 16-byte HeapNumber of its own; a flat one-byte
 * string takes 16 bytes plus its chars, rounded up to 8; an array takes a
 * 32-byte JSArray and a backing store of 16 bytes plus 8 per slot. A value's
 * bytes usually live outside the JS heap (in an ArrayBuffer's backing store)
 * and are counted too: they are memory the memtable keeps alive.
 *
 * What is not known from the objects themselves is estimated: strings are
 * counted as owned by the cell or row that holds them (a column name decoded
 * from a commit-log record or a peer's message is a copy of its own; one from
 * the schema is shared, and then counted in excess), and a B+tree entry is
 * charged what a leaf slot costs at the fill a random insert order leaves.
 * test/memtable-size.test.ts holds the total to within 30% of the measured
 * heap for the shapes of rows a table commonly holds.
 */
import type { DeletionTime, LivenessInfo, RangeTombstone, Row } from '@ringtail/codec';

const OBJECT_HEADER_BYTES = 24;
const FIELD_BYTES = 8;
const HEAP_NUMBER_BYTES = 16;
const STRING_HEADER_BYTES = 16;
const ARRAY_BYTES = 32;
const ARRAY_STORE_HEADER_BYTES = 16;
/** A Uint8Array and its ArrayBuffer on the heap, before the bytes themselves. */
const TYPED_ARRAY_BYTES = 184;

/** `{ column, path, timestampMicros, ttlSec, localDeletionTimeSec, value }`, two of them boxed doubles. */
const CELL_BYTES = OBJECT_HEADER_BYTES + 6 * FIELD_BYTES + 2 * HEAP_NUMBER_BYTES;
/** `{ clustering, liveness, deletion, cells, complexDeletions }`. */
const ROW_BYTES = OBJECT_HEADER_BYTES + 5 * FIELD_BYTES;
/** `{ timestampMicros, ttlSec, localExpirationTimeSec }`, two of them boxed doubles. */
const LIVENESS_BYTES = OBJECT_HEADER_BYTES + 3 * FIELD_BYTES + 2 * HEAP_NUMBER_BYTES;
/** `{ markedForDeleteAtMicros, localDeletionTimeSec }`, both boxed doubles. */
export const DELETION_TIME_BYTES = OBJECT_HEADER_BYTES + 2 * FIELD_BYTES + 2 * HEAP_NUMBER_BYTES;
/** `{ column, deletion }`. */
const COMPLEX_DELETION_BYTES = OBJECT_HEADER_BYTES + 2 * FIELD_BYTES + DELETION_TIME_BYTES;

/**
 * One entry of a SortedStringMap: key pointer, key prefix (an unboxed double)
 * and value pointer in a leaf's three arrays, divided by the fill of a leaf
 * after random inserts (about 0.7), plus the branches above (a few percent).
 */
export const TREE_ENTRY_BYTES = 40;
/**
 * An empty SortedStringMap: the map object, its two path arrays, a leaf and
 * the leaf's three arrays.
 */
export const TREE_BYTES = 400;
/** The memtable's record of one partition: five fields (partition.ts). */
export const PARTITION_STATE_BYTES = OBJECT_HEADER_BYTES + 5 * FIELD_BYTES;
/** A list of range tombstones, with the 17 slots its first push reserves. */
export const RANGE_TOMBSTONE_LIST_BYTES = ARRAY_BYTES + ARRAY_STORE_HEADER_BYTES + 17 * FIELD_BYTES;

/** A flat one-byte string of `length` chars; the empty string is shared. */
export function stringBytes(length: number): number {
  return length === 0 ? 0 : (STRING_HEADER_BYTES + length + 7) & ~7;
}

function arrayBytes(length: number): number {
  return ARRAY_BYTES + (length === 0 ? 0 : ARRAY_STORE_HEADER_BYTES + length * FIELD_BYTES);
}

function livenessBytes(liveness: LivenessInfo | undefined): number {
  return liveness === undefined ? 0 : LIVENESS_BYTES;
}

function deletionBytes(deletion: DeletionTime | undefined): number {
  return deletion === undefined ? 0 : DELETION_TIME_BYTES;
}

/** Heap a row holds: the row, its clustering, liveness, deletions and cells with their values. */
export function rowHeapBytes(row: Row): number {
  let bytes =
    ROW_BYTES +
    stringBytes(row.clustering.length) +
    livenessBytes(row.liveness) +
    deletionBytes(row.deletion) +
    arrayBytes(row.cells.length) +
    arrayBytes(row.complexDeletions.length);
  const cells = row.cells;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i]!;
    bytes += CELL_BYTES + stringBytes(cell.column.length);
    if (cell.path !== undefined) bytes += stringBytes(cell.path.length);
    if (cell.value !== undefined) bytes += TYPED_ARRAY_BYTES + cell.value.byteLength;
  }
  const complexDeletions = row.complexDeletions;
  for (let i = 0; i < complexDeletions.length; i++) {
    bytes += COMPLEX_DELETION_BYTES + stringBytes(complexDeletions[i]!.column.length);
  }
  return bytes;
}

/** Heap a range tombstone holds: `{ start, end, deletion }` and its bounds. */
export function rangeTombstoneBytes(rt: RangeTombstone): number {
  return (
    OBJECT_HEADER_BYTES +
    3 * FIELD_BYTES +
    stringBytes(rt.start.length) +
    stringBytes(rt.end.length) +
    DELETION_TIME_BYTES
  );
}
