/**
 * fast-check generators for the data model (cells, rows, partition updates,
 * mutations) shared by the data-* tests and by other packages' tests, plus
 * canonical forms to compare what they produce.
 *
 * Two domains: SMALL_DOMAIN draws timestamps, times, values, columns and
 * clusterings from a handful of each, so that ties, overwrites, shadowing and
 * expiry at the read time come up in most cases (merge and memtable tests);
 * WIDE_DOMAIN draws from everything the codec must carry, edges included
 * (round-trip tests). Every generated value is valid: rows sorted by
 * clustering, cells by position, one per position, range tombstones non-empty.
 */
import fc from 'fast-check';
import { type Cell, compareCellPosition } from '../src/data/cell.js';
import { type DeletionTime, NO_DELETION_TIME } from '../src/data/deletion.js';
import type { LiveRow } from '../src/data/merge.js';
import {
  CLUSTERING_AFTER_PREFIX,
  type Mutation,
  type PartitionUpdate,
  type RangeTombstone,
} from '../src/data/partition-update.js';
import type { ComplexDeletion, LivenessInfo, Row } from '../src/data/row.js';

export interface DataDomain {
  /** Write timestamps and deletion marks, in microseconds. */
  readonly timestampMicros: fc.Arbitrary<number>;
  /** The time a cell or row is written or deleted, in seconds; also the read times of a test. */
  readonly nowSec: fc.Arbitrary<number>;
  readonly ttlSec: fc.Arbitrary<number>;
  readonly value: fc.Arbitrary<Uint8Array>;
  /** Columns holding one cell. */
  readonly simpleColumn: fc.Arbitrary<string>;
  /** Columns of non-frozen collections: cells with a path, and collection deletions. */
  readonly collectionColumn: fc.Arbitrary<string>;
  /** A collection element's key (latin1). */
  readonly path: fc.Arbitrary<string>;
  /** A clustering prefix: byte-comparable components as latin1, each starting with 0x40. */
  readonly clustering: fc.Arbitrary<string>;
  readonly partitionKey: fc.Arbitrary<Uint8Array>;
  readonly tableId: fc.Arbitrary<string>;
}

const latin1 = (maxLength: number) => fc.string({ unit: fc.nat(0xff).map((c) => String.fromCharCode(c)), maxLength });

/** Clusterings of one or two components over a small alphabet: equal ones and prefixes come up often. */
const smallClustering = fc
  .array(fc.constantFrom('a', 'b', 'c'), { minLength: 1, maxLength: 2 })
  .map((parts) => parts.map((p) => `\x40${p}`).join(''));

export const SMALL_DOMAIN: DataDomain = {
  timestampMicros: fc.integer({ min: 1, max: 6 }),
  nowSec: fc.integer({ min: 100, max: 106 }),
  ttlSec: fc.integer({ min: 1, max: 4 }),
  value: fc.constantFrom(Uint8Array.of(), Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(1, 0), Uint8Array.of(0xff)),
  simpleColumn: fc.constantFrom('a', 'b'),
  collectionColumn: fc.constantFrom('m', 's'),
  path: fc.constantFrom('\x01', '\x02', '\x02\x00'),
  clustering: smallClustering,
  partitionKey: fc.constantFrom(Uint8Array.of(1), Uint8Array.of(2), Uint8Array.of(3), Uint8Array.of(1, 0)),
  tableId: fc.constant('00000000-0000-4000-8000-000000000001'),
};

const wideTimestamp = fc.oneof(
  fc.integer({ min: 1_500_000_000_000_000, max: 1_900_000_000_000_000 }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.constantFrom(
    Number.MAX_SAFE_INTEGER,
    Number.MIN_SAFE_INTEGER,
    2 ** 52,
    2 ** 52 - 1,
    -(2 ** 52),
    -(2 ** 52) - 1,
    63,
    64,
    -64,
    -65,
  ),
  fc.integer({ min: Number.MIN_SAFE_INTEGER, max: Number.MAX_SAFE_INTEGER }),
);

export const WIDE_DOMAIN: DataDomain = {
  timestampMicros: wideTimestamp,
  // Local times are seconds since the epoch, never negative; NO_DELETION_TIME - 1 is the largest that encodes.
  nowSec: fc.oneof(fc.integer({ min: 0, max: 2 ** 32 }), fc.constantFrom(0, 127, 128, NO_DELETION_TIME - 1e9)),
  ttlSec: fc.oneof(fc.integer({ min: 1, max: 630_720_000 }), fc.constantFrom(1, 127, 128)),
  value: fc.oneof(
    { weight: 4, arbitrary: fc.uint8Array({ maxLength: 8 }) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 120, maxLength: 200 }) },
  ),
  simpleColumn: fc.oneof(fc.constantFrom('a', 'value', ''), fc.string({ unit: 'binary', maxLength: 6 })),
  collectionColumn: fc.oneof(fc.constantFrom('m', 'tags'), fc.string({ unit: 'binary', maxLength: 6 })),
  path: latin1(6),
  clustering: fc.oneof(smallClustering, latin1(10)),
  partitionKey: fc.uint8Array({ maxLength: 40 }),
  tableId: fc.oneof(fc.uuid(), fc.string({ unit: 'binary', maxLength: 8 })),
};

export function deletionTimeArb(domain: DataDomain): fc.Arbitrary<DeletionTime> {
  return fc.record({ markedForDeleteAtMicros: domain.timestampMicros, localDeletionTimeSec: domain.nowSec });
}

export function livenessArb(domain: DataDomain): fc.Arbitrary<LivenessInfo> {
  return fc
    .tuple(domain.timestampMicros, fc.option(domain.ttlSec, { nil: undefined }), domain.nowSec)
    .map(([timestampMicros, ttlSec, nowSec]) =>
      ttlSec === undefined
        ? { timestampMicros, ttlSec: 0, localExpirationTimeSec: NO_DELETION_TIME }
        : { timestampMicros, ttlSec, localExpirationTimeSec: nowSec + ttlSec },
    );
}

/** A cell of any kind (live, expiring, tombstone) in a simple column or a collection. */
export function cellArb(domain: DataDomain): fc.Arbitrary<Cell> {
  const position = fc.oneof(
    fc.record({ column: domain.simpleColumn, path: fc.constant(undefined) }),
    fc.record({ column: domain.collectionColumn, path: domain.path }),
  );
  return fc
    .tuple(
      position,
      domain.timestampMicros,
      fc.constantFrom('live', 'expiring', 'tombstone'),
      domain.value,
      domain.ttlSec,
      domain.nowSec,
    )
    .map(([{ column, path }, timestampMicros, kind, value, ttlSec, nowSec]): Cell => {
      if (kind === 'live')
        return { column, path, timestampMicros, ttlSec: 0, localDeletionTimeSec: NO_DELETION_TIME, value };
      if (kind === 'expiring')
        return { column, path, timestampMicros, ttlSec, localDeletionTimeSec: nowSec + ttlSec, value };
      return { column, path, timestampMicros, ttlSec: 0, localDeletionTimeSec: nowSec, value: undefined };
    });
}

/** A key that tells cell positions apart: `path` undefined and '' differ. */
export function cellPositionKey(cell: Cell): string {
  return `${cell.column}\u0000${cell.path === undefined ? 's' : `p${cell.path}`}`;
}

export function rowArb(domain: DataDomain, clustering: fc.Arbitrary<string> = domain.clustering): fc.Arbitrary<Row> {
  return fc.record({
    clustering,
    liveness: fc.option(livenessArb(domain), { nil: undefined }),
    deletion: fc.option(deletionTimeArb(domain), { nil: undefined, freq: 4 }),
    cells: fc
      .uniqueArray(cellArb(domain), { selector: cellPositionKey, maxLength: 5 })
      .map((cells) => cells.sort(compareCellPosition)),
    complexDeletions: fc
      .uniqueArray(fc.record({ column: domain.collectionColumn, deletion: deletionTimeArb(domain) }), {
        selector: (d) => d.column,
        maxLength: 2,
      })
      .map((ds): ComplexDeletion[] => ds.sort((x, y) => (x.column < y.column ? -1 : 1))),
  });
}

/** A range tombstone with bounds built from clustering prefixes, as partition-update.ts describes. */
export function rangeTombstoneArb(domain: DataDomain): fc.Arbitrary<RangeTombstone> {
  const bound = fc.oneof(
    fc.constant(''),
    domain.clustering,
    domain.clustering.map((p) => p + CLUSTERING_AFTER_PREFIX),
    fc.constant(CLUSTERING_AFTER_PREFIX),
  );
  return fc.record({ start: bound, end: bound, deletion: deletionTimeArb(domain) }).filter((rt) => rt.start < rt.end);
}

export function partitionUpdateArb(
  domain: DataDomain,
  options: { tableId?: string; key?: fc.Arbitrary<Uint8Array>; maxRows?: number } = {},
): fc.Arbitrary<PartitionUpdate> {
  return fc.record({
    tableId: options.tableId === undefined ? domain.tableId : fc.constant(options.tableId),
    key: options.key ?? domain.partitionKey,
    deletion: fc.option(deletionTimeArb(domain), { nil: undefined, freq: 6 }),
    staticRow: fc.option(rowArb(domain, fc.constant('')), { nil: undefined, freq: 3 }),
    rows: fc
      .uniqueArray(rowArb(domain), { selector: (r) => r.clustering, maxLength: options.maxRows ?? 4 })
      .map((rows) => rows.sort((x, y) => (x.clustering < y.clustering ? -1 : 1))),
    rangeTombstones: fc.array(rangeTombstoneArb(domain), { maxLength: 2 }),
  });
}

export function mutationArb(domain: DataDomain, options: { maxUpdates?: number } = {}): fc.Arbitrary<Mutation> {
  return fc.record({
    updates: fc.array(partitionUpdateArb(domain), { minLength: 1, maxLength: options.maxUpdates ?? 4 }),
  });
}

// ---- canonical forms: plain strings and arrays, equal exactly when the values are ----

function hex(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? '-' : Buffer.from(bytes).toString('hex');
}

function latin1Hex(s: string): string {
  return Buffer.from(s, 'latin1').toString('hex');
}

export function canonicalCell(cell: Cell): string {
  return [
    JSON.stringify(cell.column),
    cell.path === undefined ? '-' : latin1Hex(cell.path),
    cell.timestampMicros,
    cell.ttlSec,
    cell.localDeletionTimeSec,
    hex(cell.value),
  ].join(' ');
}

function canonicalDeletion(d: DeletionTime | undefined): string {
  return d === undefined ? '-' : `${d.markedForDeleteAtMicros}@${d.localDeletionTimeSec}`;
}

export function canonicalRow(row: Row): string[] {
  const l = row.liveness;
  return [
    `row ${latin1Hex(row.clustering)} liveness ${l === undefined ? '-' : `${l.timestampMicros}/${l.ttlSec}/${l.localExpirationTimeSec}`} deletion ${canonicalDeletion(row.deletion)}`,
    ...row.complexDeletions.map((d) => `  collection ${JSON.stringify(d.column)} ${canonicalDeletion(d.deletion)}`),
    ...row.cells.map((c) => `  cell ${canonicalCell(c)}`),
  ];
}

/** A partition update; range tombstones sorted, since a merge keeps them side by side in either order. */
export function canonicalPartition(update: PartitionUpdate): string[] {
  const rangeTombstones = update.rangeTombstones
    .map((rt) => `range ${latin1Hex(rt.start)}..${latin1Hex(rt.end)} ${canonicalDeletion(rt.deletion)}`)
    .sort();
  return [
    `partition ${JSON.stringify(update.tableId)} ${hex(update.key)} deletion ${canonicalDeletion(update.deletion)}`,
    ...(update.staticRow === undefined ? [] : ['static', ...canonicalRow(update.staticRow)]),
    ...update.rows.flatMap(canonicalRow),
    ...rangeTombstones,
  ];
}

/** What a read sees (livePartition's result). */
export function canonicalLive(live: { staticRow: LiveRow | undefined; rows: readonly LiveRow[] }): string[] {
  const rowLines = (row: LiveRow) => [
    `row ${latin1Hex(row.clustering)}`,
    ...row.cells.map((c) => `  ${canonicalCell(c)}`),
  ];
  return [
    ...(live.staticRow === undefined ? [] : ['static', ...rowLines(live.staticRow)]),
    ...live.rows.flatMap(rowLines),
  ];
}
