/** Names and lookups: which keyspace and table a statement means, and Cassandra's rules for names. */
import type { TableName } from '../ast.js';
import { MAX_SCHEMA_NAME_LENGTH } from '../semantic/constants.js';
import { invalidRequest, unauthorized } from '../semantic/errors.js';
import type { KeyspaceMetadata, Schema, TableMetadata } from './metadata.js';

/** Keyspaces that belong to the node: no user may create, alter or drop them, or the tables in them. */
export const SYSTEM_KEYSPACE_NAMES: readonly string[] = [
  'system',
  'system_schema',
  'system_auth',
  'system_distributed',
  'system_traces',
  'system_views',
  'system_virtual_schema',
];

const NAME_PATTERN = /^[A-Za-z0-9_]+$/;

export function emptySchema(): Schema {
  return { keyspaces: new Map() };
}

export function isSystemKeyspace(name: string): boolean {
  return SYSTEM_KEYSPACE_NAMES.includes(name);
}

/** Throws unless `name` may be a keyspace or table name: 1 to 48 of [a-zA-Z0-9_]. */
export function checkSchemaName(what: 'Keyspace' | 'Table', name: string): void {
  if (name.length === 0 || name.length > MAX_SCHEMA_NAME_LENGTH || !NAME_PATTERN.test(name)) {
    throw invalidRequest(
      `${what} name must not be empty, more than ${MAX_SCHEMA_NAME_LENGTH} characters long, or contain non-alphanumeric-underscore characters (got "${name}")`,
    );
  }
}

/** Refuses a change to a system keyspace (Cassandra answers Unauthorized). */
export function checkUserModifiable(keyspace: string): void {
  if (isSystemKeyspace(keyspace)) throw unauthorized(`${keyspace} keyspace is not user-modifiable.`);
}

/** The keyspace a table name refers to: its own, else the session's (`USE`). */
export function keyspaceOf(table: TableName, currentKeyspace: string | null | undefined): string {
  const keyspace = table.keyspace ?? currentKeyspace ?? null;
  if (keyspace === null) {
    throw invalidRequest('No keyspace has been specified. USE a keyspace, or explicitly specify keyspace.tablename');
  }
  return keyspace;
}

/** The keyspace `name`, for `USE` and DDL; Cassandra's message otherwise. */
export function resolveKeyspace(schema: Schema, name: string): KeyspaceMetadata {
  const keyspace = schema.keyspaces.get(name);
  if (keyspace === undefined) throw invalidRequest(`Keyspace '${name}' does not exist`);
  return keyspace;
}

/** The table a statement (DML, SELECT, TRUNCATE) refers to; Cassandra's messages otherwise. */
export function resolveTable(
  schema: Schema,
  table: TableName,
  currentKeyspace: string | null | undefined,
): TableMetadata {
  const keyspaceName = keyspaceOf(table, currentKeyspace);
  const keyspace = schema.keyspaces.get(keyspaceName);
  if (keyspace === undefined) throw invalidRequest(`Keyspace ${keyspaceName} does not exist`);
  const metadata = keyspace.tables.get(table.name);
  if (metadata === undefined) throw invalidRequest(`unconfigured table ${table.name}`);
  return metadata;
}
