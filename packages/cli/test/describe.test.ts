import { fileURLToPath } from 'node:url';
import type { CqlColumn } from '@ringtail/node';
import { describe, expect, it } from 'vitest';
import { createKeyspaceCql, createTableCql, formatNameList, runDescribe } from '../src/shell/describe.js';
import { ShellError } from '../src/shell/error-format.js';
import type { CqlAnswer, CqlClient, CqlRequestBody, CqlRow } from '../src/shell/http-client.js';
import { testdataCases } from './datadriven.js';

interface RowInput {
  readonly columns: CqlColumn[];
  readonly row: CqlRow;
  readonly columnRows?: CqlRow[];
}

describe('DESCRIBE statements', () => {
  testdataCases(fileURLToPath(new URL('../testdata/describe.txt', import.meta.url)), ({ command, args, input }) => {
    switch (command) {
      case 'keyspace': {
        const { columns, row } = JSON.parse(input) as RowInput;
        return createKeyspaceCql(columns, row);
      }
      case 'table': {
        const { columns, row, columnRows } = JSON.parse(input) as RowInput;
        return createTableCql(columns, row, columnRows ?? []);
      }
      case 'names':
        return formatNameList(input.split('\n'), Number(args.get('width') ?? 80));
      default:
        throw new Error(`unknown command ${command}`);
    }
  });
});

const KEYSPACE_COLUMNS: CqlColumn[] = [
  { name: 'keyspace_name', type: 'text' },
  { name: 'durable_writes', type: 'boolean' },
  { name: 'replication', type: 'frozen<map<text, text>>' },
];

/** A node's system_schema, answering only the queries DESCRIBE sends; pages of `pageRows` rows. */
function schemaClient(
  keyspaces: string[],
  tables: Record<string, string[]>,
  pageRows = 2,
): CqlClient & {
  queries: CqlRequestBody[];
} {
  const queries: CqlRequestBody[] = [];
  const page = (columns: CqlColumn[], rows: CqlRow[], state: string | undefined): CqlAnswer => {
    const from = state === undefined ? 0 : Number(state);
    const next = from + pageRows;
    return {
      kind: 'rows',
      columns,
      rows: rows.slice(from, next),
      warnings: [],
      ...(next < rows.length && { pagingState: String(next) }),
    };
  };
  return {
    host: 'http://test',
    queries,
    async execute(body) {
      queries.push(body);
      const params = (body.params ?? []) as string[];
      const ksRow = (name: string): CqlRow => ({
        keyspace_name: name,
        durable_writes: true,
        replication: { class: 'SimpleStrategy', replication_factor: '1' },
      });
      if (body.query.startsWith('SELECT keyspace_name FROM system_schema.keyspaces')) {
        return page([KEYSPACE_COLUMNS[0]!], keyspaces.map(ksRow), body.pagingState);
      }
      if (body.query.includes('FROM system_schema.keyspaces WHERE')) {
        return page(KEYSPACE_COLUMNS, keyspaces.filter((k) => k === params[0]).map(ksRow), body.pagingState);
      }
      if (body.query.includes('FROM system_schema.tables')) {
        const names = (tables[params[0]!] ?? []).filter((t) => params[1] === undefined || t === params[1]);
        const rows = names.map((t) => ({ keyspace_name: params[0], table_name: t, comment: '' }));
        const columns: CqlColumn[] = [
          { name: 'keyspace_name', type: 'text' },
          { name: 'table_name', type: 'text' },
          { name: 'comment', type: 'text' },
        ];
        return page(columns, rows, body.pagingState);
      }
      if (body.query.includes('FROM system_schema.columns')) {
        const names = (tables[params[0]!] ?? []).filter((t) => params[1] === undefined || t === params[1]);
        const rows = names.map((t) => ({
          keyspace_name: params[0],
          table_name: t,
          column_name: 'k',
          clustering_order: 'none',
          kind: 'partition_key',
          position: 0,
          type: 'int',
        }));
        return page([], rows, body.pagingState);
      }
      if (body.query.includes('FROM system.local')) {
        return page([], [{ cluster_name: 'Test', partitioner: 'XXHash64Partitioner' }], undefined);
      }
      throw new Error(`unexpected query ${body.query}`);
    },
  };
}

describe('runDescribe', () => {
  const client = schemaClient(['ks', 'other', 'system', 'system_schema'], {
    ks: ['a', 'b', 'c'],
    other: [],
    system: ['local'],
  });

  it('lists keyspaces, reading every page', async () => {
    expect(await runDescribe({ kind: 'keyspaces' }, { client, keyspace: undefined })).toBe(
      'ks  other  system  system_schema',
    );
  });

  it('lists the tables of the current keyspace, or of every keyspace', async () => {
    expect(await runDescribe({ kind: 'tables' }, { client, keyspace: 'ks' })).toBe('a  b  c');
    expect(await runDescribe({ kind: 'tables' }, { client, keyspace: undefined })).toBe(
      [
        'Keyspace ks\n-----------\na  b  c',
        'Keyspace other\n--------------',
        'Keyspace system\n---------------\nlocal',
        'Keyspace system_schema\n----------------------',
      ].join('\n\n'),
    );
  });

  it('prints a keyspace with its tables; a system keyspace only as a comment', async () => {
    const text = await runDescribe({ kind: 'keyspace', name: 'ks' }, { client, keyspace: undefined });
    expect(text.split('\n\n').map((part) => part.split('\n')[0])).toEqual([
      "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': '1'} AND durable_writes = true;",
      'CREATE TABLE ks.a (',
      'CREATE TABLE ks.b (',
      'CREATE TABLE ks.c (',
    ]);
    const system = await runDescribe({ kind: 'table', keyspace: 'system', name: 'local' }, { client, keyspace: 'ks' });
    expect(system).toMatch(/^\/\*\nWarning: system is a system keyspace and cannot be recreated with CQL\./);
    expect(system).toMatch(/CREATE TABLE system\.local \(\n {4}k int PRIMARY KEY\n\) WITH comment = '';\n\*\/$/);
  });

  it('describes the user keyspaces as the schema, and every keyspace as the full schema', async () => {
    const schema = await runDescribe({ kind: 'schema', full: false }, { client, keyspace: undefined });
    expect(schema.match(/CREATE KEYSPACE \w+/g)).toEqual(['CREATE KEYSPACE ks', 'CREATE KEYSPACE other']);
    const full = await runDescribe({ kind: 'schema', full: true }, { client, keyspace: undefined });
    expect(full.match(/CREATE KEYSPACE \w+/g)).toHaveLength(4);
  });

  it('takes a bare name for a keyspace first, then for a table of the current keyspace', async () => {
    expect(await runDescribe({ kind: 'any', name: 'other' }, { client, keyspace: 'ks' })).toMatch(
      /^CREATE KEYSPACE other /,
    );
    expect(await runDescribe({ kind: 'any', name: 'b' }, { client, keyspace: 'ks' })).toMatch(/^CREATE TABLE ks\.b /);
    expect(await runDescribe({ kind: 'cluster' }, { client, keyspace: undefined })).toBe(
      'Cluster: Test\nPartitioner: XXHash64Partitioner',
    );
  });

  it.each([
    [{ kind: 'keyspace', name: 'nope' }, undefined, "Keyspace 'nope' not found"],
    [{ kind: 'keyspace' }, undefined, 'No keyspace specified and no current keyspace'],
    [{ kind: 'table', name: 'a' }, undefined, 'No keyspace specified and no current keyspace'],
    [{ kind: 'table', name: 'zz' }, 'ks', "Table 'zz' not found in keyspace 'ks'"],
    [{ kind: 'table', keyspace: 'nope', name: 'zz' }, 'ks', "Keyspace 'nope' not found"],
    [{ kind: 'any', name: 'zz' }, undefined, "'zz' not found in keyspaces"],
    [{ kind: 'any', name: 'zz' }, 'ks', "Table 'zz' not found in keyspace 'ks'"],
  ] as const)('explains %j (keyspace %s)', async (target, keyspace, message) => {
    const failure = runDescribe(target, { client, keyspace });
    await expect(failure).rejects.toThrow(ShellError);
    await expect(failure).rejects.toThrow(message);
  });

  it('passes names as bind values, never inside the query text', async () => {
    const spy = schemaClient(["it's"], { "it's": ['t'] });
    await runDescribe({ kind: 'keyspace', name: "it's" }, { client: spy, keyspace: undefined });
    for (const query of spy.queries) expect(query.query).not.toContain("it's");
    expect(spy.queries.some((q) => (q.params as string[] | undefined)?.includes("it's"))).toBe(true);
  });
});
