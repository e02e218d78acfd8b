import { ErrorCodes, isRingtailError, seededRandom } from '@ringtail/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_NUM_TOKENS, MAX_TOKEN, rangeContains, replicationStrategy, TokenRing } from '../src/index.js';
import { membershipArb, probeTokens, shuffled, strategyArb, testSeed } from './helpers.js';

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('TokenRing.build', () => {
  it('orders tokens and gives each node the range ending at its token', () => {
    const ring = TokenRing.build([
      { id: 'b', dc: 'dc1', rack: 'r1', tokens: [300n, 100n] },
      { id: 'a', dc: 'dc1', rack: 'r1', tokens: [200n] },
    ]);
    expect(ring.tokens()).toEqual([100n, 200n, 300n]);
    expect(ring.nodes().map((n) => n.id)).toEqual(['a', 'b']);
    expect(ring.datacenters()).toEqual(['dc1']);
    expect(ring.nodeCount).toBe(2);
    expect(ring.node('b')?.tokens).toEqual([100n, 300n]);
    expect(ring.ranges()).toEqual([
      { start: 300n, end: 100n, owner: 'b' },
      { start: 100n, end: 200n, owner: 'a' },
      { start: 200n, end: 300n, owner: 'b' },
    ]);
    expect(ring.ownerOf(100n)).toBe('b');
    expect(ring.ownerOf(101n)).toBe('a');
    expect(ring.ownerOf(200n)).toBe('a');
    expect(ring.ownerOf(301n)).toBe('b');
    expect(ring.ownerOf(MAX_TOKEN)).toBe('b');
    expect(ring.ownerOf(0n)).toBe('b');
  });

  it('gives a single token the whole ring', () => {
    const ring = TokenRing.build([{ id: 'solo', dc: 'dc1', rack: 'r1', tokens: [42n] }]);
    expect(ring.ownership()).toEqual(new Map([['solo', 1]]));
    expect(ring.ownerOf(7n)).toBe('solo');
    expect(ring.replicasFor(7n, replicationStrategy({ class: 'SimpleStrategy', replication_factor: 3 }))).toEqual([
      'solo',
    ]);
  });

  it('answers nothing on an empty ring', () => {
    const ring = TokenRing.build([]);
    expect(ring.ownerOf(1n)).toBeUndefined();
    expect(ring.replicasFor(1n, replicationStrategy({ class: 'SimpleStrategy', replication_factor: 3 }))).toEqual([]);
    expect(ring.ranges()).toEqual([]);
    expect(ring.ownership().size).toBe(0);
  });

  it.each([
    ['a duplicate node', [node('a', [1n]), node('a', [2n])], 'appears twice', ErrorCodes.INVALID_ARGUMENT],
    ['a shared token', [node('a', [1n]), node('b', [1n])], "held by both 'a' and 'b'", ErrorCodes.INVALID_ARGUMENT],
    ['a node without tokens', [node('a', [])], 'has no tokens', ErrorCodes.INVALID_ARGUMENT],
    ['a negative token', [node('a', [-1n])], 'not a bigint in [0, 2^64)', ErrorCodes.INVALID_ARGUMENT],
    ['a token of 2^64', [node('a', [1n << 64n])], 'not a bigint in [0, 2^64)', ErrorCodes.INVALID_ARGUMENT],
    ['a number token', [node('a', [5 as unknown as bigint])], 'not a bigint', ErrorCodes.INVALID_ARGUMENT],
    ['an empty id', [node('', [1n])], 'node id must be', ErrorCodes.INVALID_ARGUMENT],
    [
      'too many tokens',
      [
        node(
          'a',
          Array.from({ length: MAX_NUM_TOKENS + 1 }, (_, i) => BigInt(i)),
        ),
      ],
      'at most',
      ErrorCodes.LIMIT_EXCEEDED,
    ],
  ])('rejects %s', (_what, nodes, message, code) => {
    const error = errorOf(() => TokenRing.build(nodes));
    expect(isRingtailError(error, code)).toBe(true);
    expect((error as Error).message).toContain(message);
  });

  it('builds the same ring, placements included, from any input order', () => {
    fc.assert(
      fc.property(membershipArb(), strategyArb, fc.nat(), (nodes, strategy, shuffleSeed) => {
        const random = seededRandom(shuffleSeed);
        const a = TokenRing.build(nodes);
        const b = TokenRing.build(shuffled(nodes, random).map((n) => ({ ...n, tokens: shuffled(n.tokens, random) })));
        expect(b.ranges()).toEqual(a.ranges());
        expect(b.nodes()).toEqual(a.nodes());
        expect(b.placement(strategy).ranges()).toEqual(a.placement(strategy).ranges());
        expect(b.ownership(strategy)).toEqual(a.ownership(strategy));
        const probes = probeTokens(a, random, 50);
        expect(probes.map((t) => b.replicasFor(t, strategy))).toEqual(probes.map((t) => a.replicasFor(t, strategy)));
      }),
      { seed: testSeed('ring-order'), numRuns: 150 },
    );
  });

  it('derives the same ring by adding and removing nodes as by building it whole', () => {
    fc.assert(
      fc.property(membershipArb(), membershipArb(4), fc.nat(), (nodes, more, seed) => {
        const random = seededRandom(seed);
        const taken = new Set(nodes.flatMap((n) => n.tokens));
        const added = more
          .map((n) => ({ ...n, id: `added-${n.id}`, tokens: n.tokens.filter((t) => !taken.has(t)) }))
          .filter((n) => n.tokens.length > 0);
        const all = [...nodes, ...added];
        const split = random.int(all.length + 1);
        const grown = TokenRing.build(all.slice(0, split)).withNodes(all.slice(split));
        const whole = TokenRing.build(all);
        expect(grown.ranges()).toEqual(whole.ranges());
        expect(grown.nodes()).toEqual(whole.nodes());
        const gone = all.filter(() => random.int(3) === 0).map((n) => n.id);
        const shrunk = whole.withoutNodes(gone);
        const rebuilt = TokenRing.build(all.filter((n) => !gone.includes(n.id)));
        expect(shrunk.ranges()).toEqual(rebuilt.ranges());
        expect([...shrunk.ownership().entries()]).toEqual([...rebuilt.ownership().entries()]);
      }),
      { seed: testSeed('ring-derive'), numRuns: 150 },
    );
  });

  it('puts every token in the range of its owner, and ownership sums to the ring', () => {
    fc.assert(
      fc.property(membershipArb(), fc.nat(), (nodes, probeSeed) => {
        const ring = TokenRing.build(nodes);
        const ranges = ring.ranges();
        const probes = probeTokens(ring, seededRandom(probeSeed), 50);
        const holders = probes.map((t) => ranges.filter((r) => rangeContains(r.start, r.end, t)).map((r) => r.owner));
        expect(holders).toEqual(probes.map((t) => [ring.ownerOf(t)]));
        const total = [...ring.ownership().values()].reduce((a, b) => a + b, 0);
        expect(total).toBeCloseTo(1, 9);
      }),
      { seed: testSeed('ring-ranges'), numRuns: 150 },
    );
  });

  it('adds and removes nodes as new rings, leaving the original alone', () => {
    const ring = TokenRing.build([node('a', [10n]), node('b', [20n])]);
    const grown = ring.withNodes([node('c', [30n])]);
    const shrunk = grown.withoutNodes(['a']);
    expect(ring.tokens()).toEqual([10n, 20n]);
    expect(grown.tokens()).toEqual([10n, 20n, 30n]);
    expect(shrunk.nodes().map((n) => n.id)).toEqual(['b', 'c']);
    expect(
      isRingtailError(
        errorOf(() => ring.withoutNodes(['zz'])),
        ErrorCodes.INVALID_ARGUMENT,
      ),
    ).toBe(true);
    expect(
      isRingtailError(
        errorOf(() => ring.withNodes([node('c', [10n])])),
        ErrorCodes.INVALID_ARGUMENT,
      ),
    ).toBe(true);
  });
});

function node(id: string, tokens: bigint[]) {
  return { id, dc: 'dc1', rack: 'r1', tokens };
}
