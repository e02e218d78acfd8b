/** Limits and defaults of the commit log, in one place (see docs/formats/commitlog.md). */

/** Default size at which a segment is closed and the next one started. */
export const DEFAULT_SEGMENT_SIZE_BYTES = 32 * 1024 * 1024;

/** Smallest segment size accepted (tests use small segments to cross many boundaries). */
export const MIN_SEGMENT_SIZE_BYTES = 4 * 1024;

/** Largest segment size accepted: offsets must stay exact in a uint32. */
export const MAX_SEGMENT_SIZE_BYTES = 1024 * 1024 * 1024;

/** `periodic` mode: fsync every this many milliseconds (Cassandra's commitlog_sync_period). */
export const DEFAULT_SYNC_PERIOD_MS = 10_000;

/** `group` mode: at most one fsync per this many milliseconds. */
export const DEFAULT_GROUP_WINDOW_MS = 10;

/** Initial size of the buffer that gathers one turn's appends into one write. */
export const INITIAL_STAGING_BYTES = 1024 * 1024;

/** Bytes read at a time when replaying a segment. */
export const REPLAY_READ_CHUNK_BYTES = 4 * 1024 * 1024;
