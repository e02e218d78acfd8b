/** The rows a statement writes: where a condition on it is read. */
import type { CqlValue } from '@ringtail/codec';

export interface RowTarget {
  readonly partitionKey: Uint8Array;
  /** '' for the static row (a statement on static columns only) or a table without clustering columns. */
  readonly clustering: string;
  readonly clusteringValues: readonly CqlValue[];
}

/** Every row an UPDATE or DELETE names, and whether its WHERE used IN (refused with conditions). */
export interface PlannedTargets {
  readonly targets: readonly RowTarget[];
  readonly partitionIn: boolean;
  readonly clusteringIn: boolean;
}

/**
 * Which columns a statement's IF conditions read (undefined: no conditions).
 * As in Cassandra, a statement whose operations and conditions touch only
 * static columns is a statement on the static row, and then needs (and
 * accepts) no clustering restriction.
 */
export interface ConditionScope {
  readonly regular: boolean;
  readonly static: boolean;
}
