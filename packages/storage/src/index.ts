export {
  COMMITLOG_DIRECTORY,
  DEFAULT_COMMITLOG_FLUSH_BYTES,
  DEFAULT_GC_GRACE_SECONDS,
  DEFAULT_MEMTABLE_FLUSH_BYTES,
  TABLES_DIRECTORY,
} from './constants.js';
export { type ReplayReport, StorageEngine, type StorageOptions } from './engine.js';
export type { ScanRange, TableOptions, TableStats } from './table-store.js';
