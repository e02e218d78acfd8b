/**
 * A change to one partition of one table — what a write produces, what the
 * commit log stores (inside a {@link Mutation}), and what memtables merge.
 */
import type { DeletionTime } from './deletion.js';
import type { Row } from './row.js';

/**
 * A range tombstone over clusterings `start <= c < end`, where `start` and
 * `end` are positions in clustering byte order (latin1). A bound built from a
 * clustering prefix P: inclusive start = P; exclusive start = P + '\x41';
 * inclusive end = P + '\x41'; exclusive end = P. '' as start and '\x41' as
 * end leave that side unbounded. (Encoded components start with 0x40, so P +
 * '\x41' sorts after every clustering that extends P: see types/comparable.ts.)
 */
export interface RangeTombstone {
  readonly start: string;
  readonly end: string;
  readonly deletion: DeletionTime;
}

export const CLUSTERING_AFTER_PREFIX = '\x41';

export interface PartitionUpdate {
  /** The table's id (a uuid string, stable across renames). */
  readonly tableId: string;
  /** The partition key's byte-comparable encoding. Its xxhash64 is the token. */
  readonly key: Uint8Array;
  /** Partition tombstone. */
  readonly deletion: DeletionTime | undefined;
  readonly staticRow: Row | undefined;
  /** Sorted by clustering, one per clustering. */
  readonly rows: readonly Row[];
  readonly rangeTombstones: readonly RangeTombstone[];
}

/**
 * What one write applies atomically: updates to one or more tables (a batch
 * may touch several partitions too). The unit of a commit-log record.
 */
export interface Mutation {
  readonly updates: readonly PartitionUpdate[];
}
