/**
 * Paging states and bounds: a state resumes only the query that made it, a
 * damaged one is refused, and one request's work is bounded.
 */
import { Buffer } from 'node:buffer';
import { ErrorCodes, initChecksums, isRingtailError, seededRandom } from '@ringtail/codec';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CqlInvalidRequestError,
  type ExecuteSelectOptions,
  executeSelect,
  MemoryPartitionSource,
  parseStatement,
  parseStatements,
  planModification,
  planSelect,
  type SelectResult,
  type SelectStatement,
} from '../src/index.js';
import { applySchemaStatement, isSchemaStatement } from '../src/schema/apply.js';
import type { Schema } from '../src/schema/metadata.js';
import { emptySchema, resolveTable } from '../src/schema/resolve.js';

const NOW_MICROS = 1_700_000_000_000_000;
const NOW_SEC = 1_700_000_000;

function setUp(script: string): { schema: Schema; source: MemoryPartitionSource } {
  let schema = emptySchema();
  const source = new MemoryPartitionSource();
  const random = seededRandom(3);
  let micros = NOW_MICROS;
  for (const statement of parseStatements(script)) {
    const nowMicros = micros++;
    if (isSchemaStatement(statement)) {
      const options = { newTableId: () => '00000000-0000-4000-8000-000000000001', currentKeyspace: 'ks', nowMicros };
      schema = applySchemaStatement(schema, statement, options).schema;
    } else if (statement.kind === 'insert' || statement.kind === 'batch') {
      source.apply(
        planModification(statement, schema, { currentKeyspace: 'ks', binds: [], nowMicros, random }).mutation,
      );
    }
  }
  return { schema, source };
}

const SCRIPT = `
  CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};
  CREATE TABLE ks.t (k int, c int, v text, PRIMARY KEY (k, c));
  ${Array.from({ length: 30 }, (_, i) => `INSERT INTO ks.t (k, c, v) VALUES (${i % 4}, ${i}, 'v${i}');`).join('\n')}
`;

let world: { schema: Schema; source: MemoryPartitionSource };

function select(
  cql: string,
  options: Partial<ExecuteSelectOptions> = {},
  binds: unknown[] = [],
): Promise<SelectResult> {
  const statement = parseStatement(cql) as SelectStatement;
  const table = resolveTable(world.schema, statement.table, 'ks');
  const plan = planSelect(statement, table, { binds: binds as never, nowMicros: NOW_MICROS, random: seededRandom(1) });
  return executeSelect(plan, world.source, { nowSec: NOW_SEC, ...options });
}

async function refusal(promise: Promise<unknown>): Promise<CqlInvalidRequestError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof CqlInvalidRequestError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

beforeAll(async () => {
  await initChecksums();
  world = setUp(SCRIPT);
});

describe('paging states', () => {
  it('resume strictly after the last row, until the last page', async () => {
    const all = await select('SELECT k, c FROM ks.t');
    expect(all.rows).toHaveLength(30);
    const first = await select('SELECT k, c FROM ks.t', { pageSize: 7 });
    expect(first.rows).toEqual(all.rows.slice(0, 7));
    const second = await select('SELECT k, c FROM ks.t', { pageSize: 7, pagingState: first.pagingState! });
    expect(second.rows).toEqual(all.rows.slice(7, 14));
    // The last full page knows it is the last: no empty page follows.
    const exact = await select('SELECT k, c FROM ks.t', { pageSize: 30 });
    expect(exact.pagingState).toBeUndefined();
  });

  it('are refused by another query, or the same query with other bind values', async () => {
    const page = await select('SELECT k, c FROM ks.t', { pageSize: 5 });
    const other = await refusal(select('SELECT k, c, v FROM ks.t', { pageSize: 5, pagingState: page.pagingState! }));
    expect(other.message).toMatch(/^Invalid paging state: it belongs to a different query/);
    const keyed = await select('SELECT c FROM ks.t WHERE k = ?', { pageSize: 2 }, [1]);
    const rebound = await refusal(
      select('SELECT c FROM ks.t WHERE k = ?', { pageSize: 2, pagingState: keyed.pagingState! }, [2]),
    );
    expect(rebound.message).toMatch(/different query/);
    // Whitespace and case do not make another query: the fingerprint is the canonical text.
    const same = await select('select k,c from ks.t', { pageSize: 5, pagingState: page.pagingState! });
    expect(same.rows).toHaveLength(5);
  });

  it('are refused when any byte is altered, dropped or added', async () => {
    const page = await select('SELECT k, c FROM ks.t', { pageSize: 5 });
    const bytes = Buffer.from(page.pagingState!, 'base64url');
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: bytes.length - 1 }),
        fc.integer({ min: 1, max: 255 }),
        fc.constantFrom('flip', 'drop', 'append'),
        async (at, mask, how) => {
          const damaged = Buffer.from(bytes);
          let text: string;
          if (how === 'flip') {
            damaged[at]! ^= mask;
            text = damaged.toString('base64url');
          } else if (how === 'drop') {
            text = Buffer.concat([damaged.subarray(0, at), damaged.subarray(at + 1)]).toString('base64url');
          } else {
            text = Buffer.concat([damaged, Buffer.from([mask])]).toString('base64url');
          }
          const error = await refusal(select('SELECT k, c FROM ks.t', { pageSize: 5, pagingState: text }));
          expect(error.message).toMatch(/^Invalid paging state: /);
          expect(error.code).toBe(ErrorCodes.INVALID_ARGUMENT);
        },
      ),
      { numRuns: 200 },
    );
    for (const garbage of ['', 'not base64!', 'AAAA', 'x'.repeat(200_000)]) {
      const error = await refusal(select('SELECT k, c FROM ks.t', { pagingState: garbage }));
      expect(error.message).toMatch(/^Invalid paging state: /);
    }
  });

  it('are refused by an aggregate query', async () => {
    const error = await refusal(select('SELECT COUNT(*) FROM ks.t', { pagingState: 'AQ' }));
    expect(error.message).toMatch(/^Invalid paging state/);
  });
});

describe('bounds', () => {
  it('refuse page sizes out of range', async () => {
    for (const pageSize of [0, -1, 1.5, 100_001]) {
      const error = await refusal(select('SELECT k FROM ks.t', { pageSize }));
      expect(error.message).toMatch(/^Page size must be an integer from 1 to 100000/);
    }
  });

  it('stop a request that examines too much, with RT_LIMIT_EXCEEDED', async () => {
    const error = await select('SELECT k FROM ks.t WHERE v = ? ALLOW FILTERING', { maxRowsExamined: 20 }, [
      'none',
    ]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRingtailError(error, ErrorCodes.LIMIT_EXCEEDED)).toBe(true);
    expect((error as Error).message).toMatch(
      /^Query aborted after examining more than 20 partitions, rows and tombstones/,
    );
    // A page that fills before the bound is fine, and says more may follow.
    const page = await select('SELECT k FROM ks.t', { maxRowsExamined: 20, pageSize: 5 });
    expect(page.rows).toHaveLength(5);
    expect(page.pagingState).toBeDefined();
  });

  it('keep a column named __proto__ a column', async () => {
    world = setUp(`
      CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1};
      CREATE TABLE ks.p (k int PRIMARY KEY, "__proto__" text);
      INSERT INTO ks.p (k, "__proto__") VALUES (1, 'x');
    `);
    const result = await select('SELECT * FROM ks.p');
    expect(Object.keys(result.rows[0]!)).toEqual(['k', '__proto__']);
    expect(JSON.stringify(result.rows[0])).toBe('{"k":1,"__proto__":"x"}');
    world = setUp(SCRIPT);
  });
});
