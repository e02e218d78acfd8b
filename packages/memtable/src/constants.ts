/**
 * Limits and tuning of the memtable package, in one place.
 */

/**
 * Entries per B+tree leaf and children per branch in {@link SortedStringMap}.
 * Chosen by `node bench/dist/run.js memtable-structures`, which times inserts
 * and point lookups of 500k random 16-byte keys for several capacities.
 */
export const DEFAULT_NODE_CAPACITY = 128;

/** Below this a split could leave a node with nothing to route on. */
export const MIN_NODE_CAPACITY = 4;

/** Above this, inserts spend their time shifting array slots. */
export const MAX_NODE_CAPACITY = 1024;
