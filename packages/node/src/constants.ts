/** Defaults and limits of one node, in one place (see docs/operations.md). */

/** HTTP API port (DESIGN.md §3.2). 9042 stays free for the CQL binary protocol. */
export const DEFAULT_HTTP_PORT = 9080;

/** Internode messaging port (DESIGN.md §3.2). */
export const DEFAULT_INTERNODE_PORT = 7000;

/** Address both ports bind to. Loopback by default: exposing a node is a decision. */
export const DEFAULT_LISTEN_ADDRESS = '127.0.0.1';

export const DEFAULT_DATA_DIR = './data';
export const DEFAULT_CLUSTER_NAME = 'Ringtail';
export const DEFAULT_DC = 'dc1';
export const DEFAULT_RACK = 'rack1';
export const DEFAULT_NUM_TOKENS = 16;

/** Largest `numTokens` accepted (Cassandra's own limit is 1536; more only slows the ring). */
export const MAX_NUM_TOKENS = 1024;

/** Longest cluster, data-centre or rack name accepted. */
export const MAX_NAME_LENGTH_CHARS = 128;

/** Most seeds a configuration may list. */
export const MAX_SEEDS = 64;

/** Largest request body accepted; beyond it the answer is 413. */
export const DEFAULT_BODY_LIMIT_BYTES = 1024 * 1024;

/** Time a client has to send a whole request (fastify `requestTimeout`); 0 disables. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** How often the HTTP server looks for requests past their timeout (Node's default, 30 s, makes timeouts that coarse). */
export const TIMEOUT_CHECK_INTERVAL_MS = 500;

/** An idle keep-alive connection is closed after this long. */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 5_000;

/** Queries and admin operations running at once; beyond it the answer is 503 Overloaded. */
export const DEFAULT_MAX_IN_FLIGHT_REQUESTS = 256;

/** How long `stop()` waits for in-flight requests before closing their connections. */
export const DEFAULT_DRAIN_TIMEOUT_MS = 10_000;

/** Largest `pageSize` a query may ask for. */
export const MAX_PAGE_SIZE = 10_000;

/** Rows per page when a query gives no `pageSize` (Cassandra drivers' default). */
export const DEFAULT_PAGE_SIZE = 5000;

/**
 * Longest `pagingState` accepted (an opaque token the node handed out). It
 * holds the last row's partition key and clustering, up to 64 KiB each, so
 * it is as long as the CQL layer's own bound (128 Ki base64url characters).
 */
export const MAX_PAGING_STATE_CHARS = 128 * 1024;

/** Most bind values one request may carry (the parser's bound on markers, the native protocol's uint16). */
export const MAX_BIND_VALUES = 65_535;

/** Replicas a single node has alive: itself. Consistency levels needing more answer 503 Unavailable. */
export const SINGLE_NODE_ALIVE_REPLICAS = 1;

/** Rows per page while reading the persisted schema at start-up. */
export const SCHEMA_READ_PAGE_ROWS = 1000;

/** gc_grace_seconds of the node's own tables (Cassandra's system_schema uses 7 days). */
export const SYSTEM_TABLE_GC_GRACE_SECONDS = 7 * 24 * 3600;

/** `system.local.release_version`: Ringtail's version (keep in step with package.json). */
export const RELEASE_VERSION = '0.1.0';

/** `system.local.cql_version`: the CQL dialect Ringtail's subset follows (Cassandra 4's). */
export const CQL_VERSION = '3.4.5';

/** `system.local.partitioner`: tokens are xxhash64 of the partition key (DESIGN.md §2). */
export const PARTITIONER_NAME = 'XXHash64Partitioner';

/** Longest `keyspace` name accepted in a request (Cassandra's limit is 48). */
export const MAX_KEYSPACE_NAME_CHARS = 48;

/** File in the data directory holding the node's host id. */
export const HOST_ID_FILE = 'host-id';

/** Latency histogram buckets, in seconds: 100 µs to 10 s. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
