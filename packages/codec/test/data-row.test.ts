import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Cell, cellTombstone, compareCellPosition, liveCell, reconcileCells } from '../src/data/cell.js';
import { type DeletionTime, deletes, laterDeletion, NO_DELETION_TIME } from '../src/data/deletion.js';
import { mergePartitions } from '../src/data/merge.js';
import type { PartitionUpdate } from '../src/data/partition-update.js';
import { type ComplexDeletion, emptyRow, mergeRows, type Row } from '../src/data/row.js';
import {
  canonicalPartition,
  canonicalRow,
  cellPositionKey,
  partitionUpdateArb,
  rowArb,
  SMALL_DOMAIN,
} from './data-arbitraries.js';

const bytes = (...b: number[]) => Uint8Array.from(b);
const del = (markedForDeleteAtMicros: number, localDeletionTimeSec = 90): DeletionTime => ({
  markedForDeleteAtMicros,
  localDeletionTimeSec,
});
const row = (fields: Partial<Row>): Row => ({ ...emptyRow('\x40a'), ...fields });

/** Rows of SMALL_DOMAIN at one clustering, so that every pair merges. */
const sameRow = rowArb(SMALL_DOMAIN, fc.constant('\x40a'));

/**
 * mergeRows spelled out: the later liveness and deletion; per position, every
 * cell reconciled; then whatever the merged deletions cover dropped.
 */
function referenceMerge(rows: Row[]): Row {
  let deletion: DeletionTime | undefined;
  for (const r of rows) deletion = laterDeletion(deletion, r.deletion);
  const livenesses = rows.flatMap((r) => (r.liveness === undefined ? [] : [r.liveness]));
  livenesses.sort(
    (x, y) =>
      y.timestampMicros - x.timestampMicros ||
      y.localExpirationTimeSec - x.localExpirationTimeSec ||
      y.ttlSec - x.ttlSec,
  );
  const liveness =
    livenesses[0] !== undefined && !deletes(deletion, livenesses[0].timestampMicros) ? livenesses[0] : undefined;
  const complexByColumn = new Map<string, DeletionTime>();
  for (const d of rows.flatMap((r) => r.complexDeletions)) {
    complexByColumn.set(d.column, laterDeletion(complexByColumn.get(d.column), d.deletion)!);
  }
  const cellByPosition = new Map<string, Cell>();
  for (const cell of rows.flatMap((r) => r.cells)) {
    const key = cellPositionKey(cell);
    const other = cellByPosition.get(key);
    cellByPosition.set(key, other === undefined ? cell : reconcileCells(other, cell));
  }
  const cells = [...cellByPosition.values()]
    .filter((c) => !deletes(deletion, c.timestampMicros))
    .filter((c) => c.path === undefined || !deletes(complexByColumn.get(c.column), c.timestampMicros))
    .sort(compareCellPosition);
  const complexDeletions: ComplexDeletion[] = [...complexByColumn]
    .map(([column, d]) => ({ column, deletion: d }))
    .sort((x, y) => (x.column < y.column ? -1 : 1));
  return { clustering: rows[0]!.clustering, liveness, deletion, cells, complexDeletions };
}

describe('mergeRows', () => {
  it('drops the liveness and cells a row deletion shadows, keeps newer ones and the deletion', () => {
    const older = liveCell('a', undefined, 5, bytes(1));
    const newer = liveCell('b', undefined, 6, bytes(2));
    const merged = mergeRows(
      row({
        liveness: { timestampMicros: 5, ttlSec: 0, localExpirationTimeSec: NO_DELETION_TIME },
        cells: [older, newer],
      }),
      row({ deletion: del(5) }),
    );
    expect(merged.liveness).toBeUndefined();
    expect(merged.cells).toEqual([newer]);
    expect(merged.deletion).toEqual(del(5));
  });

  it('keeps a liveness newer than the row deletion', () => {
    const liveness = { timestampMicros: 6, ttlSec: 0, localExpirationTimeSec: NO_DELETION_TIME };
    expect(mergeRows(row({ liveness }), row({ deletion: del(5) })).liveness).toEqual(liveness);
  });

  it('drops collection elements a collection deletion shadows, and only those', () => {
    const oldElement = liveCell('m', '\x01', 4, bytes(1));
    const newElement = liveCell('m', '\x02', 8, bytes(2));
    const otherCollection = liveCell('s', '\x01', 4, bytes(3));
    const simple = liveCell('a', undefined, 4, bytes(4));
    const merged = mergeRows(
      row({ cells: [simple, oldElement, newElement, otherCollection] }),
      row({ complexDeletions: [{ column: 'm', deletion: del(7) }] }),
    );
    expect(merged.cells).toEqual([simple, newElement, otherCollection]);
    expect(merged.complexDeletions).toEqual([{ column: 'm', deletion: del(7) }]);
  });

  it('keeps the later of two deletions and of two collection deletions', () => {
    const merged = mergeRows(
      row({ deletion: del(3, 95), complexDeletions: [{ column: 'm', deletion: del(2) }] }),
      row({
        deletion: del(3, 96),
        complexDeletions: [
          { column: 'm', deletion: del(4) },
          { column: 's', deletion: del(1) },
        ],
      }),
    );
    expect(merged.deletion).toEqual(del(3, 96));
    expect(merged.complexDeletions).toEqual([
      { column: 'm', deletion: del(4) },
      { column: 's', deletion: del(1) },
    ]);
  });

  it('reconciles cells at one position and keeps tombstones that win', () => {
    const tombstone = cellTombstone('a', undefined, 5, 95);
    const merged = mergeRows(row({ cells: [liveCell('a', undefined, 5, bytes(9))] }), row({ cells: [tombstone] }));
    expect(merged.cells).toEqual([tombstone]);
  });

  it('equals the reference merge', () => {
    fc.assert(
      fc.property(sameRow, sameRow, (a, b) => {
        expect(canonicalRow(mergeRows(a, b))).toEqual(canonicalRow(referenceMerge([a, b])));
      }),
      { numRuns: 1500 },
    );
  });

  it('is commutative and associative', () => {
    fc.assert(
      fc.property(sameRow, sameRow, sameRow, (a, b, c) => {
        const ab = mergeRows(a, b);
        expect(canonicalRow(mergeRows(b, a))).toEqual(canonicalRow(ab));
        const left = mergeRows(ab, c);
        const right = mergeRows(a, mergeRows(b, c));
        expect(canonicalRow(left)).toEqual(canonicalRow(right));
      }),
      { numRuns: 1500 },
    );
  });

  it('is idempotent on a merged row, and leaves nothing its own deletions shadow', () => {
    fc.assert(
      fc.property(sameRow, sameRow, (a, b) => {
        const merged = mergeRows(a, b);
        expect(canonicalRow(mergeRows(merged, merged))).toEqual(canonicalRow(merged));
        for (const cell of merged.cells) {
          expect(deletes(merged.deletion, cell.timestampMicros)).toBe(false);
          const complex = merged.complexDeletions.find((d) => d.column === cell.column);
          if (cell.path !== undefined) expect(deletes(complex?.deletion, cell.timestampMicros)).toBe(false);
        }
        if (merged.liveness !== undefined)
          expect(deletes(merged.deletion, merged.liveness.timestampMicros)).toBe(false);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('mergePartitions', () => {
  const samePartition = partitionUpdateArb(SMALL_DOMAIN, { key: fc.constant(Uint8Array.of(7)) });

  it('is commutative and associative (range tombstones compared as a set)', () => {
    fc.assert(
      fc.property(samePartition, samePartition, samePartition, (a, b, c) => {
        const ab = mergePartitions(a, b);
        expect(canonicalPartition(mergePartitions(b, a))).toEqual(canonicalPartition(ab));
        const left = mergePartitions(ab, c);
        const right = mergePartitions(a, mergePartitions(b, c));
        expect(canonicalPartition(left)).toEqual(canonicalPartition(right));
      }),
      { numRuns: 1000 },
    );
  });

  it('keeps rows sorted by clustering, one per clustering', () => {
    fc.assert(
      fc.property(samePartition, samePartition, (a, b) => {
        const merged: PartitionUpdate = mergePartitions(a, b);
        const clusterings = merged.rows.map((r) => r.clustering);
        expect(clusterings).toEqual([...new Set([...a.rows, ...b.rows].map((r) => r.clustering))].sort());
      }),
      { numRuns: 500 },
    );
  });
});
