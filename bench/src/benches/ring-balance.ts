/**
 * Token balance: rings grown to 3, 6, 12, 24, 48 and 96 nodes of 16 vnodes,
 * one node joining at a time, at RF 3 (SimpleStrategy). For each size, the
 * most-loaded node's effective (replicated) ownership over the ideal RF/N,
 * worst over several seeds. value = worst with the replication-aware
 * allocator, baseline = worst with random tokens; `ratio` here is the
 * allocator's worst case itself (goal <= 1.10), not value / baseline.
 */
import { type Bench, makeResult } from '../result.js';
import {
  CHECKPOINTS,
  growRing,
  REPLICATION_FACTOR,
  round,
  SEEDS,
  simpleRf3,
  type TokenMode,
  VNODES,
  worstOverIdeal,
} from './ring-common.js';

/** Before measuring: every ring's effective ownership sums to RF (or N below RF) and no node owns more than all. */
function verify(ringsBySeed: ReturnType<typeof growRing>[]): void {
  for (const rings of ringsBySeed) {
    for (const n of CHECKPOINTS) {
      const ring = rings[n]!;
      const owned = [...ring.ownership(simpleRf3).values()];
      const total = owned.reduce((a, b) => a + b, 0);
      const expected = Math.min(REPLICATION_FACTOR, n);
      if (owned.length !== n || Math.abs(total - expected) > 1e-9 || owned.some((o) => o > 1 + 1e-12)) {
        throw new Error(`ring-balance: ownership of ${n} nodes sums to ${total}, expected ${expected}`);
      }
    }
  }
}

function measure(mode: TokenMode): { worst: number; perNodes: Record<number, { worst: number; mean: number }> } {
  const maxNodes = Math.max(...CHECKPOINTS);
  const ringsBySeed = SEEDS.map((seed) => growRing(maxNodes, mode, seed));
  verify(ringsBySeed);
  const perNodes: Record<number, { worst: number; mean: number }> = {};
  for (const n of CHECKPOINTS) {
    const ratios = ringsBySeed.map((rings) => worstOverIdeal(rings[n]!, simpleRf3, REPLICATION_FACTOR));
    perNodes[n] = { worst: round(Math.max(...ratios)), mean: round(ratios.reduce((a, b) => a + b, 0) / ratios.length) };
  }
  return { worst: Math.max(...Object.values(perNodes).map((p) => p.worst)), perNodes };
}

export const ringBalanceBench: Bench = {
  name: 'ring-balance',
  description: 'most-loaded node / ideal effective ownership, 3..96 nodes x 16 vnodes, RF 3: allocator vs random',
  async run() {
    const allocated = measure('allocated');
    const random = measure('random');
    console.table(
      CHECKPOINTS.map((n) => ({
        nodes: n,
        'allocated worst': allocated.perNodes[n]!.worst,
        'allocated mean': allocated.perNodes[n]!.mean,
        'random worst': random.perNodes[n]!.worst,
        'random mean': random.perNodes[n]!.mean,
      })),
    );
    return makeResult({
      name: 'ring-balance',
      metric: 'max effective ownership / ideal',
      value: allocated.worst,
      baseline: { name: 'random tokens', value: random.worst },
      ratio: allocated.worst,
      params: { nodes: CHECKPOINTS, vnodes: VNODES, replicationFactor: REPLICATION_FACTOR, seeds: SEEDS },
      details: { allocated: allocated.perNodes, random: random.perNodes, goal: 1.1 },
    });
  },
};
