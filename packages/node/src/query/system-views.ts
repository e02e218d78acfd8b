/**
 * The rows of the read-only system tables (schema/system-tables.ts):
 * `system.local` from the node's configuration, `system.peers` from gossip
 * (one row per other member), and `system_schema.keyspaces|tables|columns`
 * from the schema — the system keyspaces' own tables included, as in
 * Cassandra. They are written into a MemoryPartitionSource through the
 * ordinary INSERT planner, so that SELECT restricts, orders and pages them
 * like any table. Built once per schema (schemas are immutable values) and
 * kept until the schema changes; the peers, once per version of what gossip
 * knows. `system_schema.keyspace_definitions` is read from storage.
 */
import { isIP } from 'node:net';
import { formatCqlType, type JsonValue, type Random } from '@ringtail/codec';
import {
  type CompactionOptions,
  type KeyspaceMetadata,
  MemoryPartitionSource,
  type ModificationStatement,
  type PartitionSource,
  parseStatement,
  planModification,
  type ReplicationOptions,
  type Schema,
  type TableMetadata,
} from '@ringtail/cql';
import { CQL_VERSION, PARTITIONER_NAME, RELEASE_VERSION } from '../constants.js';
import {
  COLUMNS_TABLE,
  KEYSPACES_TABLE,
  LOCAL_TABLE,
  PEERS_TABLE,
  SCHEMA_TABLE,
  SYSTEM_SCHEMA,
  TABLES_TABLE,
} from '../schema/system-tables.js';

/** What `system.local` says about this node. */
export interface LocalNode {
  readonly hostId: string;
  readonly clusterName: string;
  readonly dc: string;
  readonly rack: string;
  /** The listen address; shown as an inet only when it is an IP address. */
  readonly listen: string;
  readonly internodePort: number;
  /** The HTTP port actually bound: clients' "rpc" port. */
  readonly httpPort: number;
  /** Decimal token strings. */
  readonly tokens: readonly string[];
}

/** Another member of the cluster, as gossip describes it: one row of `system.peers`. */
export interface PeerInfo {
  /** Internode host and port. The row is listed only when the host is an IP address (`peer` is an inet). */
  readonly host: string;
  readonly port: number;
  readonly dc: string | undefined;
  readonly rack: string | undefined;
  readonly hostId: string | undefined;
  readonly releaseVersion: string | undefined;
  /** Decimal token strings. */
  readonly tokens: readonly string[];
  readonly schemaVersion: string | undefined;
  /** Where its HTTP API listens. */
  readonly httpHost: string | undefined;
  readonly httpPort: number | undefined;
}

/** The peers gossip knows; `version` changes whenever `peers()` may answer differently. */
export interface PeerSource {
  readonly version: number;
  peers(): readonly PeerInfo[];
}

/** What system.local and system.peers show: this node, and the other members. */
export interface ClusterView {
  readonly local: LocalNode;
  readonly peers: PeerSource;
}

const NO_PEERS: PeerSource = { version: 0, peers: () => [] };
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

function insertInto(table: TableMetadata): ModificationStatement {
  const names = table.columns.map((c) => c.name);
  const markers = names.map((name) => `:${name}`);
  const text = `INSERT INTO ${table.keyspace}.${table.name} (${names.join(', ')}) VALUES (${markers.join(', ')})`;
  return parseStatement(text) as ModificationStatement;
}

const LOCATOR = 'org.apache.cassandra.locator.';
const COMPACTION = 'org.apache.cassandra.db.compaction.';

function replicationMap(keyspace: KeyspaceMetadata): Record<string, string> {
  if (SYSTEM_SCHEMA.keyspaces.has(keyspace.name)) return { class: `${LOCATOR}LocalStrategy` };
  const replication: ReplicationOptions = keyspace.replication;
  if (replication.class === 'SimpleStrategy') {
    return { class: `${LOCATOR}SimpleStrategy`, replication_factor: String(replication.replicationFactor) };
  }
  const map: Record<string, string> = { class: `${LOCATOR}NetworkTopologyStrategy` };
  for (const [dc, rf] of Object.entries(replication.datacenters)) {
    Object.defineProperty(map, dc, { value: String(rf), enumerable: true, writable: true, configurable: true });
  }
  return map;
}

function compactionMap(compaction: CompactionOptions): Record<string, string> {
  const map: Record<string, string> = {
    class: `${COMPACTION}${compaction.class}`,
    max_threshold: String(compaction.maxThreshold),
    min_threshold: String(compaction.minThreshold),
  };
  if (compaction.enabled === false) map.enabled = 'false';
  if (compaction.class === 'TimeWindowCompactionStrategy') {
    map.compaction_window_size = String(compaction.windowSize);
    map.compaction_window_unit = compaction.windowUnit;
  }
  return map;
}

function ipOrNull(address: string): string | null {
  return isIP(address) === 0 ? null : address;
}

/** A peer's gossiped uuid, or null if it is not one (peers' free-form states are not trusted to be). */
function uuidOrNull(value: string | undefined): string | null {
  return value !== undefined && UUID_PATTERN.test(value) ? value : null;
}

export class SystemViews {
  private readonly statements = {
    local: insertInto(LOCAL_TABLE),
    peers: insertInto(PEERS_TABLE),
    keyspaces: insertInto(KEYSPACES_TABLE),
    tables: insertInto(TABLES_TABLE),
    columns: insertInto(COLUMNS_TABLE),
  };
  private cached: { readonly schema: Schema; readonly source: MemoryPartitionSource } | undefined;
  private cachedPeers: { readonly version: number; readonly source: MemoryPartitionSource } | undefined;

  constructor(
    private readonly local: LocalNode,
    private readonly random: Random,
    private readonly peerSource: PeerSource = NO_PEERS,
  ) {}

  /**
   * Where SELECTs on system tables read, for the user keyspaces `schema`
   * (whose version is `schemaVersion`); `storage` serves system_schema.keyspace_definitions.
   */
  source(schema: Schema, schemaVersion: string, nowMicros: number, storage: PartitionSource): PartitionSource {
    if (this.cached?.schema !== schema) {
      this.cached = { schema, source: this.build(schema, schemaVersion, nowMicros) };
    }
    const memory = this.cached.source;
    const peers = this.peersSource(nowMicros);
    const sourceOf = (tableId: string): PartitionSource =>
      tableId === SCHEMA_TABLE.id ? storage : tableId === PEERS_TABLE.id ? peers : memory;
    return {
      read: (tableId, key) => sourceOf(tableId).read(tableId, key),
      scan: (tableId, range) => sourceOf(tableId).scan(tableId, range),
    };
  }

  private peersSource(nowMicros: number): MemoryPartitionSource {
    const version = this.peerSource.version;
    if (this.cachedPeers?.version !== version) {
      const source = new MemoryPartitionSource();
      const options = { currentKeyspace: null, nowMicros, random: this.random };
      for (const peer of this.peerSource.peers()) {
        if (isIP(peer.host) === 0) continue;
        const binds: Record<string, JsonValue> = {
          peer: peer.host,
          peer_port: peer.port,
          data_center: peer.dc ?? null,
          host_id: uuidOrNull(peer.hostId),
          preferred_ip: null,
          rack: peer.rack ?? null,
          release_version: peer.releaseVersion ?? null,
          rpc_address: peer.httpHost === undefined ? null : ipOrNull(peer.httpHost),
          rpc_port: peer.httpPort ?? null,
          schema_version: uuidOrNull(peer.schemaVersion),
          tokens: [...peer.tokens],
        };
        source.apply(planModification(this.statements.peers, SYSTEM_SCHEMA, { ...options, binds }).mutation);
      }
      this.cachedPeers = { version, source };
    }
    return this.cachedPeers.source;
  }

  private build(schema: Schema, schemaVersion: string, nowMicros: number): MemoryPartitionSource {
    const source = new MemoryPartitionSource();
    const insert = (statement: ModificationStatement, binds: Record<string, JsonValue>) => {
      const options = { currentKeyspace: null, binds, nowMicros, random: this.random };
      source.apply(planModification(statement, SYSTEM_SCHEMA, options).mutation);
    };
    const { local } = this;
    const address = ipOrNull(local.listen);
    insert(this.statements.local, {
      key: 'local',
      bootstrapped: 'COMPLETED',
      broadcast_address: address,
      cluster_name: local.clusterName,
      cql_version: CQL_VERSION,
      data_center: local.dc,
      host_id: local.hostId,
      listen_address: address,
      listen_port: local.internodePort,
      partitioner: PARTITIONER_NAME,
      rack: local.rack,
      release_version: RELEASE_VERSION,
      rpc_address: address,
      rpc_port: local.httpPort,
      schema_version: schemaVersion,
      tokens: [...local.tokens],
    });
    const keyspaces = [...SYSTEM_SCHEMA.keyspaces.values(), ...schema.keyspaces.values()];
    for (const keyspace of keyspaces) {
      insert(this.statements.keyspaces, {
        keyspace_name: keyspace.name,
        durable_writes: keyspace.durableWrites,
        replication: replicationMap(keyspace),
      });
      for (const table of keyspace.tables.values()) {
        const o = table.options;
        insert(this.statements.tables, {
          keyspace_name: keyspace.name,
          table_name: table.name,
          comment: o.comment,
          compaction: compactionMap(o.compaction),
          default_time_to_live: o.defaultTimeToLiveSec,
          gc_grace_seconds: o.gcGraceSeconds,
          id: table.id,
        });
        for (const column of table.columns) {
          insert(this.statements.columns, {
            keyspace_name: keyspace.name,
            table_name: table.name,
            column_name: column.name,
            clustering_order: column.clusteringOrder ?? 'none',
            kind: column.kind,
            position: column.position,
            type: formatCqlType(column.type),
          });
        }
      }
    }
    return source;
  }
}
