import { seededRandom } from '@ringtail/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type NodeId,
  type ReplicationStrategy,
  randomTokens,
  rangeContains,
  replicationStrategy,
  type TokenRing,
} from '../src/index.js';
import { probeTokens, randomRing, testSeed } from './helpers.js';

const simple3 = replicationStrategy({ class: 'SimpleStrategy', replication_factor: 3 });
/** Three racks and a factor of three: each rack holds one replica of every range. */
const nts3 = replicationStrategy({ class: 'NetworkTopologyStrategy', dc1: 3 });

/**
 * Compares replica sets before and after `changed` joined: a token's replicas
 * may change only by `changed` displacing at most one node, and its primary
 * owner only to `changed`, within a range ending at one of its tokens.
 */
function adjacencyProblems(
  before: TokenRing,
  after: TokenRing,
  changed: NodeId,
  strategy: ReplicationStrategy,
  probes: bigint[],
): string[] {
  const problems: string[] = [];
  const changedRanges = after.ranges().filter((r) => r.owner === changed);
  for (const token of probes) {
    const old = before.replicasFor(token, strategy);
    const now = after.replicasFor(token, strategy);
    const gained = now.filter((id) => !old.includes(id));
    const lost = old.filter((id) => !now.includes(id));
    if (gained.some((id) => id !== changed)) problems.push(`${token}: ${gained} gained it`);
    if (lost.length > gained.length) problems.push(`${token}: ${lost} lost it to nobody`);
    if (before.ownerOf(token) !== after.ownerOf(token)) {
      if (after.ownerOf(token) !== changed) problems.push(`${token}: owner moved to ${after.ownerOf(token)}`);
      if (!changedRanges.some((r) => rangeContains(r.start, r.end, token))) problems.push(`${token}: not adjacent`);
    }
  }
  return problems;
}

describe('membership changes', () => {
  it.each([
    ['SimpleStrategy', simple3, 1],
    ['NetworkTopologyStrategy over three racks', nts3, 3],
  ])('move only the ranges next to a joining node under %s', (_name, strategy, racks) => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 1, max: 16 }),
        fc.nat(),
        (nodeCount, vnodes, seed) => {
          const before = randomRing(nodeCount, vnodes, seed, racks);
          const random = seededRandom(seed + 1);
          const joiner = { id: 'joiner', dc: 'dc1', rack: `r${random.int(racks)}`, tokens: [] as bigint[] };
          joiner.tokens = randomTokens(vnodes, random, before);
          const after = before.withNodes([joiner]);
          const probes = [...probeTokens(before, random, 300), ...probeTokens(after, random, 0)];
          expect(adjacencyProblems(before, after, 'joiner', strategy, probes)).toEqual([]);
        },
      ),
      { seed: testSeed('membership-join'), numRuns: 60 },
    );
  });

  it('moves only the ranges of a leaving node to the nodes after it', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 12 }), fc.nat(), (nodeCount, seed) => {
        const before = randomRing(nodeCount, 8, seed);
        const random = seededRandom(seed + 1);
        const leaving = before.nodes()[random.int(nodeCount)]!.id;
        const after = before.withoutNodes([leaving]);
        const problems: string[] = [];
        for (const token of probeTokens(before, random, 300)) {
          const old = before.replicasFor(token, simple3);
          const now = after.replicasFor(token, simple3);
          const lost = old.filter((id) => !now.includes(id));
          if (lost.some((id) => id !== leaving)) problems.push(`${token}: ${lost} lost it`);
          if (before.ownerOf(token) !== after.ownerOf(token) && before.ownerOf(token) !== leaving) {
            problems.push(`${token}: owner ${before.ownerOf(token)} lost it`);
          }
        }
        expect(problems).toEqual([]);
      }),
      { seed: testSeed('membership-leave'), numRuns: 60 },
    );
  });
});
