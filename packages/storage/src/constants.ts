/** Limits and defaults of the storage engine, in one place. */

/** A table's memtable is flushed when it holds this much (Cassandra: memtable_heap_space / tables). */
export const DEFAULT_MEMTABLE_FLUSH_BYTES = 64 * 1024 * 1024;

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
