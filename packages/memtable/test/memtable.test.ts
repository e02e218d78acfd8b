import {
  BinaryReader,
  BinaryWriter,
  ErrorCodes,
  initChecksums,
  isRingtailError,
  liveCell,
  livePartition,
  mergePartitions,
  type PartitionUpdate,
  partitionPosition,
  type Row,
  readPartitionBody,
  tokenPrefix,
  writePartitionBody,
} from '@ringtail/codec';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  canonicalLive,
  canonicalPartition,
  partitionUpdateArb,
  SMALL_DOMAIN,
} from '../../codec/test/data-arbitraries.js';
import { encodedBodies, Memtable } from '../src/index.js';

const TABLE = '00000000-0000-4000-8000-000000000001';
const NOW = 100;

beforeAll(() => initChecksums());

function emptyUpdate(key: Uint8Array): PartitionUpdate {
  return { tableId: TABLE, key, deletion: undefined, staticRow: undefined, rows: [], rangeTombstones: [] };
}

function isEmpty(u: PartitionUpdate): boolean {
  return u.deletion === undefined && u.staticRow === undefined && u.rows.length === 0 && u.rangeTombstones.length === 0;
}

function rowOf(clustering: string, ts: number, ...value: number[]): Row {
  return {
    clustering,
    liveness: undefined,
    deletion: undefined,
    cells: [liveCell('v', undefined, ts, Uint8Array.from(value))],
    complexDeletions: [],
  };
}

function update(key: Uint8Array, rows: Row[]): PartitionUpdate {
  return { ...emptyUpdate(key), rows };
}

function bodyOf(u: PartitionUpdate): Uint8Array {
  const w = new BinaryWriter();
  writePartitionBody(w, u);
  return w.finish();
}

/** What a flush of the frozen `memtable` writes, decoded, canonical. */
function flushed(memtable: Memtable): string[][] {
  return [...encodedBodies(memtable.encoded())].map((body) =>
    canonicalPartition(readPartitionBody(new BinaryReader(body, 'test'), TABLE)),
  );
}

/** The naive model: each partition's updates merged with mergePartitions, by position. */
class Model {
  readonly partitions = new Map<string, PartitionUpdate>();
  minTimestampMicros = Number.MAX_SAFE_INTEGER;
  maxTimestampMicros = Number.MIN_SAFE_INTEGER;

  apply(u: PartitionUpdate): void {
    if (isEmpty(u)) return;
    const position = partitionPosition(u.key);
    const existing = this.partitions.get(position);
    this.partitions.set(position, existing === undefined ? u : mergePartitions(existing, u));
    const rows = [...u.rows, ...(u.staticRow === undefined ? [] : [u.staticRow])];
    const timestamps = [
      ...(u.deletion === undefined ? [] : [u.deletion.markedForDeleteAtMicros]),
      ...u.rangeTombstones.map((rt) => rt.deletion.markedForDeleteAtMicros),
      ...rows.flatMap((r) => [
        ...(r.liveness === undefined ? [] : [r.liveness.timestampMicros]),
        ...(r.deletion === undefined ? [] : [r.deletion.markedForDeleteAtMicros]),
        ...r.complexDeletions.map((d) => d.deletion.markedForDeleteAtMicros),
        ...r.cells.map((c) => c.timestampMicros),
      ]),
    ];
    this.minTimestampMicros = Math.min(this.minTimestampMicros, ...timestamps);
    this.maxTimestampMicros = Math.max(this.maxTimestampMicros, ...timestamps);
  }

  /** Positions in order, with their partitions. */
  sorted(): Array<[string, PartitionUpdate]> {
    return [...this.partitions].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  }
}

const ALL_KEYS = fc
  .sample(SMALL_DOMAIN.partitionKey, { numRuns: 200, seed: 1 })
  .filter((key, i, keys) => keys.findIndex((k) => Buffer.from(k).equals(key)) === i);

const stepArb = fc.oneof(
  {
    weight: 6,
    arbitrary: fc.record({
      kind: fc.constant('apply' as const),
      update: partitionUpdateArb(SMALL_DOMAIN, { tableId: TABLE }),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('check' as const), nowSec: SMALL_DOMAIN.nowSec }) },
);

function checkAgainstModel(memtable: Memtable, model: Model, nowSec: number): void {
  memtable.assertInvariants();
  for (const key of ALL_KEYS) {
    const fromMemtable = memtable.get(key) ?? emptyUpdate(key);
    const fromModel = model.partitions.get(partitionPosition(key)) ?? emptyUpdate(key);
    for (const readSec of [nowSec, nowSec + 3]) {
      expect(canonicalLive(livePartition(fromMemtable, readSec))).toEqual(
        canonicalLive(livePartition(fromModel, readSec)),
      );
    }
  }
  const scanned = [...memtable.scan()].map((p): [string, string[]] => [
    partitionPosition(p.key),
    canonicalPartition(p),
  ]);
  for (let i = 1; i < scanned.length; i++) expect(scanned[i - 1]![0] < scanned[i]![0]).toBe(true);
  expect(scanned).toEqual(model.sorted().map(([position, p]) => [position, canonicalPartition(p)]));
  expect(memtable.partitionCount).toBe(model.partitions.size);
  expect(memtable.minTimestampMicros).toBe(model.minTimestampMicros);
  expect(memtable.maxTimestampMicros).toBe(model.maxTimestampMicros);
}

describe('Memtable', () => {
  it('reads and scans what a naive model of merged partition updates holds', () => {
    fc.assert(
      fc.property(fc.array(stepArb, { minLength: 1, maxLength: 40 }), (steps) => {
        const memtable = new Memtable({ tableId: TABLE });
        const model = new Model();
        let sizeBytes = memtable.sizeBytes;
        for (const step of steps) {
          if (step.kind === 'apply') {
            sizeBytes += memtable.apply(step.update);
            model.apply(step.update);
            expect(memtable.sizeBytes).toBe(sizeBytes);
          } else {
            checkAgainstModel(memtable, model, step.nowSec);
          }
        }
        checkAgainstModel(memtable, model, NOW);
      }),
      { numRuns: 300 },
    );
  });

  it('hands a flush, encoded and in order, exactly the partitions a scan yields', () => {
    fc.assert(
      fc.property(
        fc.array(partitionUpdateArb(SMALL_DOMAIN, { tableId: TABLE }), { minLength: 1, maxLength: 40 }),
        fc.boolean(),
        (updates, withBodies) => {
          const memtable = new Memtable({ tableId: TABLE });
          // The storage engine passes each update's encoding along; it must make no difference.
          for (const u of updates) memtable.apply(u, withBodies ? bodyOf(u) : undefined);
          expect(() => memtable.encoded()).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_ARGUMENT }));
          memtable.freeze();
          const encoded = memtable.encoded();
          expect(encoded.tableId).toBe(TABLE);
          expect(encoded.addresses.length).toBe(memtable.partitionCount);
          expect(flushed(memtable)).toEqual([...memtable.scan()].map(canonicalPartition));
          const model = new Model();
          for (const u of updates) model.apply(u);
          expect([...memtable.scan()].map(canonicalPartition)).toEqual(
            model.sorted().map(([, p]) => canonicalPartition(p)),
          );
          memtable.assertInvariants();
        },
      ),
      { numRuns: 300 },
    );
  });

  it('keeps a partition of one row encoded, and one that grows wider or larger than a slab record as objects', () => {
    const memtable = new Memtable({ tableId: TABLE });
    const narrow = Uint8Array.of(1);
    const wide = Uint8Array.of(2);
    const large = Uint8Array.of(3);
    // Encoded, overwritten: each write appends the merged partition anew and the old bytes stay counted.
    const first = memtable.apply(update(narrow, [rowOf('', 1, 1)]));
    const second = memtable.apply(update(narrow, [rowOf('', 2, 2)]));
    expect(second).toBeGreaterThan(0);
    expect(first).toBeGreaterThan(second);
    // A second clustering turns the partition into objects, which merge in place from then on.
    memtable.apply(update(wide, [rowOf('\x40a', 1, 1)]));
    memtable.apply(update(wide, [rowOf('\x40b', 1, 2)]));
    memtable.apply(update(wide, [rowOf('\x40a', 3, 3)]));
    // 100 KB in one row is more than a slab record holds.
    memtable.apply(update(large, [rowOf('', 1, ...new Array<number>(100_000).fill(7))]));
    memtable.assertInvariants();
    expect(memtable.get(narrow)!.rows[0]!.cells[0]!.value).toEqual(Uint8Array.of(2));
    expect(memtable.get(wide)!.rows.map((r) => [r.clustering, r.cells[0]!.value![0]])).toEqual([
      ['\x40a', 3],
      ['\x40b', 2],
    ]);
    expect(memtable.get(large)!.rows[0]!.cells[0]!.value!.length).toBe(100_000);
    expect(memtable.sizeBytes).toBeGreaterThan(100_000);
    memtable.freeze();
    expect(flushed(memtable)).toEqual([...memtable.scan()].map(canonicalPartition));
  });

  it('refuses a row its encoding cannot hold and applies nothing of it', () => {
    const memtable = new Memtable({ tableId: TABLE });
    const sizeBytes = memtable.sizeBytes;
    // Clusterings are latin1: a wider char passes the checks of the update but not its encoding.
    expect(() => memtable.apply(update(Uint8Array.of(1), [rowOf('\u0100', 1, 1)]))).toThrow(
      expect.objectContaining({ code: ErrorCodes.INVALID_ARGUMENT }),
    );
    expect(memtable.partitionCount).toBe(0);
    expect(memtable.sizeBytes).toBe(sizeBytes);
    memtable.assertInvariants();
  });

  it('returns snapshots that later writes do not change', () => {
    fc.assert(
      fc.property(
        fc.array(partitionUpdateArb(SMALL_DOMAIN, { tableId: TABLE }), { minLength: 1, maxLength: 8 }),
        fc.array(partitionUpdateArb(SMALL_DOMAIN, { tableId: TABLE }), { minLength: 1, maxLength: 8 }),
        (before, after) => {
          const memtable = new Memtable({ tableId: TABLE });
          for (const u of before) memtable.apply(u);
          const got = ALL_KEYS.map((key) => memtable.get(key));
          const scanned = [...memtable.scan()];
          const canonical = (ps: Array<PartitionUpdate | undefined>) => ps.map((p) => p && canonicalPartition(p));
          const gotBefore = canonical(got);
          const scannedBefore = canonical(scanned);
          for (const u of after) memtable.apply(u);
          expect(canonical(got)).toEqual(gotBefore);
          expect(canonical(scanned)).toEqual(scannedBefore);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('scans the positions in a range, with either bound open, inclusive or exclusive', () => {
    const memtable = new Memtable({ tableId: TABLE });
    const keys = Array.from({ length: 300 }, (_, i) => Uint8Array.of(i >> 8, i & 0xff));
    for (const [i, key] of keys.entries()) memtable.apply(update(key, [rowOf('', 1, i & 0xff)]));
    const positions = keys.map(partitionPosition).sort();
    const bound = fc.option(
      fc.oneof(fc.constantFrom(...positions), fc.bigInt({ min: 0n, max: 2n ** 64n - 1n }).map(tokenPrefix)),
      { nil: undefined },
    );
    fc.assert(
      fc.property(bound, fc.boolean(), bound, fc.boolean(), (from, fromInclusive, to, toInclusive) => {
        const range = { fromPosition: from, fromInclusive, toPosition: to, toInclusive };
        const expected = positions.filter(
          (p) =>
            (from === undefined || p > from || (fromInclusive && p === from)) &&
            (to === undefined || p < to || (toInclusive && p === to)),
        );
        expect([...memtable.scan(range)].map((p) => partitionPosition(p.key))).toEqual(expected);
      }),
      { numRuns: 300 },
    );
    // A token range [t1, t2): every key whose token is in it.
    const [t1, t2] = [2n ** 62n, 2n ** 63n];
    const inTokens = [...memtable.scan({ fromPosition: tokenPrefix(t1), toPosition: tokenPrefix(t2) })];
    expect(inTokens.length).toBe(positions.filter((p) => p >= tokenPrefix(t1) && p < tokenPrefix(t2)).length);
  });

  it('keeps many rows of one partition in clustering order', () => {
    const memtable = new Memtable({ tableId: TABLE });
    const key = Uint8Array.of(9);
    const clusterings = Array.from(
      { length: 1000 },
      (_, i) => `\x40${String.fromCharCode(((i * 7919) % 1000) >> 8, (i * 7919) % 256)}`,
    );
    for (const [i, c] of clusterings.entries()) memtable.apply(update(key, [rowOf(c, i, 1)]));
    // Overwrite each row once more: the later timestamp wins.
    for (const [i, c] of clusterings.entries()) memtable.apply(update(key, [rowOf(c, 5000 + i, 2)]));
    memtable.assertInvariants();
    const rows = memtable.get(key)!.rows;
    expect(rows.map((r) => r.clustering)).toEqual([...new Set(clusterings)].sort());
    expect(rows.every((r) => r.cells[0]!.value![0] === 2)).toBe(true);
  });

  it('refuses malformed updates and applies nothing of them', () => {
    const memtable = new Memtable({ tableId: TABLE });
    memtable.apply(update(Uint8Array.of(1), [rowOf('\x40a', 1, 1)]));
    const sizeBytes = memtable.sizeBytes;
    const bad: PartitionUpdate[] = [
      { ...update(Uint8Array.of(1), [rowOf('\x40b', 2, 2)]), tableId: 'another table' },
      update(Uint8Array.of(1), [rowOf('\x40b', 2, 2), rowOf('\x40a', 2, 2)]),
      update(Uint8Array.of(1), [rowOf('\x40b', 2, 2), rowOf('\x40b', 2, 2)]),
      update(Uint8Array.of(1), [
        {
          ...rowOf('\x40b', 2),
          cells: [liveCell('b', undefined, 1, Uint8Array.of()), liveCell('a', undefined, 1, Uint8Array.of())],
        },
      ]),
      update(Uint8Array.of(1), [rowOf('\x40b', Number.NaN, 2)]),
      { ...emptyUpdate(Uint8Array.of(1)), staticRow: rowOf('\x40a', 2, 2) },
      {
        ...emptyUpdate(Uint8Array.of(1)),
        rangeTombstones: [
          { start: '\x40b', end: '\x40b', deletion: { markedForDeleteAtMicros: 3, localDeletionTimeSec: NOW } },
        ],
      },
    ];
    for (const u of bad) {
      expect(() => memtable.apply(u)).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_ARGUMENT }));
    }
    expect(memtable.sizeBytes).toBe(sizeBytes);
    expect(memtable.get(Uint8Array.of(1))!.rows.map((r) => r.clustering)).toEqual(['\x40a']);
    expect(memtable.maxTimestampMicros).toBe(1);
    memtable.assertInvariants();
  });

  it('takes an empty update as a no-op', () => {
    const memtable = new Memtable({ tableId: TABLE });
    expect(memtable.apply(emptyUpdate(Uint8Array.of(1)))).toBe(0);
    expect(memtable.partitionCount).toBe(0);
    expect(memtable.get(Uint8Array.of(1))).toBeUndefined();
    expect(memtable.minTimestampMicros).toBeGreaterThan(memtable.maxTimestampMicros);
  });

  it('refuses writes once frozen, with RT_CLOSED, and still serves reads and scans for the flush', () => {
    const memtable = new Memtable({ tableId: TABLE });
    const keys = Array.from({ length: 50 }, (_, i) => Uint8Array.of(i));
    for (const key of keys) memtable.apply(update(key, [rowOf('', 1, key[0]!)]));
    const sizeBytes = memtable.sizeBytes;
    expect(memtable.frozen).toBe(false);
    memtable.freeze();
    memtable.freeze();
    expect(memtable.frozen).toBe(true);
    let error: unknown;
    try {
      memtable.apply(update(Uint8Array.of(200), [rowOf('', 2, 1)]));
    } catch (e) {
      error = e;
    }
    expect(isRingtailError(error, ErrorCodes.CLOSED)).toBe(true);
    expect(memtable.sizeBytes).toBe(sizeBytes);
    const flushed = [...memtable.scan()];
    expect(flushed.map((p) => partitionPosition(p.key))).toEqual(keys.map(partitionPosition).sort());
    expect(flushed.every((p) => p.tableId === TABLE && p.rows.length === 1)).toBe(true);
    expect(memtable.get(keys[7]!)?.rows[0]?.cells[0]?.value).toEqual(Uint8Array.of(7));
  });

  it('needs a table id', () => {
    expect(() => new Memtable({ tableId: '' })).toThrow(expect.objectContaining({ code: ErrorCodes.INVALID_ARGUMENT }));
  });
});
