/**
 * Schema changes: CREATE/ALTER/DROP KEYSPACE and CREATE/ALTER/DROP TABLE
 * applied to an immutable {@link Schema}, validated as Cassandra does, with
 * its messages. TRUNCATE and USE change no schema: validate them with
 * resolveTable / resolveKeyspace.
 */
import type {
  AlterKeyspaceStatement,
  AlterTableStatement,
  CreateKeyspaceStatement,
  CreateTableStatement,
  DropKeyspaceStatement,
  DropTableStatement,
  Statement,
} from '../ast-statements.js';
import { invalidRequest } from '../semantic/errors.js';
import type { KeyspaceMetadata, Schema, TableMetadata } from './metadata.js';
import { keyspaceOptions } from './options.js';
import { checkSchemaName, checkUserModifiable, isSystemKeyspace, keyspaceOf } from './resolve.js';
import { alterTableMetadata, createTableMetadata } from './table.js';

export type SchemaStatement =
  | CreateKeyspaceStatement
  | AlterKeyspaceStatement
  | DropKeyspaceStatement
  | CreateTableStatement
  | AlterTableStatement
  | DropTableStatement;

const SCHEMA_STATEMENT_KINDS: ReadonlySet<Statement['kind']> = new Set([
  'createKeyspace',
  'alterKeyspace',
  'dropKeyspace',
  'createTable',
  'alterTable',
  'dropTable',
]);

export function isSchemaStatement(statement: Statement): statement is SchemaStatement {
  return SCHEMA_STATEMENT_KINDS.has(statement.kind);
}

export interface SchemaChangeOptions {
  /** A fresh uuid for a new table (injected: the node draws it from its random source). */
  readonly newTableId: () => string;
  /** The session's keyspace (`USE`), for table names without one. */
  readonly currentKeyspace?: string | null;
  /** When the change happens, stamped on dropped columns; 0 if not given. */
  readonly nowMicros?: number;
}

export type SchemaChangeKind = 'created' | 'dropped' | 'updated' | 'none';

export interface SchemaChange {
  readonly schema: Schema;
  readonly change: SchemaChangeKind;
  readonly target: { readonly keyspace: string; readonly table?: string };
}

function withKeyspace(schema: Schema, keyspace: KeyspaceMetadata): Schema {
  const keyspaces = new Map(schema.keyspaces);
  keyspaces.set(keyspace.name, keyspace);
  return { keyspaces };
}

function withTable(schema: Schema, keyspace: KeyspaceMetadata, table: TableMetadata): Schema {
  const tables = new Map(keyspace.tables);
  tables.set(table.name, table);
  return withKeyspace(schema, { ...keyspace, tables });
}

function existingKeyspace(schema: Schema, name: string): KeyspaceMetadata {
  const keyspace = schema.keyspaces.get(name);
  if (keyspace === undefined) throw invalidRequest(`Keyspace '${name}' doesn't exist`);
  return keyspace;
}

function createKeyspace(schema: Schema, statement: CreateKeyspaceStatement): SchemaChange {
  const name = statement.keyspace;
  checkSchemaName('Keyspace', name);
  const target = { keyspace: name };
  if (schema.keyspaces.has(name) || isSystemKeyspace(name)) {
    if (statement.ifNotExists) return { schema, change: 'none', target };
    if (isSystemKeyspace(name)) checkUserModifiable(name);
    throw invalidRequest(`Cannot add already existing keyspace "${name}"`);
  }
  const { replication, durableWrites } = keyspaceOptions(statement.properties, name, false);
  const keyspace: KeyspaceMetadata = {
    name,
    replication: replication!,
    durableWrites: durableWrites ?? true,
    tables: new Map(),
  };
  return { schema: withKeyspace(schema, keyspace), change: 'created', target };
}

function alterKeyspace(schema: Schema, statement: AlterKeyspaceStatement): SchemaChange {
  const name = statement.keyspace;
  checkUserModifiable(name);
  const keyspace = existingKeyspace(schema, name);
  const { replication, durableWrites } = keyspaceOptions(statement.properties, name, true);
  const next: KeyspaceMetadata = {
    ...keyspace,
    replication: replication ?? keyspace.replication,
    durableWrites: durableWrites ?? keyspace.durableWrites,
  };
  return { schema: withKeyspace(schema, next), change: 'updated', target: { keyspace: name } };
}

function dropKeyspace(schema: Schema, statement: DropKeyspaceStatement): SchemaChange {
  const name = statement.keyspace;
  checkUserModifiable(name);
  const target = { keyspace: name };
  if (!schema.keyspaces.has(name)) {
    if (statement.ifExists) return { schema, change: 'none', target };
    throw invalidRequest(`Keyspace '${name}' doesn't exist`);
  }
  const keyspaces = new Map(schema.keyspaces);
  keyspaces.delete(name);
  return { schema: { keyspaces }, change: 'dropped', target };
}

function createTable(schema: Schema, statement: CreateTableStatement, options: SchemaChangeOptions): SchemaChange {
  const keyspaceName = keyspaceOf(statement.table, options.currentKeyspace);
  const name = statement.table.name;
  checkUserModifiable(keyspaceName);
  checkSchemaName('Table', name);
  const keyspace = existingKeyspace(schema, keyspaceName);
  const target = { keyspace: keyspaceName, table: name };
  if (keyspace.tables.has(name)) {
    if (statement.ifNotExists) return { schema, change: 'none', target };
    throw invalidRequest(`Cannot add already existing table "${name}" to keyspace "${keyspaceName}"`);
  }
  const table = createTableMetadata(statement, keyspaceName, options.newTableId);
  return { schema: withTable(schema, keyspace, table), change: 'created', target };
}

function existingTable(keyspace: KeyspaceMetadata, name: string): TableMetadata | undefined {
  return keyspace.tables.get(name);
}

function alterTable(schema: Schema, statement: AlterTableStatement, options: SchemaChangeOptions): SchemaChange {
  const keyspaceName = keyspaceOf(statement.table, options.currentKeyspace);
  const name = statement.table.name;
  checkUserModifiable(keyspaceName);
  const keyspace = existingKeyspace(schema, keyspaceName);
  const table = existingTable(keyspace, name);
  if (table === undefined) throw invalidRequest(`Table '${keyspaceName}.${name}' doesn't exist`);
  const next = alterTableMetadata(table, statement.action, options.nowMicros ?? 0);
  return {
    schema: withTable(schema, keyspace, next),
    change: 'updated',
    target: { keyspace: keyspaceName, table: name },
  };
}

function dropTable(schema: Schema, statement: DropTableStatement, options: SchemaChangeOptions): SchemaChange {
  const keyspaceName = keyspaceOf(statement.table, options.currentKeyspace);
  const name = statement.table.name;
  checkUserModifiable(keyspaceName);
  const target = { keyspace: keyspaceName, table: name };
  const keyspace = schema.keyspaces.get(keyspaceName);
  if (keyspace === undefined || !keyspace.tables.has(name)) {
    if (statement.ifExists) return { schema, change: 'none', target };
    if (keyspace === undefined) throw invalidRequest(`Keyspace '${keyspaceName}' doesn't exist`);
    throw invalidRequest(`Table '${keyspaceName}.${name}' doesn't exist`);
  }
  const tables = new Map(keyspace.tables);
  tables.delete(name);
  return { schema: withKeyspace(schema, { ...keyspace, tables }), change: 'dropped', target };
}

/**
 * Applies one DDL statement. Throws a CqlInvalidRequestError (kind
 * `Unauthorized` for system keyspaces) when Cassandra would refuse it;
 * `IF [NOT] EXISTS` that finds nothing to do answers change 'none'.
 */
export function applySchemaStatement(
  schema: Schema,
  statement: SchemaStatement,
  options: SchemaChangeOptions,
): SchemaChange {
  switch (statement.kind) {
    case 'createKeyspace':
      return createKeyspace(schema, statement);
    case 'alterKeyspace':
      return alterKeyspace(schema, statement);
    case 'dropKeyspace':
      return dropKeyspace(schema, statement);
    case 'createTable':
      return createTable(schema, statement, options);
    case 'alterTable':
      return alterTable(schema, statement, options);
    case 'dropTable':
      return dropTable(schema, statement, options);
    default:
      throw invalidRequest(`${(statement as Statement).kind} is not a schema change`);
  }
}
