export { DEFAULT_NODE_CAPACITY, MAX_NODE_CAPACITY, MIN_NODE_CAPACITY } from './constants.js';
export {
  type EncodedPartitions,
  encodedBodies,
  Memtable,
  type MemtableOptions,
  type PartitionRange,
} from './memtable.js';
export { type RangeOptions, type SeekOptions, SortedStringMap, type SortedStringMapOptions } from './sorted-map.js';
export { UpdateChecker } from './validate.js';
