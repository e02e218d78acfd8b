/**
 * Shared by the ring-* benchmarks: rings grown one node at a time, as a
 * cluster is, with tokens from the allocator or drawn at random.
 */
import { seededRandom } from '@ringtail/codec';
import {
  allocateTokens,
  type NodeId,
  type ReplicationStrategy,
  randomTokens,
  replicationStrategy,
  TokenRing,
} from '@ringtail/ring';

export const VNODES = 16;
export const REPLICATION_FACTOR = 3;
export const CHECKPOINTS = [3, 6, 12, 24, 48, 96];
export const SEEDS = [1, 2, 3, 4, 5];
export type TokenMode = 'allocated' | 'random';

export const simpleRf3: ReplicationStrategy = replicationStrategy({
  class: 'SimpleStrategy',
  replication_factor: REPLICATION_FACTOR,
});

export function nodeName(n: number): NodeId {
  return `node${String(n).padStart(3, '0')}`;
}

/** rings[n] holds nodes 1..n, each joining the ring before it with `mode` tokens. */
export function growRing(nodeCount: number, mode: TokenMode, seed: number): TokenRing[] {
  const random = seededRandom(seed);
  const rings = [TokenRing.build([])];
  for (let n = 1; n <= nodeCount; n++) {
    const ring = rings[n - 1]!;
    const node = { id: nodeName(n), dc: 'dc1', rack: 'rack1' };
    const tokens =
      mode === 'allocated'
        ? allocateTokens(ring, node, VNODES, { replicationFactor: REPLICATION_FACTOR, random })
        : randomTokens(VNODES, random, ring);
    rings.push(ring.withNodes([{ ...node, tokens }]));
  }
  return rings;
}

/** The most-loaded node's effective ownership over the ideal (RF / N, or 1 below RF nodes). */
export function worstOverIdeal(ring: TokenRing, strategy: ReplicationStrategy, replicationFactor: number): number {
  const ownership = ring.ownership(strategy);
  const ideal = Math.min(replicationFactor, ring.nodeCount) / ring.nodeCount;
  return Math.max(...ownership.values()) / ideal;
}

export function round(x: number, digits = 4): number {
  return Number(x.toFixed(digits));
}
