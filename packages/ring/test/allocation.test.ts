import { ErrorCodes, isRingtailError, type Random, seededRandom } from '@ringtail/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  allocateTokens,
  DEFAULT_NUM_TOKENS,
  type NewNode,
  type ReplicationStrategy,
  randomTokens,
  replicationStrategy,
  TokenRing,
} from '../src/index.js';
import { membershipArb, shuffled, testSeed } from './helpers.js';

const RF = 3;
const simple3 = replicationStrategy({ class: 'SimpleStrategy', replication_factor: RF });

type Mode = 'allocated' | 'random';

function join(ring: TokenRing, node: NewNode, mode: Mode, random: Random, rf = RF): TokenRing {
  const tokens =
    mode === 'allocated'
      ? allocateTokens(ring, node, DEFAULT_NUM_TOKENS, { replicationFactor: rf, random })
      : randomTokens(DEFAULT_NUM_TOKENS, random, ring);
  return ring.withNodes([{ ...node, tokens }]);
}

/** The most-loaded node of `dc` over its ideal share, min(rf, N) / N. */
function worstOverIdeal(ring: TokenRing, strategy: ReplicationStrategy, rf: number, dc?: string): number {
  const ownership = ring.ownership(strategy);
  const nodes = ring.nodes().filter((n) => dc === undefined || n.dc === dc);
  const ideal = Math.min(rf, nodes.length) / nodes.length;
  return Math.max(...nodes.map((n) => ownership.get(n.id)!)) / ideal;
}

/** Grows a one-rack ring to `maxNodes`, returning the worst ratio at each size from 3 up. */
function growth(mode: Mode, seed: number, maxNodes: number): number[] {
  const random = seededRandom(seed);
  let ring = TokenRing.build([]);
  const ratios: number[] = [];
  for (let n = 1; n <= maxNodes; n++) {
    ring = join(ring, { id: `n${String(n).padStart(2, '0')}`, dc: 'dc1', rack: 'r1' }, mode, random);
    if (n >= 3) ratios.push(worstOverIdeal(ring, simple3, RF));
  }
  return ratios;
}

describe('allocateTokens', () => {
  it('keeps every node within 10% of its ideal effective ownership, 3..48 nodes x 16 vnodes at RF 3', () => {
    const seed = testSeed('allocation-balance');
    const allocated = growth('allocated', seed, 48);
    const random = growth('random', seed, 48);
    const worst = (xs: number[]) => Math.max(...xs).toFixed(3);
    console.log(
      `[allocation-balance] worst max/ideal over 3..48 nodes: allocated ${worst(allocated)}, random ${worst(random)}`,
    );
    allocated.forEach((ratio, i) => {
      expect(ratio, `${i + 3} nodes`).toBeLessThanOrEqual(1.1);
    });
    // Random tokens are what allocation is for: they stray far further.
    expect(Math.max(...random)).toBeGreaterThan(1.1);
  });

  it('balances NetworkTopologyStrategy per datacenter and across racks', () => {
    const seed = testSeed('allocation-nts');
    const random = seededRandom(seed);
    const nts = replicationStrategy({ class: 'NetworkTopologyStrategy', east: 3, west: 2 });
    let ring = TokenRing.build([]);
    // east: one rack, RF 3. west: two racks, RF 2, joined in turn so that the racks stay even.
    for (let n = 1; n <= 24; n++) {
      const east = { id: `east${n}`, dc: 'east', rack: 'r1' };
      ring = join(ring, east, 'allocated', random, 3);
      const west = { id: `west${n}`, dc: 'west', rack: `r${n % 2}` };
      ring = join(ring, west, 'allocated', random, 2);
      if (n >= 3) expect(worstOverIdeal(ring, nts, 3, 'east'), `${n} east nodes`).toBeLessThanOrEqual(1.1);
      if (n % 2 === 0) expect(worstOverIdeal(ring, nts, 2, 'west'), `${n} west nodes`).toBeLessThanOrEqual(1.1);
    }
  });

  it('is deterministic: same ring and seed, any input order, same tokens', () => {
    fc.assert(
      fc.property(membershipArb(8, 8), fc.nat(), fc.integer({ min: 1, max: 4 }), (nodes, seed, rf) => {
        const node = { id: 'new', dc: 'dc1', rack: 'r2' };
        const a = allocateTokens(TokenRing.build(nodes), node, 8, {
          replicationFactor: rf,
          random: seededRandom(seed),
        });
        const reordered = TokenRing.build(shuffled(nodes, seededRandom(seed + 1)));
        const b = allocateTokens(reordered, node, 8, { replicationFactor: rf, random: seededRandom(seed) });
        expect(b).toEqual(a);
        // Sorted, distinct, new: the node can join.
        expect([...a].sort((x, y) => (x < y ? -1 : 1))).toEqual(a);
        expect(() => TokenRing.build(nodes).withNodes([{ ...node, tokens: a }])).not.toThrow();
      }),
      { seed: testSeed('allocation-deterministic'), numRuns: 100 },
    );
  });

  it('spaces the first node evenly and interleaves the next RF - 1', () => {
    const random = seededRandom(1);
    let ring = TokenRing.build([]);
    for (let n = 1; n <= RF; n++) ring = join(ring, { id: `n${n}`, dc: 'dc1', rack: 'r1' }, 'allocated', random);
    const sizes = ring.ranges().map((r) => Number((r.end - r.start) & ((1n << 64n) - 1n)) / 2 ** 64);
    const ideal = 1 / (RF * DEFAULT_NUM_TOKENS);
    for (const size of sizes) expect(size).toBeCloseTo(ideal, 6);
    // The owners repeat one rotation of the three nodes all the way round.
    const owners = ring.ranges().map((r) => r.owner);
    owners.forEach((owner, i) => {
      expect(owners[(i + RF) % owners.length]).toBe(owner);
      expect(new Set([owner, owners[(i + 1) % owners.length], owners[(i + 2) % owners.length]]).size).toBe(RF);
    });
  });

  it('rejects bad requests', () => {
    const ring = TokenRing.build([{ id: 'a', dc: 'dc1', rack: 'r1', tokens: [1n] }]);
    const random = seededRandom(1);
    const attempts: Array<() => unknown> = [
      () => allocateTokens(ring, { id: 'a', dc: 'dc1', rack: 'r1' }, 4, { replicationFactor: 3, random }),
      () => allocateTokens(ring, { id: 'b', dc: 'dc1', rack: 'r1' }, 0, { replicationFactor: 3, random }),
      () => allocateTokens(ring, { id: 'b', dc: 'dc1', rack: 'r1' }, 4, { replicationFactor: 0, random }),
      () => allocateTokens(ring, { id: 'b', dc: '', rack: 'r1' }, 4, { replicationFactor: 3, random }),
    ];
    for (const attempt of attempts) {
      let caught: unknown;
      try {
        attempt();
      } catch (error) {
        caught = error;
      }
      expect(isRingtailError(caught, ErrorCodes.INVALID_ARGUMENT)).toBe(true);
    }
  });
});
