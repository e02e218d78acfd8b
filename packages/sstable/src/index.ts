export { BlockCache, type BlockCacheStats } from './block-cache.js';
export {
  DEFAULT_BLOCK_SIZE_BYTES,
  DEFAULT_BLOOM_FP_CHANCE,
  DEFAULT_SUMMARY_INTERVAL,
  MAX_BLOCK_SIZE_BYTES,
  MAX_BLOOM_FP_CHANCE,
  MAX_PARTITION_BYTES,
  MAX_PARTITION_KEY_BYTES,
  MAX_SUMMARY_INTERVAL,
  MIN_BLOCK_SIZE_BYTES,
  MIN_BLOOM_FP_CHANCE,
} from './constants.js';
export { cleanupIncomplete, deleteSSTable, listSSTables } from './directory.js';
export {
  BINARY_COMPONENTS,
  type BinaryComponent,
  type Component,
  FORMAT_VERSION,
  parseSSTableFileName,
  sstableFileName,
} from './format.js';
export { type MergePosition, mergeScans } from './merge.js';
export type { SSTableWriterOptions } from './options.js';
export { type ScanRange, SSTableReader, type SSTableReaderOptions } from './reader.js';
export type { SSTableStats } from './statistics.js';
export type { ComponentDigest } from './toc.js';
export { type SSTableInfo, SSTableWriter } from './writer.js';
