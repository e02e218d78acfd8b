import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Cell, cellTombstone, expiringCell, liveCell } from '../src/data/cell.js';
import { type DeletionTime, NO_DELETION_TIME } from '../src/data/deletion.js';
import { coveringDeletion, livePartition, mergePartitions } from '../src/data/merge.js';
import { CLUSTERING_AFTER_PREFIX, type PartitionUpdate, type RangeTombstone } from '../src/data/partition-update.js';
import { emptyRow, type LivenessInfo, type Row } from '../src/data/row.js';
import { canonicalLive, partitionUpdateArb, SMALL_DOMAIN } from './data-arbitraries.js';

const NOW = 100;
const A = '\x40a';
const AB = '\x40a\x40b';
const B = '\x40b';
const C = '\x40c';
const v = (...b: number[]) => Uint8Array.from(b);
const del = (markedForDeleteAtMicros: number): DeletionTime => ({ markedForDeleteAtMicros, localDeletionTimeSec: 90 });
const insert = (timestampMicros: number, ttlSec = 0, writtenSec = NOW): LivenessInfo => ({
  timestampMicros,
  ttlSec,
  localExpirationTimeSec: ttlSec === 0 ? NO_DELETION_TIME : writtenSec + ttlSec,
});
const row = (clustering: string, cells: Cell[], fields: Partial<Row> = {}): Row => ({
  ...emptyRow(clustering),
  cells,
  ...fields,
});
const partition = (fields: Partial<PartitionUpdate>): PartitionUpdate => ({
  tableId: 't',
  key: v(1),
  deletion: undefined,
  staticRow: undefined,
  rows: [],
  rangeTombstones: [],
  ...fields,
});
const cell = (ts: number, column = 'x') => liveCell(column, undefined, ts, v(ts));
/** The clusterings a read at `now` sees, with the timestamps of their live cells. */
const visible = (p: PartitionUpdate, now = NOW) =>
  livePartition(p, now).rows.map((r) => [r.clustering, r.cells.map((c) => c.timestampMicros)]);

describe('livePartition', () => {
  it('hides what a partition deletion covers, in every row and the static row', () => {
    const p = partition({
      deletion: del(5),
      staticRow: row('', [cell(5, 's1'), cell(6, 's2')]),
      rows: [
        row(A, [cell(4), cell(6, 'y')]),
        row(B, [cell(5)], { liveness: insert(5) }),
        row(C, [], { liveness: insert(6) }),
      ],
    });
    expect(visible(p)).toEqual([
      [A, [6]],
      [C, []],
    ]);
    expect(livePartition(p, NOW).staticRow?.cells.map((c) => c.column)).toEqual(['s2']);
  });

  it('applies a range tombstone over [start, end): a prefix bound covers every clustering extending it', () => {
    const rows = [A, AB, B, C].map((c) => row(c, [cell(3)]));
    const over = (start: string, end: string): PartitionUpdate =>
      partition({ rows, rangeTombstones: [{ start, end, deletion: del(3) }] });
    const clusterings = (p: PartitionUpdate) => visible(p).map(([c]) => c);
    // DELETE ... WHERE c = 'a': [A, A+) covers A and AB.
    expect(clusterings(over(A, A + CLUSTERING_AFTER_PREFIX))).toEqual([B, C]);
    // c >= 'a' AND c < 'b': the end is exclusive.
    expect(clusterings(over(A, B))).toEqual([B, C]);
    // c > 'a' AND c <= 'b': an exclusive start is A+, an inclusive end B+.
    expect(clusterings(over(A + CLUSTERING_AFTER_PREFIX, B + CLUSTERING_AFTER_PREFIX))).toEqual([A, AB, C]);
    // Unbounded on both sides.
    expect(clusterings(over('', CLUSTERING_AFTER_PREFIX))).toEqual([]);
    // A row exactly at the end bound is not covered.
    expect(clusterings(over('', AB))).toEqual([AB, B, C]);
  });

  it('lets data newer than a range tombstone through, and takes the strongest of overlapping ones', () => {
    const rangeTombstones: RangeTombstone[] = [
      { start: '', end: CLUSTERING_AFTER_PREFIX, deletion: del(2) },
      { start: A, end: B, deletion: del(4) },
    ];
    const p = partition({ rows: [row(A, [cell(3), cell(5, 'y')]), row(B, [cell(3)])], rangeTombstones });
    expect(visible(p)).toEqual([
      [A, [5]],
      [B, [3]],
    ]);
    expect(coveringDeletion(del(3), rangeTombstones, A)).toEqual(del(4));
    expect(coveringDeletion(del(3), rangeTombstones, C)).toEqual(del(3));
  });

  it('does not apply range tombstones to the static row', () => {
    const p = partition({
      staticRow: row('', [cell(1, 's')]),
      rangeTombstones: [{ start: '', end: CLUSTERING_AFTER_PREFIX, deletion: del(9) }],
    });
    expect(livePartition(p, NOW).staticRow?.cells).toHaveLength(1);
  });

  it('hides what a row deletion covers: an equal timestamp is covered, a later one is not', () => {
    const p = partition({ rows: [row(A, [cell(5), cell(6, 'y')], { deletion: del(5), liveness: insert(5) })] });
    expect(visible(p)).toEqual([[A, [6]]]);
    const gone = partition({ rows: [row(A, [cell(5)], { deletion: del(5), liveness: insert(5) })] });
    expect(visible(gone)).toEqual([]);
  });

  it('expires cells with a TTL at their local deletion time', () => {
    const p = partition({ rows: [row(A, [expiringCell('x', undefined, 1, v(1), 10, 95), cell(1, 'y')])] });
    expect(visible(p, 104)).toEqual([[A, [1, 1]]]);
    expect(visible(p, 105)).toEqual([[A, [1]]]);
  });

  it('expires a row whose liveness has a TTL, unless a cell outlives it', () => {
    const onlyKey = partition({ rows: [row(A, [], { liveness: insert(1, 10, 95) })] });
    expect(visible(onlyKey, 104)).toEqual([[A, []]]);
    expect(visible(onlyKey, 105)).toEqual([]);
    const withCell = partition({ rows: [row(A, [cell(1)], { liveness: insert(1, 10, 95) })] });
    expect(visible(withCell, 200)).toEqual([[A, [1]]]);
  });

  it('keeps a row written by INSERT visible when every column is null', () => {
    // INSERT INTO t (k, c, x) VALUES (1, 'a', null): the key's liveness and a tombstone for x.
    const p = partition({ rows: [row(A, [cellTombstone('x', undefined, 1, NOW)], { liveness: insert(1) })] });
    expect(visible(p)).toEqual([[A, []]]);
  });

  it('drops a row written only by UPDATE once its cells are deleted', () => {
    const updated = partition({ rows: [row(A, [cell(1), cell(1, 'y')])] });
    expect(visible(updated)).toEqual([[A, [1, 1]]]);
    const deleted = mergePartitions(
      updated,
      partition({ rows: [row(A, [cellTombstone('x', undefined, 2, NOW), cellTombstone('y', undefined, 2, NOW)])] }),
    );
    expect(visible(deleted)).toEqual([]);
  });

  it('hides collection elements a collection deletion covers', () => {
    const elements = [liveCell('m', '\x01', 1, v(1)), liveCell('m', '\x02', 3, v(2))];
    const p = partition({ rows: [row(A, elements, { complexDeletions: [{ column: 'm', deletion: del(2) }] })] });
    expect(livePartition(p, NOW).rows[0]?.cells).toEqual([elements[1]]);
  });

  it('gives the same read whichever order versions are merged in', () => {
    const samePartition = partitionUpdateArb(SMALL_DOMAIN, { key: fc.constant(v(1)) });
    fc.assert(
      fc.property(samePartition, samePartition, samePartition, SMALL_DOMAIN.nowSec, (a, b, c, now) => {
        const read = (p: PartitionUpdate) => canonicalLive(livePartition(p, now));
        const abc = read(mergePartitions(mergePartitions(a, b), c));
        expect(read(mergePartitions(mergePartitions(c, b), a))).toEqual(abc);
        expect(read(mergePartitions(a, mergePartitions(c, b)))).toEqual(abc);
      }),
      { numRuns: 1000 },
    );
  });
});
