/**
 * SELECT against a model: random tables (ASC/DESC clustering), random writes
 * (inserts with and without TTL, row, range and partition deletions), random
 * queries (slices, IN, tuples, ORDER BY, LIMIT, PER PARTITION LIMIT); the
 * result must equal what a plain in-memory model computes, and concatenating
 * the pages of any page size must equal the unpaged result.
 */
import { encodeComparableKey, initChecksums, type JsonValue, partitionPosition, seededRandom } from '@ringtail/codec';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  executeSelect,
  MemoryPartitionSource,
  parseStatement,
  planModification,
  planSelect,
  type SelectStatement,
} from '../src/index.js';
import { applySchemaStatement, isSchemaStatement } from '../src/schema/apply.js';
import type { Schema } from '../src/schema/metadata.js';
import { emptySchema, resolveTable } from '../src/schema/resolve.js';

const BASE_SEC = 1_700_000_000;

type Order = 'ASC' | 'DESC';
type Op = '=' | '<' | '<=' | '>' | '>=';

interface Write {
  readonly kind: 'insert' | 'deleteRow' | 'deleteRange' | 'deletePartition';
  readonly k: number;
  readonly c1: number;
  readonly c2: number;
  readonly v: number;
  readonly ttlSec: number;
  readonly op: Op;
}

type ClusteringWhere =
  | { readonly kind: 'none' }
  | {
      readonly kind: 'c1';
      readonly op: Op;
      readonly x: number;
      readonly op2: Op;
      readonly y: number;
      readonly two: boolean;
    }
  | {
      readonly kind: 'c1c2';
      readonly xs: readonly number[];
      readonly op: Op;
      readonly y: number;
      readonly sliced: boolean;
    }
  | {
      readonly kind: 'tuple';
      readonly op: Op;
      readonly x: number;
      readonly y: number;
      readonly op2: Op;
      readonly z: number;
      readonly two: boolean;
    }
  | { readonly kind: 'tupleIn'; readonly pairs: ReadonlyArray<readonly [number, number]> };

interface Query {
  readonly keys: readonly number[] | undefined;
  readonly where: ClusteringWhere;
  readonly orderDesc: boolean | undefined;
  readonly limit: number | undefined;
  readonly perPartitionLimit: number | undefined;
  readonly nowSec: number;
}

interface Row {
  readonly k: number;
  readonly c1: number;
  readonly c2: number;
  readonly v: number;
}

const small = fc.integer({ min: 0, max: 4 });
const op = fc.constantFrom<Op>('=', '<', '<=', '>', '>=');
const slice = fc.constantFrom<Op>('<', '<=', '>', '>=');

const write = fc.record<Write>({
  kind: fc.constantFrom('insert', 'insert', 'insert', 'insert', 'deleteRow', 'deleteRange', 'deletePartition'),
  k: fc.integer({ min: 0, max: 3 }),
  c1: small,
  c2: small,
  v: fc.integer({ min: 0, max: 99 }),
  ttlSec: fc.constantFrom(0, 0, 5, 20),
  op: slice,
});

const clusteringWhere: fc.Arbitrary<ClusteringWhere> = fc.oneof(
  fc.constant({ kind: 'none' as const }),
  fc.record({ kind: fc.constant('c1' as const), op, x: small, op2: slice, y: small, two: fc.boolean() }),
  fc.record({
    kind: fc.constant('c1c2' as const),
    xs: fc.array(small, { minLength: 0, maxLength: 3 }),
    op,
    y: small,
    sliced: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('tuple' as const), op, x: small, y: small, op2: slice, z: small, two: fc.boolean() }),
  fc.record({ kind: fc.constant('tupleIn' as const), pairs: fc.array(fc.tuple(small, small), { maxLength: 4 }) }),
);

const query = fc.record<Query>({
  keys: fc.option(fc.array(fc.integer({ min: 0, max: 4 }), { minLength: 1, maxLength: 4 }), { nil: undefined }),
  where: clusteringWhere,
  orderDesc: fc.option(fc.boolean(), { nil: undefined }),
  limit: fc.option(fc.integer({ min: 1, max: 12 }), { nil: undefined }),
  perPartitionLimit: fc.option(fc.integer({ min: 1, max: 4 }), { nil: undefined }),
  nowSec: fc.constantFrom(0, 4, 5, 19, 30),
});

function compare(op: Op, a: number, b: number): boolean {
  switch (op) {
    case '=':
      return a === b;
    case '<':
      return a < b;
    case '<=':
      return a <= b;
    case '>':
      return a > b;
    case '>=':
      return a >= b;
  }
}

function compareTuple(op: Op, a: readonly number[], b: readonly number[]): boolean {
  const sign = a.map((x, i) => Math.sign(x - b[i]!)).find((s) => s !== 0) ?? 0;
  return compare(op, sign, 0);
}

function opposite(op: Op): Op {
  return op.startsWith('>') ? (op.replace('>', '<') as Op) : (op.replace('<', '>') as Op);
}

/** The WHERE clause on clustering columns, and the model's predicate for it. */
function clusteringClause(where: ClusteringWhere): { cql: string[]; test: (row: Row) => boolean } {
  switch (where.kind) {
    case 'none':
      return { cql: [], test: () => true };
    case 'c1': {
      const second = where.two && where.op !== '=' ? opposite(where.op) : undefined;
      const cql = [`c1 ${where.op} ${where.x}`, ...(second ? [`c1 ${second} ${where.y}`] : [])];
      return { cql, test: (r) => compare(where.op, r.c1, where.x) && (!second || compare(second, r.c1, where.y)) };
    }
    case 'c1c2': {
      const cql = [`c1 IN (${where.xs.join(', ')})`, ...(where.sliced ? [`c2 ${where.op} ${where.y}`] : [])];
      return { cql, test: (r) => where.xs.includes(r.c1) && (!where.sliced || compare(where.op, r.c2, where.y)) };
    }
    case 'tuple': {
      const second = where.two && where.op !== '=' ? opposite(where.op) : undefined;
      const cql = [`(c1, c2) ${where.op} (${where.x}, ${where.y})`, ...(second ? [`(c1) ${second} (${where.z})`] : [])];
      return {
        cql,
        test: (r) =>
          compareTuple(where.op, [r.c1, r.c2], [where.x, where.y]) && (!second || compare(second, r.c1, where.z)),
      };
    }
    case 'tupleIn':
      return {
        cql: [`(c1, c2) IN (${where.pairs.map(([a, b]) => `(${a}, ${b})`).join(', ')})`],
        test: (r) => where.pairs.some(([a, b]) => r.c1 === a && r.c2 === b),
      };
  }
}

class World {
  schema: Schema = emptySchema();
  readonly source = new MemoryPartitionSource();
  private readonly random = seededRandom(7);
  private micros = BASE_SEC * 1_000_000;

  run(cql: string): void {
    const statement = parseStatement(cql);
    const nowMicros = this.micros++;
    if (isSchemaStatement(statement)) {
      const options = { newTableId: () => '00000000-0000-4000-8000-000000000001', currentKeyspace: 'ks', nowMicros };
      this.schema = applySchemaStatement(this.schema, statement, options).schema;
      return;
    }
    if (statement.kind !== 'insert' && statement.kind !== 'delete') throw new Error(cql);
    const plan = planModification(statement, this.schema, {
      currentKeyspace: 'ks',
      binds: [],
      nowMicros,
      random: this.random,
    });
    this.source.apply(plan.mutation);
  }

  async select(cql: string, nowSec: number, pageSize: number, pagingState?: string) {
    const statement = parseStatement(cql) as SelectStatement;
    const table = resolveTable(this.schema, statement.table, 'ks');
    const plan = planSelect(statement, table, { binds: [], nowMicros: this.micros, random: this.random });
    return executeSelect(plan, this.source, {
      nowSec: BASE_SEC + nowSec,
      pageSize,
      ...(pagingState === undefined ? {} : { pagingState }),
    });
  }

  /** Every page, concatenated. */
  async selectAll(cql: string, nowSec: number, pageSize: number): Promise<JsonValue[]> {
    const rows: JsonValue[] = [];
    let pagingState: string | undefined;
    for (let page = 0; page < 1000; page++) {
      const result = await this.select(cql, nowSec, pageSize, pagingState);
      expect(result.rows.length).toBeLessThanOrEqual(pageSize);
      rows.push(...result.rows);
      pagingState = result.pagingState;
      if (pagingState === undefined) return rows;
    }
    throw new Error('more than 1000 pages');
  }
}

/** The model: live rows by key, with expiry. Writes apply in order (their timestamps increase). */
function modelRows(writes: readonly Write[], nowSec: number): Row[] {
  const rows = new Map<string, Row & { expiresSec: number }>();
  for (const w of writes) {
    for (const [key, row] of rows) {
      const hit =
        (w.kind === 'deletePartition' && row.k === w.k) ||
        (w.kind === 'deleteRow' && row.k === w.k && row.c1 === w.c1 && row.c2 === w.c2) ||
        (w.kind === 'deleteRange' && row.k === w.k && compare(w.op, row.c1, w.c1));
      if (hit) rows.delete(key);
    }
    if (w.kind === 'insert') {
      const expiresSec = w.ttlSec === 0 ? Number.POSITIVE_INFINITY : w.ttlSec;
      rows.set(`${w.k}/${w.c1}/${w.c2}`, { k: w.k, c1: w.c1, c2: w.c2, v: w.v, expiresSec });
    }
  }
  return [...rows.values()].filter((r) => nowSec < r.expiresSec).map(({ k, c1, c2, v }) => ({ k, c1, c2, v }));
}

function writeCql(w: Write): string {
  switch (w.kind) {
    case 'insert':
      return `INSERT INTO ks.t (k, c1, c2, v) VALUES (${w.k}, ${w.c1}, ${w.c2}, ${w.v})${w.ttlSec ? ` USING TTL ${w.ttlSec}` : ''}`;
    case 'deleteRow':
      return `DELETE FROM ks.t WHERE k = ${w.k} AND c1 = ${w.c1} AND c2 = ${w.c2}`;
    case 'deleteRange':
      return `DELETE FROM ks.t WHERE k = ${w.k} AND c1 ${w.op} ${w.c1}`;
    case 'deletePartition':
      return `DELETE FROM ks.t WHERE k = ${w.k}`;
  }
}

function positionOf(k: number): string {
  return partitionPosition(encodeComparableKey([{ type: { kind: 'int' }, order: 'asc', value: k }]));
}

/** The query as CQL, and the rows the model says it returns, in order. */
function expected(q: Query, orders: readonly [Order, Order], rows: readonly Row[]): { cql: string; rows: Row[] } {
  const clause = clusteringClause(q.where);
  const keys = q.keys === undefined ? undefined : [...new Set(q.keys)];
  const where = [
    ...(keys === undefined ? [] : [keys.length === 1 ? `k = ${keys[0]}` : `k IN (${keys.join(', ')})`]),
    ...clause.cql,
  ];
  const orderDesc = keys === undefined ? undefined : q.orderDesc;
  const reversed = orderDesc !== undefined && orderDesc !== (orders[0] === 'DESC');
  let cql = `SELECT k, c1, c2, v FROM ks.t${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
  if (orderDesc !== undefined) cql += ` ORDER BY c1 ${orderDesc ? 'DESC' : 'ASC'}`;
  if (q.perPartitionLimit !== undefined) cql += ` PER PARTITION LIMIT ${q.perPartitionLimit}`;
  if (q.limit !== undefined) cql += ` LIMIT ${q.limit}`;
  if (keys === undefined && clause.cql.length > 0) cql += ' ALLOW FILTERING';

  const byClustering = (a: Row, b: Row) => {
    const c1 = (a.c1 - b.c1) * (orders[0] === 'DESC' ? -1 : 1);
    const c = c1 !== 0 ? c1 : (a.c2 - b.c2) * (orders[1] === 'DESC' ? -1 : 1);
    return reversed ? -c : c;
  };
  const byPartition = (a: Row, b: Row) =>
    positionOf(a.k) < positionOf(b.k) ? -1 : positionOf(a.k) > positionOf(b.k) ? 1 : 0;
  const selected = rows.filter((r) => (keys === undefined || keys.includes(r.k)) && clause.test(r));
  const perPartition = new Map<number, Row[]>();
  for (const r of [...selected].sort(byClustering)) {
    const list = perPartition.get(r.k) ?? [];
    if (q.perPartitionLimit === undefined || list.length < q.perPartitionLimit) list.push(r);
    perPartition.set(r.k, list);
  }
  const limited = [...perPartition.values()].flat();
  const merged = orderDesc !== undefined && keys !== undefined && keys.length > 1;
  limited.sort((a, b) => (merged ? byClustering(a, b) || byPartition(a, b) : byPartition(a, b) || byClustering(a, b)));
  return { cql, rows: q.limit === undefined ? limited : limited.slice(0, q.limit) };
}

beforeAll(() => initChecksums());

describe('SELECT against a model', () => {
  it('returns what the model returns, on every page size', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.tuple(fc.constantFrom<Order>('ASC', 'DESC'), fc.constantFrom<Order>('ASC', 'DESC')),
        fc.array(write, { maxLength: 40 }),
        fc.array(query, { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 1, max: 7 }),
        async (orders, writes, queries, pageSize) => {
          const world = new World();
          world.run("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
          world.run(
            `CREATE TABLE ks.t (k int, c1 int, c2 int, v int, PRIMARY KEY (k, c1, c2)) WITH CLUSTERING ORDER BY (c1 ${orders[0]}, c2 ${orders[1]})`,
          );
          // Every write at second 0 (its TTL counts from there), a microsecond apart.
          for (const w of writes) world.run(writeCql(w));
          for (const q of queries) {
            const { cql, rows } = expected(q, orders, modelRows(writes, q.nowSec));
            const all = await world.select(cql, q.nowSec, 5000);
            expect(all.rows, cql).toEqual(rows);
            expect(all.pagingState).toBeUndefined();
            expect(await world.selectAll(cql, q.nowSec, pageSize), `${cql} (page size ${pageSize})`).toEqual(rows);
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('pages static rows, DISTINCT, filters and merges like the unpaged result', async () => {
    const templates = [
      'SELECT * FROM ks.s',
      'SELECT k, c, s FROM ks.s WHERE k IN (0, 1, 2, 3) ORDER BY c DESC',
      'SELECT k, c, s FROM ks.s WHERE k IN (0, 1, 2, 3) ORDER BY c ASC PER PARTITION LIMIT 2',
      'SELECT DISTINCT k, s FROM ks.s',
      'SELECT k, c, v FROM ks.s WHERE v > 3 ALLOW FILTERING',
      'SELECT k, s FROM ks.s WHERE s < 5 ALLOW FILTERING',
      'SELECT * FROM ks.s PER PARTITION LIMIT 1 LIMIT 5',
      'SELECT k, c FROM ks.s WHERE c IN (1, 3) ALLOW FILTERING',
      'SELECT JSON k, c, s FROM ks.s WHERE token(k) > 9000000000000000000',
    ];
    const staticWrite = fc.record({
      kind: fc.constantFrom('row', 'row', 'static', 'deleteRow', 'deletePartition'),
      k: fc.integer({ min: 0, max: 4 }),
      c: fc.integer({ min: 0, max: 4 }),
      v: fc.integer({ min: 0, max: 9 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(staticWrite, { maxLength: 40 }),
        fc.constantFrom(...templates),
        fc.integer({ min: 1, max: 5 }),
        async (writes, cql, pageSize) => {
          const world = new World();
          world.run("CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
          world.run('CREATE TABLE ks.s (k int, c int, v int, s int STATIC, PRIMARY KEY (k, c))');
          for (const w of writes) {
            if (w.kind === 'row') world.run(`INSERT INTO ks.s (k, c, v) VALUES (${w.k}, ${w.c}, ${w.v})`);
            else if (w.kind === 'static') world.run(`INSERT INTO ks.s (k, s) VALUES (${w.k}, ${w.v})`);
            else if (w.kind === 'deleteRow') world.run(`DELETE FROM ks.s WHERE k = ${w.k} AND c = ${w.c}`);
            else world.run(`DELETE FROM ks.s WHERE k = ${w.k}`);
          }
          const all = await world.select(cql, 0, 5000);
          expect(all.pagingState).toBeUndefined();
          expect(await world.selectAll(cql, 0, pageSize), `${cql} (page size ${pageSize})`).toEqual(all.rows);
        },
      ),
      { numRuns: 100 },
    );
  });
});
