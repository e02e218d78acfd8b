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

/** Longest `pagingState` accepted (an opaque token the node handed out). */
export const MAX_PAGING_STATE_CHARS = 4096;

/** Longest `keyspace` name accepted in a request (Cassandra's limit is 48). */
export const MAX_KEYSPACE_NAME_CHARS = 48;

/** File in the data directory holding the node's host id. */
export const HOST_ID_FILE = 'host-id';

/** Latency histogram buckets, in seconds: 100 µs to 10 s. */
export const LATENCY_BUCKETS_SECONDS: readonly number[] = [
  0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10,
];
