/** Limits and defaults of gossip, in one place (see docs/gossip.md). */

/** Time between two gossip rounds (Cassandra: 1 s). */
export const DEFAULT_GOSSIP_INTERVAL_MS = 1000;

/** Phi above which an endpoint is convicted (marked DOWN); Cassandra's `phi_convict_threshold`. */
export const DEFAULT_PHI_THRESHOLD = 8;

/** Heartbeat inter-arrival intervals remembered per endpoint (Cassandra: 1000). */
export const DEFAULT_FAILURE_DETECTOR_WINDOW = 1000;

/**
 * How long a removed or evicted endpoint is quarantined: gossip about the
 * generation that was removed is ignored for this long, so that a peer still
 * holding the stale state cannot resurrect it. Cassandra's QUARANTINE_DELAY
 * (twice its 30 s ring delay).
 */
export const DEFAULT_QUARANTINE_MS = 60_000;

/**
 * How long the state of an endpoint that LEFT or was REMOVED keeps being
 * gossiped before it is evicted (Cassandra's "a very long time": 3 days), so
 * that nodes that were down when it happened still learn it.
 */
export const DEFAULT_DEAD_STATE_RETENTION_MS = 3 * 24 * 3600 * 1000;

/** A gap this long between two status checks is a local pause (GC, suspended VM): convict no one for as long. */
export const DEFAULT_MAX_LOCAL_PAUSE_MS = 5000;

/** Most endpoints (this node included) one gossiper tracks; states for more are ignored. */
export const MAX_ENDPOINTS = 4096;

/** Most seeds (configured plus discovered). */
export const MAX_SEEDS = 64;

/** Most application states one endpoint may carry. */
export const MAX_APPLICATION_STATES = 32;

/** Longest application state key. Keys are upper-case identifiers such as `STATUS`. */
export const MAX_KEY_LENGTH = 64;

/** Longest application state value, in UTF-16 code units (1024 tokens in decimal fit in 21 KiB). */
export const MAX_VALUE_LENGTH = 32 * 1024;

/** Longest cluster name. */
export const MAX_CLUSTER_NAME_LENGTH = 256;

/** Longest datacenter or rack name (the ring's MAX_NAME_LENGTH). */
export const MAX_NAME_LENGTH = 256;

/** Most tokens one endpoint may announce (the ring's MAX_NUM_TOKENS). */
export const MAX_TOKENS = 1024;

/** Longest schema version string. */
export const MAX_SCHEMA_VERSION_LENGTH = 128;

/** Most digests in one SYN or ACK: one per tracked endpoint. */
export const MAX_DIGESTS_PER_MESSAGE = MAX_ENDPOINTS;

/** Most endpoint states in one ACK or ACK2. */
export const MAX_STATES_PER_MESSAGE = MAX_ENDPOINTS;

/**
 * Budget of one ACK or ACK2, in characters of keys, values and addresses plus
 * a fixed charge per number (see `stateSizeChars`). A sender stops adding
 * endpoint states at the budget — the rest follow in later rounds — and a
 * receiver rejects a message over it. One endpoint state always fits.
 */
export const MAX_MESSAGE_CHARS = 2 * 1024 * 1024;

/** The size charged for each number and each structural element in `stateSizeChars`. */
export const NUMBER_CHARS = 8;

/**
 * The largest version. A heartbeat at this version marks a generation that
 * shut down gracefully: no later heartbeat of that generation can exist.
 */
export const SHUTDOWN_HEARTBEAT_VERSION = Number.MAX_SAFE_INTEGER;

/** Largest generation: a 32-bit signed count of seconds, as Cassandra's. */
export const MAX_GENERATION = 2 ** 31 - 1;

/** A generation this far (in seconds) ahead of the one held is rejected as corrupt (Cassandra: one year). */
export const MAX_GENERATION_JUMP_SECONDS = 365 * 24 * 3600;

/** Version of the gossip.* message bodies this build writes. */
export const GOSSIP_MESSAGE_VERSION = 1;

/** Cluster name when none is configured. */
export const DEFAULT_CLUSTER_NAME = 'Ringtail Cluster';
