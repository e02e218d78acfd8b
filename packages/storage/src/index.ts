export type { CompactRequest } from './compaction/compactor.js';
export type {
  CompactionOptions,
  SizeTieredOptions,
  TimeWindowOptions,
  WindowUnit,
} from './compaction/options.js';
export {
  COMMITLOG_DIRECTORY,
  DEFAULT_BUCKET_HIGH,
  DEFAULT_BUCKET_LOW,
  DEFAULT_COMMITLOG_FLUSH_BYTES,
  DEFAULT_GC_GRACE_SECONDS,
  DEFAULT_MAX_THRESHOLD,
  DEFAULT_MEMTABLE_FLUSH_BYTES,
  DEFAULT_MIN_SSTABLE_SIZE_BYTES,
  DEFAULT_MIN_THRESHOLD,
  DEFAULT_WINDOW_SIZE,
  DEFAULT_WINDOW_UNIT,
  TABLES_DIRECTORY,
} from './constants.js';
export { type ReplayReport, StorageEngine, type StorageOptions } from './engine.js';
export type { ScanRange, TableOptions, TableStats } from './table-store.js';
