/** Limits and defaults of SSTables, in one place (see docs/formats/sstable.md). */

/**
 * Target payload of a Data block; no block's payload exceeds the size it was
 * written with. A point read reads and verifies one whole block: 8 KiB made
 * reads use about half the CPU of 64 KiB (`npm run bench -- storage-read`),
 * and the writer's cost did not change, its writes being gathered (below).
 */
export const DEFAULT_BLOCK_SIZE_BYTES = 8 * 1024;
/**
 * The writer gathers this many blocks of Data (and as many bytes of Index)
 * before it writes them, up to MAX_WRITE_BUFFER_BYTES: small blocks for point
 * reads, fewer and larger writes for a flush.
 */
export const WRITE_BUFFER_BLOCKS = 4;
export const MAX_WRITE_BUFFER_BYTES = 1024 * 1024;
/** Smallest block size accepted (tests use tiny blocks to cross many boundaries). */
export const MIN_BLOCK_SIZE_BYTES = 64;
/** Largest block size accepted: a reader reads a whole block at a time. */
export const MAX_BLOCK_SIZE_BYTES = 16 * 1024 * 1024;

/** One Summary entry per this many partitions (Index entries). */
export const DEFAULT_SUMMARY_INTERVAL = 128;
export const MAX_SUMMARY_INTERVAL = 65_536;

/** Bloom filter false-positive chance wanted for a key that is not in the SSTable. */
export const DEFAULT_BLOOM_FP_CHANCE = 0.01;
export const MIN_BLOOM_FP_CHANCE = 1e-6;
export const MAX_BLOOM_FP_CHANCE = 0.5;
/** A filter never has more bits than this (256 MiB); past it the false-positive chance rises instead. */
export const MAX_FILTER_BITS = 2 ** 31;
/** Smallest filter: a handful of keys still get a filter worth checking. */
export const MIN_FILTER_BITS = 64;
/** Bound on the hash count a reader accepts; 1e-6 needs 20. */
export const MAX_BLOOM_HASH_COUNT = 32;

/** Longest partition key (Cassandra's limit). */
export const MAX_PARTITION_KEY_BYTES = 65_535;
/** Largest encoded partition: a partition is read whole into memory. */
export const MAX_PARTITION_BYTES = 512 * 1024 * 1024;

/** Bytes read at a time by `verify()`. */
export const VERIFY_READ_CHUNK_BYTES = 1024 * 1024;

/** Largest TOC a reader accepts; a real one is about 250 bytes. */
export const MAX_TOC_BYTES = 4096;

/** `expectedPartitions` presizes the writer's key-hash buffer up to this many keys; it grows past it as needed. */
export const MAX_PRESIZED_PARTITIONS = 1 << 20;

/** A scan reads Data this many bytes at a time (or a block, if larger). */
export const SCAN_READ_AHEAD_BYTES = 256 * 1024;
