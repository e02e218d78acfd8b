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

/**
 * Parsed statements a node keeps by query text (query/statement-cache.ts), and
 * the characters of query text they may hold together: a parsed tree takes
 * roughly ten times its text, so the cache stays around 10 MiB at most.
 */
export const STATEMENT_CACHE_ENTRIES = 1024;
export const STATEMENT_CACHE_CHARS = 1024 * 1024;

/** Longest query text the statement cache keeps (a 100-row batch of single-row INSERTs is about 4 KiB). */
export const MAX_CACHED_STATEMENT_CHARS = 64 * 1024;

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

/**
 * The cluster secret when none is configured. It is public (it is in this
 * file), so it only keeps apart clusters that were not meant to meet; a node
 * using it warns at start (docs/operations.md, "The cluster secret").
 */
export const DEFAULT_CLUSTER_SECRET = 'ringtail-development-cluster-secret';

/** Longest cluster secret accepted. */
export const MAX_CLUSTER_SECRET_CHARS = 1024;

/** Replication factor a first start balances its tokens for (Cassandra's allocate_tokens_for_local_replication_factor). */
export const DEFAULT_ALLOCATE_TOKENS_FOR_RF = 3;

/** Largest `allocateTokensForRf` (the ring's MAX_REPLICATION_FACTOR). */
export const MAX_ALLOCATE_TOKENS_FOR_RF = 64;

/** Time between gossip rounds (Cassandra: 1 s). A crashed peer is convicted DOWN about 6 to 9 rounds later (docs/gossip.md). */
export const DEFAULT_GOSSIP_INTERVAL_MS = 1000;

/** Phi above which a silent peer is convicted DOWN (Cassandra's phi_convict_threshold). */
export const DEFAULT_PHI_CONVICT_THRESHOLD = 8;

/**
 * How long a node's first start waits to learn the ring from its seeds before
 * choosing its tokens (Cassandra's ring_delay, 30 s there). It stops waiting
 * as soon as a seed has answered and every member it learned has tokens.
 */
export const DEFAULT_RING_DELAY_MS = 5000;

/** How often the node's LOAD (bytes of live SSTables) is re-gossiped. */
export const DEFAULT_LOAD_REFRESH_INTERVAL_MS = 10_000;

/** How long stop() lets the shutdown announcement travel before closing internode connections. */
export const DEFAULT_SHUTDOWN_ANNOUNCE_MS = 200;

/**
 * Longest pause between redials of an unreachable peer, in gossip rounds: a
 * restarted peer is heard from again within a couple of rounds, instead of
 * after the transport's default backoff of up to 10 s.
 */
export const INTERNODE_RECONNECT_MAX_ROUNDS = 2;

/** File in the data directory holding the last gossip generation this directory started with. */
export const GENERATION_FILE = 'generation';

/** File in the data directory holding the node's tokens, one decimal token per line. */
export const TOKENS_FILE = 'tokens';

/** Gossip application states this node adds to gossip's well-known ones (free-form keys). */
export const HOST_ID_STATE = 'HOST_ID';
export const RELEASE_VERSION_STATE = 'RELEASE_VERSION';

/** Ownership fractions in `/status` are rounded to this many decimal places. */
export const OWNERSHIP_DECIMALS = 6;
