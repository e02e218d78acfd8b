/** What planning a modification (INSERT, UPDATE, DELETE, BATCH) produces, and what it needs. */

import type { CqlType, CqlValue, Mutation, Random } from '@ringtail/codec';
import type { ComparisonOperator } from '../ast.js';
import type { BindValues } from './terms.js';

export interface PlanOptions {
  /** The session's keyspace (`USE`), for table names without one. */
  readonly currentKeyspace: string | null;
  readonly binds: BindValues;
  /** The coordinator's clock: the write timestamp unless `USING TIMESTAMP`, and "now" for TTLs and tombstones. */
  readonly nowMicros: number;
  /** For `now()`, `uuid()` and list element paths. */
  readonly random: Random;
}

/** One condition on one column of the row a conditional statement reads. */
export interface ColumnCheck {
  readonly column: string;
  /** The column's type. */
  readonly type: CqlType;
  /** Whether the column lives in the static row (read it there, whatever the clustering). */
  readonly isStatic: boolean;
  /** `m[k]` / `l[i]`: the key (typed as the map's key) or list index (int); undefined for the whole column. */
  readonly element: { readonly type: CqlType; readonly value: CqlValue } | undefined;
  /** `in` for `IN (...)`; `values` then holds every candidate, otherwise exactly one. */
  readonly operator: ComparisonOperator | 'in';
  /** Typed as the column (or the collection's value type for an element); null means "absent". */
  readonly values: readonly (CqlValue | null)[];
}

/**
 * `IF NOT EXISTS` (INSERT), `IF EXISTS` (UPDATE, DELETE) or `IF c = v AND ...`:
 * how the node decides, from the current row, whether the write applies.
 */
export type RowCondition =
  | { readonly kind: 'notExists' }
  | { readonly kind: 'exists' }
  | { readonly kind: 'columns'; readonly checks: readonly ColumnCheck[] };

/**
 * A row a conditional statement (or batch) reads, and what must hold of it.
 * One check per row: the conditions of every statement of a batch on that
 * row are joined by AND; conditions on static columns are checks of the
 * static row.
 */
export interface RowCheck {
  /** The row's clustering (latin1 byte-comparable key); '' for the static row or a table without clustering columns. */
  readonly clustering: string;
  /** The clustering values, in clustering order (empty for the static row or without clustering columns). */
  readonly clusteringValues: readonly CqlValue[];
  /** The partition's static row (of a table with clustering columns): `exists` there means a static cell is live. */
  readonly isStatic: boolean;
  readonly condition: RowCondition;
}

/**
 * Conditions of a conditional statement or batch: all on one partition of one
 * table (Cassandra's rule). The write applies only if every check holds; the
 * node reads the partition to decide (serially: Paxos comes later).
 */
export interface PlannedConditions {
  readonly keyspace: string;
  readonly table: string;
  readonly tableId: string;
  /** The partition key's byte-comparable encoding (PartitionUpdate.key). */
  readonly partitionKey: Uint8Array;
  readonly checks: readonly RowCheck[];
}

export interface ModificationPlan {
  readonly mutation: Mutation;
  /** Present for a conditional statement (or a batch holding one). */
  readonly conditions?: PlannedConditions;
  /** Set for a LOGGED batch (the default kind of BATCH): the node writes it to its batch log first. */
  readonly logged: boolean;
  /** Tables written, `keyspace.table`, in order of first appearance. */
  readonly tables: readonly string[];
  /** For the client (Cassandra's client warnings), e.g. a batch over the warn threshold. */
  readonly warnings: readonly string[];
}
