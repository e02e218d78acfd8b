/** Limits of SELECT planning and execution, in one place (docs/cql.md, "SELECT: limits"). */

/** Most partition keys an `=`/`IN` restriction on the partition key may select (the cartesian product of the INs). */
export const MAX_SELECT_PARTITION_KEYS = 1000;

/** Most clustering prefixes the `=`/`IN` restrictions on clustering columns may produce (their cartesian product). */
export const MAX_SELECT_CLUSTERING_PREFIXES = 1000;

/**
 * Most rows, tombstones and partitions one request may examine, live or not,
 * returned or filtered out (Cassandra's tombstone_failure_threshold is 100,000
 * tombstones). Beyond it the request fails with RT_LIMIT_EXCEEDED instead of
 * running unbounded; a query that hits it needs a narrower WHERE clause.
 */
export const MAX_ROWS_EXAMINED_PER_REQUEST = 100_000;

/** Largest page a request may ask for; the HTTP API defaults to 5000. */
export const MAX_PAGE_SIZE_ROWS = 100_000;

/** Page size when the caller gives none. */
export const DEFAULT_PAGE_SIZE_ROWS = 5000;

/** Longest paging state accepted, in base64url characters (a partition key is at most 64 KiB). */
export const MAX_PAGING_STATE_CHARS = 128 * 1024;
