/**
 * Schema metadata: what the validator, the planners and the node know about
 * keyspaces, tables and columns. Immutable values; a schema change builds a
 * new Schema. The node persists it in its system keyspace and exposes it as
 * system_schema.keyspaces / tables / columns.
 */
import type { CqlType } from '@ringtail/codec';

export type ColumnKind = 'partition_key' | 'clustering' | 'static' | 'regular';

export interface ColumnMetadata {
  readonly name: string;
  readonly type: CqlType;
  readonly kind: ColumnKind;
  /** Index within the partition key or the clustering columns; -1 for static and regular columns. */
  readonly position: number;
  /** For clustering columns. */
  readonly clusteringOrder: 'asc' | 'desc' | undefined;
}

export type ReplicationOptions =
  | { readonly class: 'SimpleStrategy'; readonly replicationFactor: number }
  | { readonly class: 'NetworkTopologyStrategy'; readonly datacenters: Readonly<Record<string, number>> };

/** `enabled: false` ('enabled': 'false' in CQL) stops background compaction; absent means enabled. */
export type CompactionOptions =
  | {
      readonly class: 'SizeTieredCompactionStrategy';
      readonly minThreshold: number;
      readonly maxThreshold: number;
      readonly enabled?: false;
    }
  | {
      readonly class: 'TimeWindowCompactionStrategy';
      readonly windowUnit: 'MINUTES' | 'HOURS' | 'DAYS';
      readonly windowSize: number;
      readonly minThreshold: number;
      readonly maxThreshold: number;
      readonly enabled?: false;
    };

export interface TableOptions {
  readonly defaultTimeToLiveSec: number;
  readonly gcGraceSeconds: number;
  readonly compaction: CompactionOptions;
  readonly comment: string;
}

export interface TableMetadata {
  readonly keyspace: string;
  readonly name: string;
  /** A uuid, stable across ALTERs; the storage engine's table id. */
  readonly id: string;
  /** Every column, in the order of partition key, clustering, then the rest by name. */
  readonly columns: readonly ColumnMetadata[];
  readonly partitionKey: readonly ColumnMetadata[];
  readonly clustering: readonly ColumnMetadata[];
  readonly options: TableOptions;
  /**
   * Columns removed by ALTER TABLE DROP (absent: none). Their cells written
   * at or before `droppedAtMicros` stay on disk until compaction and must
   * never be read as a later column of the same name; re-adding the name
   * with another type is refused.
   */
  readonly droppedColumns?: readonly DroppedColumn[];
}

export interface DroppedColumn {
  readonly name: string;
  readonly type: CqlType;
  readonly droppedAtMicros: number;
}

export interface KeyspaceMetadata {
  readonly name: string;
  readonly replication: ReplicationOptions;
  readonly durableWrites: boolean;
  readonly tables: ReadonlyMap<string, TableMetadata>;
}

export interface Schema {
  readonly keyspaces: ReadonlyMap<string, KeyspaceMetadata>;
}
