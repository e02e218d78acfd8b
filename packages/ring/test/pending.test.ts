import { ErrorCodes, isRingtailError, seededRandom } from '@ringtail/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  pendingRanges,
  type RingNodeInput,
  randomTokens,
  rangeContains,
  replicationStrategy,
  TokenRing,
} from '../src/index.js';
import { membershipArb, probeTokens, strategyArb, testSeed } from './helpers.js';

const simple3 = replicationStrategy({ class: 'SimpleStrategy', replication_factor: 3 });

describe('pendingRanges', () => {
  it('sends writes during a move to the old replicas and the new ones', () => {
    fc.assert(
      fc.property(
        membershipArb(9, 6),
        strategyArb,
        fc.integer({ min: 0, max: 2 }),
        fc.integer({ min: 0, max: 2 }),
        fc.nat(),
        (nodes, strategy, joinCount, leaveCount, seed) => {
          const ring = TokenRing.build(nodes);
          const random = seededRandom(seed);
          const joining: RingNodeInput[] = [];
          let grown = ring;
          for (let j = 0; j < joinCount; j++) {
            const node = {
              id: `joiner${j}`,
              dc: ['dc1', 'dc2'][random.int(2)]!,
              rack: ['r1', 'r2', 'r3'][random.int(3)]!,
              tokens: randomTokens(1 + random.int(6), random, grown),
            };
            joining.push(node);
            grown = grown.withNodes([node]);
          }
          const leaving = ring
            .nodes()
            .map((n) => n.id)
            .filter(() => random.int(nodes.length) < leaveCount);
          const pending = pendingRanges(ring, { joining, leaving }, strategy);
          const final = ring.withoutNodes(leaving).withNodes(joining);
          const problems: string[] = [];
          const pendingList = pending.ranges();
          for (const token of [...probeTokens(ring, random, 100), ...probeTokens(final, random, 0)]) {
            const current = ring.replicasFor(token, strategy);
            const extra = pending.nodesFor(token);
            const targets = new Set([...current, ...extra]);
            const missed = final.replicasFor(token, strategy).filter((id) => !targets.has(id));
            if (missed.length > 0) problems.push(`${token}: writes miss ${missed}`);
            if (extra.some((id) => current.includes(id))) problems.push(`${token}: pending names a current replica`);
            const covering = pendingList.filter((r) => rangeContains(r.start, r.end, token));
            const listed = covering.length === 0 ? [] : covering.length === 1 ? covering[0]!.nodes : null;
            if (listed === null || listed.join() !== extra.join()) problems.push(`${token}: ranges() disagrees`);
          }
          expect(problems).toEqual([]);
        },
      ),
      { seed: testSeed('pending-union'), numRuns: 200 },
    );
  });

  it('names a joining node exactly where it will replicate (SimpleStrategy)', () => {
    const random = seededRandom(7);
    let ring = TokenRing.build([]);
    for (let n = 0; n < 6; n++) {
      ring = ring.withNodes([{ id: `n${n}`, dc: 'dc1', rack: 'r1', tokens: randomTokens(4, random, ring) }]);
    }
    const joiner = { id: 'joiner', dc: 'dc1', rack: 'r1', tokens: randomTokens(4, random, ring) };
    const pending = pendingRanges(ring, { joining: [joiner] }, simple3);
    const after = ring.withNodes([joiner]);
    for (const token of probeTokens(after, random, 500)) {
      const willReplicate = after.replicasFor(token, simple3).includes('joiner');
      expect(pending.nodesFor(token)).toEqual(willReplicate ? ['joiner'] : []);
    }
    // The joiner's pending ranges total its future effective ownership.
    const pendingShare = pending
      .ranges()
      .reduce((sum, r) => sum + Number((r.end - r.start) & ((1n << 64n) - 1n)) / 2 ** 64, 0);
    expect(pendingShare).toBeCloseTo(after.ownership(simple3).get('joiner')!, 9);
  });

  it('names the nodes that take over a leaving node’s ranges', () => {
    const ring = TokenRing.build(
      ['a', 'b', 'c', 'd', 'e'].map((id, i) => ({ id, dc: 'dc1', rack: 'r1', tokens: [BigInt(i + 1) * 100n] })),
    );
    // Leaving c (300): ranges (0.., 100], (100, 200] and (200, 300] — replicated by c — go to d and e.
    const pending = pendingRanges(ring, { leaving: ['c'] }, simple3);
    expect(pending.ranges()).toEqual([
      { start: 500n, end: 100n, nodes: ['d'] },
      { start: 100n, end: 200n, nodes: ['e'] },
      { start: 200n, end: 300n, nodes: ['a'] },
    ]);
  });

  it('is empty when nothing moves, and rejects a joining node already in the ring', () => {
    const ring = TokenRing.build([{ id: 'a', dc: 'dc1', rack: 'r1', tokens: [1n] }]);
    const none = pendingRanges(ring, {}, simple3);
    expect(none.isEmpty).toBe(true);
    expect(none.nodesFor(5n)).toEqual([]);
    let caught: unknown;
    try {
      pendingRanges(ring, { joining: [{ id: 'a', dc: 'dc1', rack: 'r1', tokens: [2n] }] }, simple3);
    } catch (error) {
      caught = error;
    }
    expect(isRingtailError(caught, ErrorCodes.INVALID_ARGUMENT)).toBe(true);
  });
});
