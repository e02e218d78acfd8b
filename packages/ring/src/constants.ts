/** Limits and defaults of the token ring, in one place (see docs/ring.md). */

/** Tokens per node when `num_tokens` is not configured (Cassandra 4.0's default). */
export const DEFAULT_NUM_TOKENS = 16;

/** Most tokens one node may hold. */
export const MAX_NUM_TOKENS = 1024;

/** Most tokens in one ring: bounds the memory of a ring and of every precomputed placement. */
export const MAX_RING_TOKENS = 1 << 20;

/** Largest replication factor accepted for one datacenter (or for SimpleStrategy). */
export const MAX_REPLICATION_FACTOR = 64;

/** Longest node id, datacenter or rack name. */
export const MAX_NAME_LENGTH = 256;

/** Placements (one per distinct strategy) a ring keeps precomputed; the least recently used is dropped. */
export const MAX_CACHED_PLACEMENTS = 32;

/** Most bucket-table bits of a token index (2^18 buckets, 1 MiB): about two buckets per token below that. */
export const MAX_INDEX_BUCKET_BITS = 18;
