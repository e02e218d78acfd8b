export { type AllocationOptions, allocateTokens, type NewNode } from './allocation.js';
export {
  DEFAULT_NUM_TOKENS,
  MAX_CACHED_PLACEMENTS,
  MAX_NAME_LENGTH,
  MAX_NUM_TOKENS,
  MAX_REPLICATION_FACTOR,
  MAX_RING_TOKENS,
} from './constants.js';
export { type PendingRange, type PendingRanges, pendingRanges, type RingChanges } from './pending.js';
export type { ReplicaPlacement, ReplicatedRange } from './placement.js';
export { randomTokens } from './random-tokens.js';
export { type NodeId, type RingNode, type RingNodeInput, type TokenRange, TokenRing } from './ring.js';
export {
  type NetworkTopologyStrategy,
  type ReplicationFactorOption,
  type ReplicationOptions,
  type ReplicationStrategy,
  replicationStrategy,
  type SimpleStrategy,
} from './strategy.js';
export { isToken, MAX_TOKEN, RING_SIZE, rangeContains, rangeFraction, ringDistance } from './token.js';
