/**
 * Runs testdata/select/*.txt: each file is one keyspace `ks` whose schema and
 * data build up case by case.
 *
 *   exec [now=S]                       DDL and DML statements (';'-separated), applied in order
 *   query [now=S] [page=N] [binds=J]   one SELECT; prints the columns, then one JSON row per line
 *                                      (page=N: follows the paging states, printing each page;
 *                                      the pages must add up to the unpaged result)
 *
 * `now=S` is seconds after 2023-11-14T22:13:20Z (1,700,000,000 s), 0 by default;
 * the statements of one exec are stamped with it, plus their index in microseconds. Errors print as `error: message` (plus the code
 * unless RT_INVALID_ARGUMENT).
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ErrorCodes, initChecksums, isRingtailError, type JsonValue, seededRandom } from '@ringtail/codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
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
import { REWRITE, readTestCases, rewriteTestCases, type TestCase } from './datadriven.js';

const TESTDATA = join(dirname(fileURLToPath(import.meta.url)), '..', 'testdata', 'select');
const BASE_SEC = 1_700_000_000;
const KEYSPACE = 'ks';

class Harness {
  schema: Schema = emptySchema();
  readonly source = new MemoryPartitionSource();
  private tables = 0;
  private readonly random = seededRandom(42);

  constructor() {
    this.exec(`CREATE KEYSPACE ${KEYSPACE} WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}`, 0);
  }

  exec(script: string, nowSec: number): void {
    // Statements of one exec are a microsecond apart, as writes from one client would be:
    // list elements appended at the same microsecond would otherwise share cell paths.
    let nowMicros = (BASE_SEC + nowSec) * 1_000_000 - 1;
    for (const statement of parseStatements(script)) {
      nowMicros++;
      if (isSchemaStatement(statement)) {
        const newTableId = () => `00000000-0000-4000-8000-${String(++this.tables).padStart(12, '0')}`;
        this.schema = applySchemaStatement(this.schema, statement, {
          newTableId,
          currentKeyspace: KEYSPACE,
          nowMicros,
        }).schema;
      } else if (
        statement.kind === 'insert' ||
        statement.kind === 'update' ||
        statement.kind === 'delete' ||
        statement.kind === 'batch'
      ) {
        const plan = planModification(statement, this.schema, {
          currentKeyspace: KEYSPACE,
          binds: [],
          nowMicros,
          random: this.random,
        });
        this.source.apply(plan.mutation);
      } else {
        throw new Error(`exec: unsupported statement ${statement.kind}`);
      }
    }
  }

  async query(
    text: string,
    options: { nowSec: number; pageSize?: number; pagingState?: string; binds?: JsonValue[] },
  ): Promise<SelectResult> {
    const statement = parseStatement(text);
    if (statement.kind !== 'select') throw new Error('query: not a SELECT');
    const nowMicros = (BASE_SEC + options.nowSec) * 1_000_000;
    const table = resolveTable(this.schema, (statement as SelectStatement).table, KEYSPACE);
    const plan = planSelect(statement, table, { binds: options.binds ?? [], nowMicros, random: seededRandom(1) });
    return executeSelect(plan, this.source, {
      nowSec: BASE_SEC + options.nowSec,
      ...(options.pageSize === undefined ? {} : { pageSize: options.pageSize }),
      ...(options.pagingState === undefined ? {} : { pagingState: options.pagingState }),
    });
  }
}

function errorText(error: unknown): string {
  if (!isRingtailError(error)) throw error;
  const code = error.code === ErrorCodes.INVALID_ARGUMENT ? '' : ` [${error.code}]`;
  return `error: ${error.message}${code}`;
}

function printRows(rows: readonly Record<string, JsonValue>[]): string[] {
  return rows.map((row) => JSON.stringify(row));
}

async function runQuery(harness: Harness, testCase: TestCase): Promise<string> {
  const nowSec = Number(testCase.args.get('now') ?? '0');
  const binds = testCase.args.has('binds') ? (JSON.parse(testCase.args.get('binds')!) as JsonValue[]) : undefined;
  const all = await harness.query(testCase.input, { nowSec, pageSize: 100_000, ...(binds ? { binds } : {}) });
  expect(all.pagingState).toBeUndefined();
  const header = `columns: ${all.columns.map((c) => `${c.name} ${c.type}`).join(', ')}`;
  const pageSize = testCase.args.get('page');
  if (pageSize === undefined) return [header, ...printRows(all.rows), `(${all.rows.length} rows)`].join('\n');
  const lines = [header];
  const paged: Record<string, JsonValue>[] = [];
  let pagingState: string | undefined;
  let page = 0;
  do {
    const result = await harness.query(testCase.input, {
      nowSec,
      pageSize: Number(pageSize),
      ...(binds ? { binds } : {}),
      ...(pagingState === undefined ? {} : { pagingState }),
    });
    lines.push(`-- page ${++page}${result.pagingState === undefined ? ' (last)' : ''}`, ...printRows(result.rows));
    paged.push(...result.rows);
    pagingState = result.pagingState;
  } while (pagingState !== undefined && page < 1000);
  expect(paged).toEqual(all.rows);
  return lines.join('\n');
}

async function run(harness: Harness, testCase: TestCase): Promise<string> {
  try {
    switch (testCase.command) {
      case 'exec':
        harness.exec(testCase.input, Number(testCase.args.get('now') ?? '0'));
        return 'ok';
      case 'query':
        return await runQuery(harness, testCase);
      default:
        throw new Error(`${testCase.file}:${testCase.line}: unknown command ${testCase.command}`);
    }
  } catch (error) {
    return errorText(error);
  }
}

beforeAll(() => initChecksums());

for (const name of readdirSync(TESTDATA).filter((f) => f.endsWith('.txt'))) {
  const file = join(TESTDATA, name);
  const cases = readTestCases(file);
  const actual = new Map<number, string>();
  describe(`select/${name}`, () => {
    const harness = new Harness();
    for (const testCase of cases) {
      it(`${name}:${testCase.line} ${testCase.input.split('\n')[0]!.slice(0, 60)}`, async () => {
        const output = await run(harness, testCase);
        if (REWRITE) actual.set(testCase.line, output);
        else expect(output).toBe(testCase.expected);
      });
    }
    afterAll(() => {
      if (REWRITE && actual.size === cases.length) rewriteTestCases(file, actual);
    });
  });
}
