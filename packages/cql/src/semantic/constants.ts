/**
 * Limits and fixed values of validation and statement planning, in one place
 * (docs/cql.md, "What executes"). The parser's own limits are in
 * ../constants.ts.
 */

/** Longest keyspace or table name, as Cassandra's SchemaConstants.NAME_LENGTH. */
export const MAX_SCHEMA_NAME_LENGTH = 48;

/** Longest TTL, in seconds: 20 years, as Cassandra's Attributes.MAX_TTL. */
export const MAX_TTL_SEC = 630_720_000;

/**
 * Most values in one `IN` (and most partitions or rows one modification
 * expands to through several `IN`s, which multiply). Cassandra has no hard
 * limit here; a bound keeps one statement from fanning out without end.
 */
export const MAX_IN_VALUES = 1000;

/** Most statements in one BATCH. Cassandra has none; a bound keeps one request from growing without end. */
export const MAX_BATCH_STATEMENTS = 65_535;

/** Mutation bytes of a batch beyond which a warning is returned (Cassandra's batch_size_warn_threshold: 5 KiB). */
export const BATCH_SIZE_WARN_THRESHOLD_BYTES = 5 * 1024;

/** Mutation bytes of a batch beyond which it is refused (Cassandra's batch_size_fail_threshold: 50 KiB). */
export const BATCH_SIZE_FAIL_THRESHOLD_BYTES = 50 * 1024;

/**
 * Distinct partitions an UNLOGGED batch may touch before the client gets a
 * warning (Cassandra's unlogged_batch_across_partitions_warn_threshold).
 */
export const UNLOGGED_BATCH_ACROSS_PARTITIONS_WARN_THRESHOLD = 10;

/** Cassandra's defaults for a new table. */
export const DEFAULT_GC_GRACE_SECONDS = 864_000;
export const DEFAULT_COMPACTION_MIN_THRESHOLD = 4;
export const DEFAULT_COMPACTION_MAX_THRESHOLD = 32;
