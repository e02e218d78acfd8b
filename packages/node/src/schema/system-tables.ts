/**
 * The node's own tables (DESIGN.md §3.3), as TableMetadata so that the
 * ordinary SELECT path serves them:
 *
 * - `system_schema.keyspace_definitions` is stored: one partition per user keyspace holding
 *   its definition (schema-store.ts). It is the only system table on disk.
 * - `system.local`, `system.peers` and `system_schema.keyspaces|tables|columns`
 *   are views built from the node's configuration and the schema
 *   (query/system-views.ts), with Cassandra's column names.
 *
 * Table ids are Cassandra's for system tables: the name-based (version 3)
 * UUID of the keyspace and table names, so they never change.
 */
import { createHash } from 'node:crypto';
import { parseCqlType } from '@ringtail/codec';
import {
  type ColumnMetadata,
  DEFAULT_TABLE_OPTIONS,
  type KeyspaceMetadata,
  type Schema,
  type TableMetadata,
} from '@ringtail/cql';
import { SYSTEM_TABLE_GC_GRACE_SECONDS } from '../constants.js';

/** Cassandra's `TableId.forSystemTable`: `UUID.nameUUIDFromBytes(keyspace + table)`. */
export function systemTableId(keyspace: string, table: string): string {
  const bytes = createHash('md5').update(`${keyspace}${table}`, 'utf8').digest();
  bytes[6] = (bytes[6]! & 0x0f) | 0x30;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

type ColumnSpec = readonly [name: string, type: string];

interface TableSpec {
  readonly partitionKey: readonly ColumnSpec[];
  readonly clustering?: readonly ColumnSpec[];
  readonly columns: readonly ColumnSpec[];
  readonly comment: string;
}

function column([name, type]: ColumnSpec, kind: ColumnMetadata['kind'], position: number): ColumnMetadata {
  return {
    name,
    type: parseCqlType(type),
    kind,
    position,
    clusteringOrder: kind === 'clustering' ? 'asc' : undefined,
  };
}

function systemTable(keyspace: string, name: string, spec: TableSpec): TableMetadata {
  const partitionKey = spec.partitionKey.map((c, i) => column(c, 'partition_key', i));
  const clustering = (spec.clustering ?? []).map((c, i) => column(c, 'clustering', i));
  const rest = [...spec.columns].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map((c) => column(c, 'regular', -1));
  return {
    keyspace,
    name,
    id: systemTableId(keyspace, name),
    columns: [...partitionKey, ...clustering, ...rest],
    partitionKey,
    clustering,
    options: { ...DEFAULT_TABLE_OPTIONS, gcGraceSeconds: SYSTEM_TABLE_GC_GRACE_SECONDS, comment: spec.comment },
  };
}

export const SYSTEM_KEYSPACE = 'system';
export const SYSTEM_SCHEMA_KEYSPACE = 'system_schema';

/** Stored: one partition per user keyspace, `definition` being the keyspace as serializeSchema writes it. */
export const SCHEMA_TABLE = systemTable(SYSTEM_SCHEMA_KEYSPACE, 'keyspace_definitions', {
  partitionKey: [['keyspace_name', 'text']],
  columns: [['definition', 'text']],
  comment: 'user keyspace definitions (Ringtail)',
});

export const LOCAL_TABLE = systemTable(SYSTEM_KEYSPACE, 'local', {
  partitionKey: [['key', 'text']],
  columns: [
    ['bootstrapped', 'text'],
    ['broadcast_address', 'inet'],
    ['cluster_name', 'text'],
    ['cql_version', 'text'],
    ['data_center', 'text'],
    ['host_id', 'uuid'],
    ['listen_address', 'inet'],
    ['listen_port', 'int'],
    ['partitioner', 'text'],
    ['rack', 'text'],
    ['release_version', 'text'],
    ['rpc_address', 'inet'],
    ['rpc_port', 'int'],
    ['schema_version', 'uuid'],
    ['tokens', 'set<text>'],
  ],
  comment: 'information about the local node',
});

/**
 * Keyed by address and port, like Cassandra 4's `system.peers_v2`: nodes
 * sharing one IP address (a local ring on 127.0.0.1) are distinct peers.
 * `rpc_address`/`rpc_port` say where the peer's HTTP API listens.
 */
export const PEERS_TABLE = systemTable(SYSTEM_KEYSPACE, 'peers', {
  partitionKey: [['peer', 'inet']],
  clustering: [['peer_port', 'int']],
  columns: [
    ['data_center', 'text'],
    ['host_id', 'uuid'],
    ['preferred_ip', 'inet'],
    ['rack', 'text'],
    ['release_version', 'text'],
    ['rpc_address', 'inet'],
    ['rpc_port', 'int'],
    ['schema_version', 'uuid'],
    ['tokens', 'set<text>'],
  ],
  comment: 'information about known peers in the cluster',
});

export const KEYSPACES_TABLE = systemTable(SYSTEM_SCHEMA_KEYSPACE, 'keyspaces', {
  partitionKey: [['keyspace_name', 'text']],
  columns: [
    ['durable_writes', 'boolean'],
    ['replication', 'frozen<map<text, text>>'],
  ],
  comment: 'keyspace definitions',
});

export const TABLES_TABLE = systemTable(SYSTEM_SCHEMA_KEYSPACE, 'tables', {
  partitionKey: [['keyspace_name', 'text']],
  clustering: [['table_name', 'text']],
  columns: [
    ['comment', 'text'],
    ['compaction', 'frozen<map<text, text>>'],
    ['default_time_to_live', 'int'],
    ['gc_grace_seconds', 'int'],
    ['id', 'uuid'],
  ],
  comment: 'table definitions',
});

export const COLUMNS_TABLE = systemTable(SYSTEM_SCHEMA_KEYSPACE, 'columns', {
  partitionKey: [['keyspace_name', 'text']],
  clustering: [
    ['table_name', 'text'],
    ['column_name', 'text'],
  ],
  columns: [
    ['clustering_order', 'text'],
    ['kind', 'text'],
    ['position', 'int'],
    ['type', 'text'],
  ],
  comment: 'column definitions',
});

function keyspace(name: string, tables: readonly TableMetadata[]): KeyspaceMetadata {
  return {
    name,
    // System keyspaces are local to each node (Cassandra's LocalStrategy); the type has no such class.
    replication: { class: 'SimpleStrategy', replicationFactor: 1 },
    durableWrites: true,
    tables: new Map(tables.map((t) => [t.name, t])),
  };
}

/** The queryable system keyspaces: what `SELECT ... FROM system.x` and `USE system` resolve against. */
export const SYSTEM_SCHEMA: Schema = {
  keyspaces: new Map([
    [SYSTEM_KEYSPACE, keyspace(SYSTEM_KEYSPACE, [LOCAL_TABLE, PEERS_TABLE])],
    [
      SYSTEM_SCHEMA_KEYSPACE,
      keyspace(SYSTEM_SCHEMA_KEYSPACE, [KEYSPACES_TABLE, TABLES_TABLE, COLUMNS_TABLE, SCHEMA_TABLE]),
    ],
  ]),
};
