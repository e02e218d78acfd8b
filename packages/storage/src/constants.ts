/** Limits and defaults of the storage engine, in one place. */

/** A table's memtable is flushed when it holds this much (Cassandra: memtable_heap_space / tables). */
export const DEFAULT_MEMTABLE_FLUSH_BYTES = 64 * 1024 * 1024;

/**
 * Memtables of every table together — the active ones and those being
 * flushed — may hold this much before writes wait for a flush to finish
 * (Cassandra's memtable_heap_space). Without it, a write rate above the flush
 * rate would grow memtables without bound.
 */
export const DEFAULT_MEMTABLE_SPACE_BYTES = 4 * DEFAULT_MEMTABLE_FLUSH_BYTES;

/**
 * Verified Index blocks kept for point reads, shared by every table. They
 * hold about 10 bytes per partition: this keeps the Index of a few million
 * partitions, so most reads go to disk once, for their Data block.
 */
export const DEFAULT_INDEX_CACHE_BYTES = 32 * 1024 * 1024;

/** Verified Data blocks kept for point reads, shared by every table (Cassandra's chunk cache). */
export const DEFAULT_DATA_CACHE_BYTES = 64 * 1024 * 1024;

/** Writes waiting for memtable space, at most; beyond, a write fails with LIMIT_EXCEEDED. */
export const MAX_BLOCKED_WRITES = 100_000;

/** When the commit log grows past this, the table holding its oldest unflushed data is flushed. */
export const DEFAULT_COMMITLOG_FLUSH_BYTES = 1024 * 1024 * 1024;

/** Cassandra's default gc_grace_seconds: ten days. */
export const DEFAULT_GC_GRACE_SECONDS = 864_000;

/** Name of the per-table file holding the commit-log position its SSTables cover. */
export const FLUSHED_POSITION_FILE = 'flushed-position';

/** Name of the directory, under the data directory, holding one directory per table. */
export const TABLES_DIRECTORY = 'data';

/** Name of the commit-log directory under the data directory. */
export const COMMITLOG_DIRECTORY = 'commitlog';

/** Compaction: SizeTieredCompactionStrategy's defaults, as Cassandra's. */
export const DEFAULT_MIN_THRESHOLD = 4;
export const DEFAULT_MAX_THRESHOLD = 32;
export const DEFAULT_BUCKET_LOW = 0.5;
export const DEFAULT_BUCKET_HIGH = 1.5;
/** SSTables under this size all fall in one size-tiered bucket. */
export const DEFAULT_MIN_SSTABLE_SIZE_BYTES = 50 * 1024 * 1024;

/** TimeWindowCompactionStrategy's default window: one day. */
export const DEFAULT_WINDOW_UNIT = 'DAYS';
export const DEFAULT_WINDOW_SIZE = 1;

/**
 * Most SSTables one compaction may merge (and its log list). A major compaction takes every SSTable
 * of the table; each input being read holds a read-ahead buffer (sstable's SCAN_READ_AHEAD_BYTES).
 */
export const MAX_COMPACTION_INPUTS = 10_000;

/** Compaction logs are named `compaction-<output generation>.log` in the table's directory. */
export const COMPACTION_LOG_PREFIX = 'compaction-';
export const COMPACTION_LOG_SUFFIX = '.log';

/** Suffix of a file being written before it is renamed into place. */
export const TEMPORARY_SUFFIX = '.tmp';
