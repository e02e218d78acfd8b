/**
 * Planning the same INSERT tree again — what a node does with a cached parse
 * of a query string sent again — gives what planning a fresh parse gives:
 * the insert's shape (the columns it resolved) follows schema changes, and
 * its mutations equal those of the general path (`INSERT ... JSON`, which
 * takes no shape) for the same values.
 */
import { initChecksums, type JsonValue, seededRandom } from '@ringtail/codec';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  applySchemaStatement,
  type BindValues,
  emptySchema,
  isSchemaStatement,
  type ModificationPlan,
  parseStatement,
  planModification,
  type Schema,
  type Statement,
} from '../src/index.js';

const NOW_MICROS = 1_700_000_000_000_000;

beforeAll(async () => {
  await initChecksums();
});

function ddl(schema: Schema, ...texts: string[]): Schema {
  let tableCount = 0;
  for (const text of texts) {
    const statement = parseStatement(text);
    if (!isSchemaStatement(statement)) throw new Error(`not DDL: ${text}`);
    schema = applySchemaStatement(schema, statement, {
      newTableId: () => `00000000-0000-4000-8000-${String(++tableCount).padStart(12, '0')}`,
      nowMicros: NOW_MICROS,
    }).schema;
  }
  return schema;
}

const SCHEMA = ddl(
  emptySchema(),
  "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}",
  'CREATE TABLE ks.t (k1 int, k2 text, c int, s text STATIC, v blob, l list<int>, m map<text, int>, ' +
    'PRIMARY KEY ((k1, k2), c)) WITH CLUSTERING ORDER BY (c DESC)',
);

function plan(statement: Statement, binds: BindValues, schema: Schema = SCHEMA): ModificationPlan {
  if (statement.kind !== 'insert' && statement.kind !== 'batch') throw new Error('not an INSERT');
  return planModification(statement, schema, {
    currentKeyspace: null,
    binds,
    nowMicros: NOW_MICROS,
    random: seededRandom(7),
  });
}

function errorOf(run: () => unknown): string {
  try {
    run();
    return 'no error';
  } catch (error) {
    return (error as Error).message;
  }
}

const OTHER_COLUMNS = ['s', 'v', 'l', 'm'] as const;
const row = fc.record({
  k1: fc.integer({ min: -2_147_483_648, max: 2_147_483_647 }),
  k2: fc.string({ maxLength: 8 }),
  c: fc.integer({ min: -5, max: 5 }),
  s: fc.option(fc.string({ maxLength: 8 }), { nil: null }),
  v: fc.option(
    fc.uint8Array({ maxLength: 12 }).map((b) => `0x${Buffer.from(b).toString('hex')}`),
    { nil: null },
  ),
  l: fc.option(fc.array(fc.integer({ min: -9, max: 9 }), { maxLength: 3 }), { nil: null }),
  m: fc.option(fc.dictionary(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 9 })), { nil: null }),
});

describe('an INSERT planned again from the same tree', () => {
  it('writes what the general path (INSERT JSON) writes for the same values', () => {
    fc.assert(
      fc.property(
        fc.shuffledSubarray([...OTHER_COLUMNS]).chain((others) => {
          const columns = ['k1', 'k2', 'c', ...others];
          return fc.shuffledSubarray(columns, { minLength: columns.length });
        }),
        fc.array(row, { minLength: 1, maxLength: 4 }),
        (values, rows) => {
          const markers = values.map(() => '?').join(', ');
          const insert = parseStatement(`INSERT INTO ks.t (${values.join(', ')}) VALUES (${markers})`);
          const json = parseStatement('INSERT INTO ks.t JSON ? DEFAULT UNSET');
          for (const r of rows) {
            const record = r as unknown as Record<string, JsonValue>;
            const binds = values.map((name) => record[name]!);
            const object = Object.fromEntries(values.map((name) => [name, record[name]!]));
            expect(plan(insert, binds)).toEqual(plan(json, [JSON.stringify(object)]));
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('resolves its columns again after the schema changed', () => {
    const insert = parseStatement('INSERT INTO ks.t (k1, k2, c, v) VALUES (?, ?, ?, ?)');
    const binds = [1, 'a', 2, '0x0102'];
    const before = plan(insert, binds);
    const dropped = ddl(SCHEMA, 'ALTER TABLE ks.t DROP v');
    expect(errorOf(() => plan(insert, binds, dropped))).toBe('Undefined column name v in table ks.t');
    expect(plan(insert, binds, ddl(dropped, 'ALTER TABLE ks.t ADD v blob'))).toEqual(before);
    const retyped = ddl(
      SCHEMA,
      'DROP TABLE ks.t',
      'CREATE TABLE ks.t (k1 int, k2 text, c int, v text, PRIMARY KEY ((k1, k2), c))',
    );
    expect(errorOf(() => plan(insert, [1, 'a', 2, 2], retyped))).toContain('"v" of type text');
    expect(plan(insert, binds, retyped)).not.toEqual(before);
    expect(plan(insert, binds)).toEqual(before);
  });

  it('reports problems in the order a fresh parse does', () => {
    const text = 'INSERT INTO ks.t (c, k2, k1, v) VALUES (?, ?, ?, ?)';
    const cases: BindValues[] = [
      [null, null, 'not an int', '0x00'], // the first value that does not convert, before any null key
      [null, null, 1, 'zz'], // every value converts before keys are checked
      [null, null, 1, '0x00'], // then the partition key, in key order
      [null, 'a', 1, '0x00'], // then the clustering key
      [1, 'k'.repeat(65_536), 1, '0x00'], // then the key's size
    ];
    const insert = parseStatement(text);
    for (const binds of cases) {
      const expected = errorOf(() => plan(parseStatement(text), binds));
      expect(expected).not.toBe('no error');
      expect(errorOf(() => plan(insert, binds))).toBe(expected);
      expect(errorOf(() => plan(insert, binds))).toBe(expected);
    }
    expect(cases.map((binds) => errorOf(() => plan(insert, binds)))).toMatchInlineSnapshot(`
      [
        "Invalid value for bind marker ? (number 2) ("k1" of type int): expected an integer (number or numeric string) for type int, got "not an int"",
        "Invalid value for bind marker ? (number 3) ("v" of type blob): expected a '0x…' hex string for type blob, got "zz"",
        "Invalid null value in condition for column k2",
        "Invalid null value in condition for column c",
        "Key length of 65536 is longer than maximum of 65535",
      ]
    `);
  });
});
