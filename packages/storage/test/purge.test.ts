import {
  type Cell,
  CLUSTERING_AFTER_PREFIX,
  type DeletionTime,
  livePartition,
  mergePartitions,
  NO_DELETION_TIME,
  type PartitionUpdate,
  type RangeTombstone,
  type Row,
} from '@ringtail/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compactPartition, normalizeRangeTombstones, type PurgeContext } from '../src/compaction/purge.js';

const NOW = 10_000;
const GC_GRACE = 100;
const OLD = NOW - GC_GRACE - 1; // a local deletion time past gc grace
const RECENT = NOW - 10;

const c = (n: number) => `\x40${String.fromCharCode(0x61 + n)}`; // clustering n: '@a', '@b', ...
const del = (markedForDeleteAtMicros: number, localDeletionTimeSec: number): DeletionTime => ({
  markedForDeleteAtMicros,
  localDeletionTimeSec,
});
const live = (column: string, ts: number, path?: string): Cell => ({
  column,
  path,
  timestampMicros: ts,
  ttlSec: 0,
  localDeletionTimeSec: NO_DELETION_TIME,
  value: new Uint8Array([ts & 0xff]),
});
const expiring = (column: string, ts: number, expiresSec: number): Cell => ({
  ...live(column, ts),
  ttlSec: 50,
  localDeletionTimeSec: expiresSec,
});
const tombstone = (column: string, ts: number, ldt: number): Cell => ({
  column,
  path: undefined,
  timestampMicros: ts,
  ttlSec: 0,
  localDeletionTimeSec: ldt,
  value: undefined,
});
const row = (n: number, rest: Partial<Row> = {}): Row => ({
  clustering: c(n),
  liveness: undefined,
  deletion: undefined,
  cells: [],
  complexDeletions: [],
  ...rest,
});
const partition = (rest: Partial<PartitionUpdate> = {}): PartitionUpdate => ({
  tableId: 't',
  key: new Uint8Array([1]),
  deletion: undefined,
  staticRow: undefined,
  rows: [],
  rangeTombstones: [],
  ...rest,
});

function context(maxPurgeable = Number.MAX_SAFE_INTEGER): PurgeContext & { calls: number } {
  const ctx = {
    nowSec: NOW,
    gcBeforeSec: NOW - GC_GRACE,
    calls: 0,
    maxPurgeableTimestampMicros: () => {
      ctx.calls++;
      return maxPurgeable;
    },
  };
  return ctx;
}

describe('compactPartition', () => {
  it('drops what the partition deletion shadows, keeps what is newer, and keeps a recent deletion', () => {
    const out = compactPartition(
      partition({
        deletion: del(5, RECENT),
        staticRow: row(-1, { clustering: '', cells: [live('s', 4), live('t', 6)] }),
        rows: [
          row(0, {
            cells: [live('a', 5), live('b', 6)],
            liveness: { timestampMicros: 3, ttlSec: 0, localExpirationTimeSec: NO_DELETION_TIME },
          }),
        ],
        rangeTombstones: [{ start: c(0), end: c(3), deletion: del(4, RECENT) }],
      }),
      context(),
    );
    expect(out).toEqual(
      partition({
        deletion: del(5, RECENT),
        staticRow: row(-1, { clustering: '', cells: [live('t', 6)] }),
        rows: [row(0, { cells: [live('b', 6)] })],
      }),
    );
  });

  it('purges a deletion past gc grace only if nothing outside may be older than it', () => {
    const p = partition({ deletion: del(5, OLD), rows: [row(0, { cells: [live('a', 4)] })] });
    expect(compactPartition(p, context(6))).toBeUndefined();
    expect(compactPartition(p, context(5))).toEqual(partition({ deletion: del(5, OLD) }));
    // gc grace counts to the second: a deletion made exactly gcGraceSeconds ago stays.
    expect(compactPartition(partition({ deletion: del(5, NOW - GC_GRACE) }), context())).toEqual(
      partition({ deletion: del(5, NOW - GC_GRACE) }),
    );
  });

  it('asks for the outside bound only when something could be purged', () => {
    const ctx = context();
    compactPartition(partition({ deletion: del(5, RECENT), rows: [row(0, { cells: [live('a', 9)] })] }), ctx);
    expect(ctx.calls).toBe(0);
    compactPartition(partition({ rows: [row(0, { cells: [tombstone('a', 9, OLD), tombstone('b', 9, OLD)] })] }), ctx);
    expect(ctx.calls).toBe(1);
  });

  it('applies range tombstones and row deletions to the rows under them, and drops shadowed deletions', () => {
    const out = compactPartition(
      partition({
        deletion: del(2, RECENT),
        rows: [
          row(0, { cells: [live('a', 3)] }),
          row(1, { cells: [live('a', 3), live('b', 9)], deletion: del(4, RECENT) }),
          row(2, { cells: [live('a', 7), live('b', 9)], deletion: del(8, RECENT) }),
          row(3, { cells: [live('a', 3)], deletion: del(1, RECENT) }),
        ],
        rangeTombstones: [
          { start: c(1), end: c(3), deletion: del(6, RECENT) },
          { start: c(0), end: c(5), deletion: del(1, RECENT) }, // under the partition deletion
        ],
      }),
      context(),
    );
    expect(out).toEqual(
      partition({
        deletion: del(2, RECENT),
        rows: [
          row(0, { cells: [live('a', 3)] }),
          row(1, { cells: [live('b', 9)] }), // its row deletion (4) is under the range's (6)
          row(2, { cells: [live('b', 9)], deletion: del(8, RECENT) }),
          row(3, { cells: [live('a', 3)] }), // its row deletion (1) is under the partition's (2)
        ],
        rangeTombstones: [{ start: c(1), end: c(3), deletion: del(6, RECENT) }],
      }),
    );
  });

  it('applies collection deletions to the elements they cover', () => {
    const out = compactPartition(
      partition({
        rows: [
          row(0, {
            deletion: del(3, RECENT),
            cells: [live('m', 2, 'x'), live('m', 5, 'y'), live('m', 8, 'z'), live('n', 4, 'x')],
            complexDeletions: [
              { column: 'm', deletion: del(6, RECENT) },
              { column: 'n', deletion: del(2, RECENT) }, // under the row deletion
            ],
          }),
        ],
      }),
      context(),
    );
    expect(out?.rows).toEqual([
      row(0, {
        deletion: del(3, RECENT),
        cells: [live('m', 8, 'z'), live('n', 4, 'x')],
        complexDeletions: [{ column: 'm', deletion: del(6, RECENT) }],
      }),
    ]);
  });

  it('drops the value of an expired cell, which stays an expired cell until it is purged past gc grace', () => {
    const emptied = (cell: Cell): Cell => ({ ...cell, value: new Uint8Array(0) });
    const p = partition({ rows: [row(0, { cells: [expiring('a', 5, NOW - 1), expiring('b', 5, NOW + 1)] })] });
    expect(compactPartition(p, context())?.rows[0]?.cells).toEqual([
      emptied(expiring('a', 5, NOW - 1)),
      expiring('b', 5, NOW + 1),
    ]);
    const old = partition({ rows: [row(0, { cells: [expiring('a', 5, OLD)] })] });
    expect(compactPartition(old, context())).toBeUndefined();
    expect(compactPartition(old, context(5))?.rows[0]?.cells).toEqual([emptied(expiring('a', 5, OLD))]);
  });

  it('keeps an expired row liveness until it is purgeable: it still hides an older one elsewhere', () => {
    const liveness = (exp: number) => ({ timestampMicros: 5, ttlSec: 50, localExpirationTimeSec: exp });
    const expired = partition({ rows: [row(0, { liveness: liveness(NOW - 1) })] });
    expect(compactPartition(expired, context())).toEqual(expired);
    expect(compactPartition(partition({ rows: [row(0, { liveness: liveness(OLD) })] }), context())).toBeUndefined();
    const guarded = partition({ rows: [row(0, { liveness: liveness(OLD) })] });
    expect(compactPartition(guarded, context(5))).toEqual(guarded);
  });

  it('purges cell, row, range and collection tombstones past gc grace, and drops what is left empty', () => {
    const out = compactPartition(
      partition({
        rows: [
          row(0, {
            deletion: del(3, OLD),
            cells: [tombstone('a', 4, OLD), tombstone('b', 4, RECENT), live('m', 9, 'x')],
            complexDeletions: [{ column: 'm', deletion: del(5, OLD) }],
          }),
          row(1, { deletion: del(3, OLD) }),
        ],
        rangeTombstones: [
          { start: c(2), end: c(4), deletion: del(3, OLD) },
          { start: c(4), end: c(6), deletion: del(3, RECENT) },
        ],
      }),
      context(),
    );
    expect(out).toEqual(
      partition({
        rows: [row(0, { cells: [tombstone('b', 4, RECENT), live('m', 9, 'x')] })],
        rangeTombstones: [{ start: c(4), end: c(6), deletion: del(3, RECENT) }],
      }),
    );
  });
});

describe('normalizeRangeTombstones', () => {
  const rt = (start: string, end: string, mark: number, ldt = RECENT): RangeTombstone => ({
    start,
    end,
    deletion: del(mark, ldt),
  });

  it.each<[string, RangeTombstone[], DeletionTime | undefined, RangeTombstone[]]>([
    ['one stays as it is', [rt(c(0), c(2), 5)], undefined, [rt(c(0), c(2), 5)]],
    ['a nested weaker one vanishes', [rt(c(0), c(5), 5), rt(c(1), c(2), 3)], undefined, [rt(c(0), c(5), 5)]],
    [
      'a nested stronger one splits the outer',
      [rt(c(0), c(5), 3), rt(c(1), c(2), 5)],
      undefined,
      [rt(c(0), c(1), 3), rt(c(1), c(2), 5), rt(c(2), c(5), 3)],
    ],
    [
      'overlapping: the stronger takes the overlap',
      [rt(c(2), c(6), 3), rt(c(0), c(4), 5)],
      undefined,
      [rt(c(0), c(4), 5), rt(c(4), c(6), 3)],
    ],
    ['adjacent and equal: joined', [rt(c(0), c(2), 5), rt(c(2), c(4), 5)], undefined, [rt(c(0), c(4), 5)]],
    ['a gap stays a gap', [rt(c(0), c(1), 5), rt(c(2), c(3), 5)], undefined, [rt(c(0), c(1), 5), rt(c(2), c(3), 5)]],
    [
      'same mark: the later local deletion time',
      [rt(c(0), c(4), 5, 10), rt(c(1), c(2), 5, 20)],
      undefined,
      [rt(c(0), c(1), 5, 10), rt(c(1), c(2), 5, 20), rt(c(2), c(4), 5, 10)],
    ],
    ['under the partition deletion: dropped', [rt(c(0), c(4), 5), rt(c(1), c(2), 7)], del(5, 1), [rt(c(1), c(2), 7)]],
    [
      'unbounded ends',
      [rt('', CLUSTERING_AFTER_PREFIX, 2), rt(c(1), c(2), 7)],
      undefined,
      [rt('', c(1), 2), rt(c(1), c(2), 7), rt(c(2), CLUSTERING_AFTER_PREFIX, 2)],
    ],
  ])('%s', (_, input, partitionDeletion, expected) => {
    expect(normalizeRangeTombstones(input, partitionDeletion)).toEqual(expected);
  });
});

// A read of the compacted partition, merged with any data outside the compaction that is no older than the
// purge bound, sees what a read of the original merged with it sees — now and later.
describe('compactPartition preserves reads (property)', () => {
  const CLUSTERINGS = [c(0), c(1), c(2), c(3)];
  const BOUNDS = ['', ...CLUSTERINGS, `${c(3)}${CLUSTERING_AFTER_PREFIX}`, CLUSTERING_AFTER_PREFIX];
  const ts = fc.integer({ min: 1, max: 12 });
  const ldt = fc.integer({ min: NOW - 3 * GC_GRACE, max: NOW + 20 });
  const deletion = fc.record({ markedForDeleteAtMicros: ts, localDeletionTimeSec: ldt });
  const cell = (column: string, path: string | undefined) =>
    fc.oneof(
      fc
        .record({ t: ts, v: fc.integer({ min: 0, max: 3 }) })
        .map(({ t, v }) => ({ ...live(column, t, path), value: new Uint8Array([v]) })),
      fc.record({ t: ts, exp: ldt }).map(({ t, exp }) => ({ ...expiring(column, t, exp), path })),
      fc.record({ t: ts, d: ldt }).map(({ t, d }) => ({ ...tombstone(column, t, d), path })),
    );
  const rowOf = (clustering: string) =>
    fc
      .record({
        liveness: fc.option(
          fc.record({ t: ts, ttl: fc.constantFrom(0, 50), exp: ldt }).map(({ t, ttl, exp }) => ({
            timestampMicros: t,
            ttlSec: ttl,
            localExpirationTimeSec: ttl === 0 ? NO_DELETION_TIME : exp,
          })),
          { nil: undefined },
        ),
        deletion: fc.option(deletion, { nil: undefined }),
        a: fc.option(cell('a', undefined), { nil: undefined }),
        b: fc.option(cell('b', undefined), { nil: undefined }),
        mx: fc.option(cell('m', 'x'), { nil: undefined }),
        my: fc.option(cell('m', 'y'), { nil: undefined }),
        m: fc.option(deletion, { nil: undefined }),
      })
      .map(
        (r): Row => ({
          clustering,
          liveness: r.liveness,
          deletion: r.deletion,
          cells: [r.a, r.b, r.mx, r.my].filter((x): x is Cell => x !== undefined),
          complexDeletions: r.m === undefined ? [] : [{ column: 'm', deletion: r.m }],
        }),
      );
  const rows: fc.Arbitrary<Row[]> = fc
    .subarray(CLUSTERINGS)
    .chain((cs) => (cs.length === 0 ? fc.constant<Row[]>([]) : fc.tuple(...cs.map(rowOf))));
  const rangeTombstone = fc
    .tuple(fc.constantFrom(...BOUNDS), fc.constantFrom(...BOUNDS), deletion)
    .filter(([s, e]) => s < e)
    .map(([start, end, d]): RangeTombstone => ({ start, end, deletion: d }));
  const partitionArb = fc
    .record({
      deletion: fc.option(deletion, { nil: undefined }),
      staticRow: fc.option(rowOf(''), { nil: undefined }),
      rows,
      rangeTombstones: fc.array(rangeTombstone, { maxLength: 3 }),
    })
    .map((p) => partition(p));

  function minTimestamp(p: PartitionUpdate): number {
    const all: number[] = [];
    const d = (x: DeletionTime | undefined) => x !== undefined && all.push(x.markedForDeleteAtMicros);
    d(p.deletion);
    for (const rt of p.rangeTombstones) d(rt.deletion);
    for (const r of [...p.rows, ...(p.staticRow === undefined ? [] : [p.staticRow])]) {
      d(r.deletion);
      if (r.liveness !== undefined) all.push(r.liveness.timestampMicros);
      for (const cd of r.complexDeletions) d(cd.deletion);
      for (const x of r.cells) all.push(x.timestampMicros);
    }
    return Math.min(Number.MAX_SAFE_INTEGER, ...all);
  }

  it('within gc grace, for any partition and any data merged with it later (writes of any timestamp)', () => {
    fc.assert(
      fc.property(partitionArb, fc.option(partitionArb, { nil: undefined }), (inside, later) => {
        const withinGcGrace = { ...context(), gcBeforeSec: Number.MIN_SAFE_INTEGER };
        const compacted = compactPartition(inside, withinGcGrace) ?? partition();
        for (const after of [0, 15, 40, GC_GRACE + 30]) {
          const at = NOW + after;
          const want = later === undefined ? inside : mergePartitions(inside, later);
          const got = later === undefined ? compacted : mergePartitions(compacted, later);
          expect(livePartition(got, at)).toEqual(livePartition(want, at));
        }
      }),
      { numRuns: 4000 },
    );
  });

  it('for any partition, and any outside data no older than the purge bound', () => {
    fc.assert(
      fc.property(partitionArb, fc.option(partitionArb, { nil: undefined }), (inside, outside) => {
        const bound = outside === undefined ? Number.MAX_SAFE_INTEGER : minTimestamp(outside);
        const compacted = compactPartition(inside, context(bound)) ?? partition();
        for (const later of [0, 15, 40, GC_GRACE + 30]) {
          const at = NOW + later;
          const before = outside === undefined ? inside : mergePartitions(inside, outside);
          const after = outside === undefined ? compacted : mergePartitions(compacted, outside);
          expect(livePartition(after, at)).toEqual(livePartition(before, at));
        }
        const ranges = compacted.rangeTombstones;
        for (let i = 1; i < ranges.length; i++) expect(ranges[i - 1]!.end <= ranges[i]!.start).toBe(true);
      }),
      { numRuns: 1500 },
    );
  });
});
