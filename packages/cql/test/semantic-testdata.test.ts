/**
 * Runs testdata/semantic/*.txt (format: test/datadriven.ts). Each file keeps
 * one schema, changed by its `ddl` cases in order. Commands:
 *   ddl [ks=K] [now=N]        statements, one per line, applied in order; prints each change or error
 *   describe                  `ks.t` per line: the table's metadata
 *   plan [ks=K] [now=N] [binds=JSON] [seed=N]
 *                             one INSERT/UPDATE/DELETE/BATCH, printed with describeMutation,
 *                             then conditions and warnings
 *   term type=T [binds=JSON] [now=N]   a term typed as T, printed as JSON
 *   reset                     forget the schema
 * `binds` is JSON without spaces; a string `0x{N}` in it is a blob of N bytes. Errors print as `error: message`, plus the
 * code when it is not RT_INVALID_ARGUMENT and the kind when it is not InvalidRequest.
 */
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type CqlValue,
  ErrorCodes,
  formatCqlType,
  initChecksums,
  type JsonValue,
  parseCqlType,
  RingtailError,
  seededRandom,
  valueToJson,
} from '@ringtail/codec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  applySchemaStatement,
  type BindValues,
  CqlInvalidRequestError,
  describeMutation,
  emptySchema,
  isSchemaStatement,
  type ModificationPlan,
  parseStatement,
  planModification,
  type RowCondition,
  resolveTable,
  type Schema,
  type TableMetadata,
  termValue,
} from '../src/index.js';
import { REWRITE, readTestCases, rewriteTestCases, type TestCase } from './datadriven.js';

const TESTDATA = join(dirname(fileURLToPath(import.meta.url)), '..', 'testdata', 'semantic');
const DEFAULT_NOW_MICROS = 1_700_000_000_000_000;

function errorText(error: unknown): string {
  if (!(error instanceof RingtailError)) throw error;
  let text = `error: ${error.message}`;
  if (error.code !== ErrorCodes.INVALID_ARGUMENT) text += ` [${error.code}]`;
  if (error instanceof CqlInvalidRequestError && error.kind !== 'InvalidRequest') text += ` [${error.kind}]`;
  return text;
}

function attempt(run: () => string): string {
  try {
    return run();
  } catch (error) {
    return errorText(error);
  }
}

class FileState {
  schema: Schema = emptySchema();
  private tableCount = 0;

  newTableId = (): string => {
    this.tableCount++;
    return `00000000-0000-4000-8000-${String(this.tableCount).padStart(12, '0')}`;
  };
}

function nowOf(testCase: TestCase): number {
  const now = testCase.args.get('now');
  return now === undefined ? DEFAULT_NOW_MICROS : Number(now);
}

/** A bind string `0x{N}` stands for a blob of N bytes (0xab), to test size limits without pages of hex. */
const BLOB_OF_SIZE = /^0x\{(\d+)\}$/;

function bindsOf(testCase: TestCase): BindValues {
  const binds = testCase.args.get('binds');
  if (binds === undefined) return [];
  return JSON.parse(binds, (_key, value: unknown) => {
    const match = typeof value === 'string' ? BLOB_OF_SIZE.exec(value) : null;
    return match === null ? value : `0x${'ab'.repeat(Number(match[1]))}`;
  }) as BindValues;
}

function runDdl(state: FileState, testCase: TestCase): string {
  const lines: string[] = [];
  const currentKeyspace = testCase.args.get('ks') ?? null;
  for (const text of testCase.input.split('\n').filter((l) => l.trim() !== '')) {
    lines.push(
      attempt(() => {
        const statement = parseStatement(text);
        if (statement.kind === 'truncate') {
          const table = resolveTable(state.schema, statement.table, currentKeyspace);
          return `truncate ${table.keyspace}.${table.name}`;
        }
        if (!isSchemaStatement(statement)) throw new Error(`not DDL: ${statement.kind}`);
        const result = applySchemaStatement(state.schema, statement, {
          newTableId: state.newTableId,
          currentKeyspace,
          nowMicros: nowOf(testCase),
        });
        state.schema = result.schema;
        const { keyspace, table } = result.target;
        return `${result.change} ${table === undefined ? keyspace : `${keyspace}.${table}`}`;
      }),
    );
  }
  return lines.join('\n');
}

function describeTable(table: TableMetadata): string {
  const columns = table.columns.map((c) => {
    const order = c.clusteringOrder === undefined ? '' : ` ${c.clusteringOrder}`;
    const position = c.position >= 0 ? ` ${c.position}` : '';
    return `  ${c.name} ${formatCqlType(c.type)} ${c.kind}${position}${order}`;
  });
  const o = table.options;
  const compaction = Object.entries(o.compaction)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  const dropped = (table.droppedColumns ?? []).map(
    (d) => `  dropped ${d.name} ${formatCqlType(d.type)} @${d.droppedAtMicros}`,
  );
  return [
    `${table.keyspace}.${table.name} id=${table.id}`,
    ...columns,
    ...dropped,
    `  ttl=${o.defaultTimeToLiveSec} gc=${o.gcGraceSeconds} comment=${JSON.stringify(o.comment)}`,
    `  compaction ${compaction}`,
  ].join('\n');
}

function runDescribe(state: FileState, testCase: TestCase): string {
  return testCase.input
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((line) =>
      attempt(() => {
        const [keyspace, name] = line.trim().split('.');
        const ks = state.schema.keyspaces.get(keyspace!);
        if (ks === undefined) return `no keyspace ${keyspace}`;
        if (name === undefined) {
          const r = ks.replication;
          const replication =
            r.class === 'SimpleStrategy'
              ? `SimpleStrategy rf=${r.replicationFactor}`
              : `NetworkTopologyStrategy ${JSON.stringify(r.datacenters)}`;
          return `${ks.name} ${replication} durable_writes=${ks.durableWrites} tables=[${[...ks.tables.keys()].join(', ')}]`;
        }
        const table = ks.tables.get(name);
        return table === undefined ? `no table ${line.trim()}` : describeTable(table);
      }),
    )
    .join('\n');
}

function conditionText(condition: RowCondition): string {
  if (condition.kind !== 'columns') return condition.kind;
  return condition.checks
    .map((c) => {
      const valueType =
        c.element === undefined
          ? c.type
          : c.type.kind === 'map'
            ? c.type.value
            : c.type.kind === 'list'
              ? c.type.element
              : c.type;
      const element =
        c.element === undefined ? '' : `[${JSON.stringify(valueToJson(c.element.type, c.element.value))}]`;
      const values = c.values.map((v) => JSON.stringify(valueToJson(valueType, v)));
      const rhs = c.operator === 'in' ? `(${values.join(', ')})` : values[0];
      return `${c.column}${element}${c.isStatic ? ' (static)' : ''} ${c.operator} ${rhs}`;
    })
    .join(' AND ');
}

function planText(plan: ModificationPlan, schema: Schema): string {
  const lines = [describeMutation(plan.mutation, schema)];
  if (plan.logged) lines.push('logged batch');
  const conditions = plan.conditions;
  if (conditions !== undefined) {
    for (const check of conditions.checks) {
      const row = check.isStatic
        ? 'static row'
        : check.clustering === ''
          ? 'row'
          : `row (${check.clusteringValues.map((v) => JSON.stringify(v, jsonBigint)).join(', ')})`;
      lines.push(`if ${conditions.keyspace}.${conditions.table} ${row}: ${conditionText(check.condition)}`);
    }
  }
  for (const warning of plan.warnings) lines.push(`warning: ${warning}`);
  return lines.join('\n');
}

function jsonBigint(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? `${value}n` : value;
}

function runPlan(state: FileState, testCase: TestCase): string {
  return attempt(() => {
    const statement = parseStatement(testCase.input);
    if (
      statement.kind !== 'insert' &&
      statement.kind !== 'update' &&
      statement.kind !== 'delete' &&
      statement.kind !== 'batch'
    ) {
      throw new Error(`not a modification: ${statement.kind}`);
    }
    const plan = planModification(statement, state.schema, {
      currentKeyspace: testCase.args.get('ks') ?? 'ks',
      binds: bindsOf(testCase),
      nowMicros: nowOf(testCase),
      random: seededRandom(Number(testCase.args.get('seed') ?? 1)),
    });
    return planText(plan, state.schema);
  });
}

function runTerm(testCase: TestCase): string {
  return attempt(() => {
    const type = parseCqlType(testCase.args.get('type') ?? 'text');
    const statement = parseStatement(`INSERT INTO t (x) VALUES (${testCase.input})`);
    if (statement.kind !== 'insert' || statement.source.kind !== 'values') throw new Error('unreachable');
    const value: CqlValue | null = termValue(statement.source.values[0]!, type, {
      binds: bindsOf(testCase),
      nowMicros: nowOf(testCase),
      random: seededRandom(1),
      what: '"x"',
    });
    return JSON.stringify(valueToJson(type, value) as JsonValue);
  });
}

function run(state: FileState, testCase: TestCase): string {
  switch (testCase.command) {
    case 'ddl':
      return runDdl(state, testCase);
    case 'describe':
      return runDescribe(state, testCase);
    case 'plan':
      return runPlan(state, testCase);
    case 'term':
      return runTerm(testCase);
    case 'reset':
      state.schema = emptySchema();
      return 'ok';
    default:
      throw new Error(`${testCase.file}:${testCase.line}: unknown command ${testCase.command}`);
  }
}

beforeAll(async () => {
  await initChecksums();
});

for (const name of readdirSync(TESTDATA).filter((f) => f.endsWith('.txt'))) {
  const file = join(TESTDATA, name);
  const cases = readTestCases(file);
  const actual = new Map<number, string>();
  describe(`semantic/${name}`, () => {
    const state = new FileState();
    for (const testCase of cases) {
      it(`${name}:${testCase.line} ${testCase.input.split('\n')[0]!.slice(0, 60)}`, () => {
        const output = run(state, testCase);
        if (REWRITE) actual.set(testCase.line, output);
        else expect(output).toBe(testCase.expected);
      });
    }
    afterAll(() => {
      if (REWRITE && actual.size === cases.length) rewriteTestCases(file, actual);
    });
  });
}
