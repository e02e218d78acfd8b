/**
 * Data movement when a node joins: for an N-node ring (N = 3..96, 16 vnodes,
 * RF 3, SimpleStrategy) grown one node at a time, the fraction of the
 * replicated data whose replica set gains a node when node N+1 joins — what
 * bootstrap must stream — against the ideal 1/(N+1), the new node's fair
 * share. Measured exactly over the ranges of both rings, for allocated and for
 * random tokens, over several seeds. The headline is the size with the worst
 * allocated ratio: value = its measured fraction, baseline = its ideal,
 * ratio = measured / ideal (goal <= 1.10).
 */
import { ringDistance, type TokenRing } from '@ringtail/ring';
import { type Bench, makeResult } from '../result.js';
import {
  CHECKPOINTS,
  growRing,
  nodeName,
  REPLICATION_FACTOR,
  round,
  SEEDS,
  simpleRf3,
  type TokenMode,
  VNODES,
} from './ring-common.js';

/**
 * Fraction of all replica copies that land on a node not holding them before.
 * Also checks consistent hashing: only the joining node may gain ranges.
 */
function movedFraction(before: TokenRing, after: TokenRing, joined: string): number {
  const boundaries = [...new Set([...before.tokens(), ...after.tokens()])].sort((a, b) => (a < b ? -1 : 1));
  let moved = 0n;
  let copies = 0n;
  for (let i = 0; i < boundaries.length; i++) {
    const end = boundaries[i]!;
    const start = boundaries[i === 0 ? boundaries.length - 1 : i - 1]!;
    const size = boundaries.length === 1 ? 1n << 64n : ringDistance(start, end);
    const old = new Set(before.replicasFor(end, simpleRf3));
    const now = after.replicasFor(end, simpleRf3);
    for (const id of now) {
      if (old.has(id)) continue;
      if (id !== joined) throw new Error(`ring-movement: ${id} gained a range when ${joined} joined`);
      moved += size;
    }
    copies += size * BigInt(now.length);
  }
  return Number(moved) / Number(copies);
}

function measure(mode: TokenMode): Record<number, { worstRatio: number; meanRatio: number; worstFraction: number }> {
  const maxNodes = Math.max(...CHECKPOINTS);
  const ringsBySeed = SEEDS.map((seed) => growRing(maxNodes + 1, mode, seed));
  const perNodes: Record<number, { worstRatio: number; meanRatio: number; worstFraction: number }> = {};
  for (const n of CHECKPOINTS) {
    const ideal = 1 / (n + 1);
    const fractions = ringsBySeed.map((rings) => movedFraction(rings[n]!, rings[n + 1]!, nodeName(n + 1)));
    const ratios = fractions.map((f) => f / ideal);
    const worst = Math.max(...ratios);
    perNodes[n] = {
      worstRatio: round(worst),
      meanRatio: round(ratios.reduce((a, b) => a + b, 0) / ratios.length),
      worstFraction: round(fractions[ratios.indexOf(worst)]!, 6),
    };
  }
  return perNodes;
}

export const ringMovementBench: Bench = {
  name: 'ring-movement',
  description: 'data moved when a node joins an N-node ring (16 vnodes, RF 3) vs the ideal 1/(N+1)',
  async run() {
    const allocated = measure('allocated');
    const random = measure('random');
    console.table(
      CHECKPOINTS.map((n) => ({
        nodes: n,
        ideal: round(1 / (n + 1), 6),
        'allocated worst/ideal': allocated[n]!.worstRatio,
        'allocated mean/ideal': allocated[n]!.meanRatio,
        'random worst/ideal': random[n]!.worstRatio,
        'random mean/ideal': random[n]!.meanRatio,
      })),
    );
    const headline = CHECKPOINTS.reduce((a, b) => (allocated[b]!.worstRatio > allocated[a]!.worstRatio ? b : a));
    return makeResult({
      name: 'ring-movement',
      metric: 'fraction of data moved on join',
      value: allocated[headline]!.worstFraction,
      baseline: { name: `ideal 1/(N+1), N = ${headline}`, value: 1 / (headline + 1) },
      params: { nodes: CHECKPOINTS, vnodes: VNODES, replicationFactor: REPLICATION_FACTOR, seeds: SEEDS, headline },
      details: { allocated, random, goal: 1.1 },
    });
  },
};
