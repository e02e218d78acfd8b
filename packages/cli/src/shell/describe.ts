/**
 * DESCRIBE, built on the client from system_schema.keyspaces, .tables and
 * .columns (docs/cql.md "System tables"), as cqlsh did before Cassandra 4
 * moved it into the server. What it prints for a keyspace or a table is CQL
 * that creates it again: names quoted where needed, replication and
 * compaction maps as the node stores them (full class names, which CREATE
 * accepts), every table property system_schema.tables holds. The builders
 * are pure; {@link runDescribe} does the reading.
 */
import { Buffer } from 'node:buffer';
import type { CqlColumn } from '@ringtail/node';
import { MAX_SCHEMA_ROWS } from './constants.js';
import { ShellError } from './error-format.js';
import type { CqlClient, CqlRow } from './http-client.js';
import { formatIdentifier } from './identifiers.js';
import type { DescribeTarget } from './shell-commands.js';
import { formatValue } from './values.js';

/** A result with every page read. */
export interface RowSet {
  readonly columns: readonly CqlColumn[];
  readonly rows: readonly CqlRow[];
}

/** Columns of system_schema.tables that are not table properties. */
const NOT_PROPERTIES = new Set(['keyspace_name', 'table_name', 'id', 'flags']);

/** `CREATE KEYSPACE ... WITH replication = {...} AND durable_writes = ...;` from a system_schema.keyspaces row. */
export function createKeyspaceCql(columns: readonly CqlColumn[], row: CqlRow): string {
  const properties = columns
    .filter((c) => c.name !== 'keyspace_name' && row[c.name] !== null && row[c.name] !== undefined)
    .sort((a, b) => (a.name === 'replication' ? -1 : b.name === 'replication' ? 1 : 0))
    .map((c) => `${c.name} = ${formatValue(c.type, row[c.name], { literal: true })}`);
  const name = formatIdentifier(String(row.keyspace_name));
  return `CREATE KEYSPACE ${name}${properties.length > 0 ? ` WITH ${properties.join(' AND ')}` : ''};`;
}

/** `CREATE TABLE ks.t (...) WITH ...;` from its system_schema.tables row and system_schema.columns rows. */
export function createTableCql(tableColumns: readonly CqlColumn[], table: CqlRow, columns: readonly CqlRow[]): string {
  const byPosition = (kind: string) =>
    columns.filter((c) => c.kind === kind).sort((a, b) => Number(a.position) - Number(b.position));
  const partitionKey = byPosition('partition_key');
  const clustering = byPosition('clustering');
  const others = columns
    .filter((c) => c.kind !== 'partition_key' && c.kind !== 'clustering')
    .sort((a, b) => compareNames(String(a.column_name), String(b.column_name)));
  const name = (c: CqlRow) => formatIdentifier(String(c.column_name));
  const inlineKey = partitionKey.length === 1 && clustering.length === 0;

  const definitions = [...partitionKey, ...clustering, ...others].map((c) => {
    const suffix = c.kind === 'static' ? ' static' : inlineKey && c === partitionKey[0] ? ' PRIMARY KEY' : '';
    return `    ${name(c)} ${String(c.type)}${suffix}`;
  });
  if (!inlineKey) {
    const partition = partitionKey.length === 1 ? name(partitionKey[0]!) : `(${partitionKey.map(name).join(', ')})`;
    definitions.push(`    PRIMARY KEY (${[partition, ...clustering.map(name)].join(', ')})`);
  }

  const options: string[] = [];
  if (clustering.length > 0) {
    const order = clustering.map((c) => `${name(c)} ${c.clustering_order === 'desc' ? 'DESC' : 'ASC'}`);
    options.push(`CLUSTERING ORDER BY (${order.join(', ')})`);
  }
  for (const column of [...tableColumns].sort((a, b) => compareNames(a.name, b.name))) {
    const value = table[column.name];
    if (NOT_PROPERTIES.has(column.name) || value === null || value === undefined) continue;
    options.push(`${column.name} = ${formatValue(column.type, value, { literal: true })}`);
  }
  const head = `CREATE TABLE ${formatIdentifier(String(table.keyspace_name))}.${formatIdentifier(String(table.table_name))} (`;
  const tail = options.length === 0 ? ');' : `) WITH ${options.join('\n    AND ')};`;
  return [head, definitions.join(',\n'), tail].join('\n');
}

export function isSystemKeyspace(name: string): boolean {
  return name === 'system' || name.startsWith('system_');
}

/** Byte order of the UTF-8 names: the order the node keeps them in. */
function compareNames(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b));
}

/** Names in columns of at most `width` characters, two spaces apart, as cqlsh lists them. */
export function formatNameList(names: readonly string[], width = 80): string {
  const lines: string[] = [];
  let line = '';
  for (const name of names.map(formatIdentifier)) {
    if (line !== '' && line.length + 2 + name.length > width) {
      lines.push(line);
      line = '';
    }
    line = line === '' ? name : `${line}  ${name}`;
  }
  if (line !== '') lines.push(line);
  return lines.join('\n');
}

export interface DescribeContext {
  readonly client: CqlClient;
  /** The current keyspace (USE), if any. */
  readonly keyspace: string | undefined;
  readonly signal?: AbortSignal;
}

/** The text DESCRIBE prints for `target` (no surrounding blank lines). */
export async function runDescribe(target: DescribeTarget, context: DescribeContext): Promise<string> {
  const schema = new SchemaReader(context);
  switch (target.kind) {
    case 'cluster': {
      const local = await schema.read('SELECT cluster_name, partitioner FROM system.local', []);
      const row = local.rows[0] ?? {};
      return `Cluster: ${String(row.cluster_name)}\nPartitioner: ${String(row.partitioner)}`;
    }
    case 'keyspaces':
      return formatNameList(await schema.keyspaceNames());
    case 'tables': {
      if (context.keyspace !== undefined) return formatNameList(await schema.tableNames(context.keyspace));
      const blocks: string[] = [];
      for (const keyspace of await schema.keyspaceNames()) {
        const header = `Keyspace ${formatIdentifier(keyspace)}`;
        const tables = formatNameList(await schema.tableNames(keyspace));
        blocks.push([header, '-'.repeat(header.length), ...(tables === '' ? [] : [tables])].join('\n'));
      }
      return blocks.join('\n\n');
    }
    case 'schema': {
      const names = (await schema.keyspaceNames()).filter((name) => target.full || !isSystemKeyspace(name));
      const parts: string[] = [];
      for (const name of names) parts.push(await describeKeyspace(schema, name));
      return parts.join('\n\n');
    }
    case 'keyspace':
      return describeKeyspace(schema, target.name ?? currentKeyspace(context));
    case 'table':
      return describeTable(schema, target.keyspace ?? currentKeyspace(context), target.name);
    case 'any': {
      if (target.keyspace === undefined && (await schema.keyspace(target.name)) !== undefined) {
        return describeKeyspace(schema, target.name);
      }
      const keyspace = target.keyspace ?? context.keyspace;
      if (keyspace === undefined) throw new ShellError(`'${target.name}' not found in keyspaces`);
      return describeTable(schema, keyspace, target.name);
    }
  }
}

function currentKeyspace(context: DescribeContext): string {
  if (context.keyspace === undefined) throw new ShellError('No keyspace specified and no current keyspace');
  return context.keyspace;
}

async function describeKeyspace(schema: SchemaReader, name: string): Promise<string> {
  const keyspace = await schema.keyspace(name);
  if (keyspace === undefined) throw new ShellError(`Keyspace '${name}' not found`);
  const tables = await schema.read('SELECT * FROM system_schema.tables WHERE keyspace_name = ?', [name]);
  const columns = await schema.columns(name);
  const statements = [
    createKeyspaceCql(keyspace.columns, keyspace.row),
    ...tables.rows.map((table) =>
      createTableCql(
        tables.columns,
        table,
        columns.filter((c) => c.table_name === table.table_name),
      ),
    ),
  ];
  const text = statements.join('\n\n');
  return isSystemKeyspace(name) ? systemWarning(name, text) : text;
}

async function describeTable(schema: SchemaReader, keyspace: string, name: string): Promise<string> {
  const tables = await schema.read('SELECT * FROM system_schema.tables WHERE keyspace_name = ? AND table_name = ?', [
    keyspace,
    name,
  ]);
  const table = tables.rows[0];
  if (table === undefined) {
    if ((await schema.keyspace(keyspace)) === undefined) throw new ShellError(`Keyspace '${keyspace}' not found`);
    throw new ShellError(`Table '${name}' not found in keyspace '${keyspace}'`);
  }
  const text = createTableCql(tables.columns, table, await schema.columns(keyspace, name));
  return isSystemKeyspace(keyspace) ? systemWarning(keyspace, text) : text;
}

/** System keyspaces exist on every node and cannot be created: their CQL is shown for reference, as a comment. */
function systemWarning(keyspace: string, text: string): string {
  return `/*\nWarning: ${keyspace} is a system keyspace and cannot be recreated with CQL.\nStructure, for reference:\n\n${text}\n*/`;
}

/** Reads system tables, every page, at most MAX_SCHEMA_ROWS rows. */
class SchemaReader {
  constructor(private readonly context: DescribeContext) {}

  async read(query: string, params: readonly string[]): Promise<RowSet> {
    const rows: CqlRow[] = [];
    let columns: readonly CqlColumn[] = [];
    let pagingState: string | undefined;
    do {
      const answer = await this.context.client.execute(
        { query, params: [...params], ...(pagingState !== undefined && { pagingState }) },
        this.context.signal,
      );
      if (answer.kind !== 'rows') throw new ShellError(`unexpected answer to ${query}`);
      columns = answer.columns;
      rows.push(...answer.rows);
      if (rows.length > MAX_SCHEMA_ROWS) throw new ShellError(`more than ${MAX_SCHEMA_ROWS} rows in ${query}`);
      pagingState = answer.pagingState;
    } while (pagingState !== undefined);
    return { columns, rows };
  }

  async keyspaceNames(): Promise<string[]> {
    const result = await this.read('SELECT keyspace_name FROM system_schema.keyspaces', []);
    return result.rows.map((row) => String(row.keyspace_name)).sort(compareNames);
  }

  async keyspace(name: string): Promise<{ columns: readonly CqlColumn[]; row: CqlRow } | undefined> {
    const result = await this.read('SELECT * FROM system_schema.keyspaces WHERE keyspace_name = ?', [name]);
    const row = result.rows[0];
    return row === undefined ? undefined : { columns: result.columns, row };
  }

  async tableNames(keyspace: string): Promise<string[]> {
    const result = await this.read('SELECT table_name FROM system_schema.tables WHERE keyspace_name = ?', [keyspace]);
    return result.rows.map((row) => String(row.table_name));
  }

  async columns(keyspace: string, table?: string): Promise<readonly CqlRow[]> {
    const query = 'SELECT * FROM system_schema.columns WHERE keyspace_name = ?';
    const result =
      table === undefined
        ? await this.read(query, [keyspace])
        : await this.read(`${query} AND table_name = ?`, [keyspace, table]);
    return result.rows;
  }
}
