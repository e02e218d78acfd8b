import { seededRandom } from '@ringtail/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ReplicationStrategy, type RingNodeInput, replicationStrategy, TokenRing } from '../src/index.js';
import { membershipArb, modelReplicas, probeTokens, strategyArb, testSeed } from './helpers.js';

/** Replicas each datacenter should get: its factor, or all its nodes when fewer. */
function expectedPerDc(nodes: readonly RingNodeInput[], strategy: ReplicationStrategy): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of nodes) counts.set(n.dc, (counts.get(n.dc) ?? 0) + 1);
  if (strategy.class === 'SimpleStrategy') return new Map([['*', Math.min(strategy.replicationFactor, nodes.length)]]);
  return new Map([...strategy.datacenters].map(([dc, rf]) => [dc, Math.min(rf, counts.get(dc) ?? 0)]));
}

describe('replica placement', () => {
  it('matches a plain walk of the ring, lookup by lookup', () => {
    fc.assert(
      fc.property(membershipArb(), strategyArb, fc.nat(), (nodes, strategy, probeSeed) => {
        const ring = TokenRing.build(nodes);
        const probes = probeTokens(ring, seededRandom(probeSeed), 40);
        expect(probes.map((t) => ring.replicasFor(t, strategy))).toEqual(
          probes.map((t) => modelReplicas(nodes, t, strategy)),
        );
      }),
      { seed: testSeed('placement-model'), numRuns: 300 },
    );
  });

  it('names distinct nodes, as many per datacenter as the factor allows, across racks first', () => {
    fc.assert(
      fc.property(membershipArb(12), strategyArb, fc.nat(), (nodes, strategy, probeSeed) => {
        const ring = TokenRing.build(nodes);
        const byId = new Map(nodes.map((n) => [n.id, n]));
        const expected = expectedPerDc(nodes, strategy);
        const racksOf = (dc: string) => new Set(nodes.filter((n) => n.dc === dc).map((n) => n.rack)).size;
        const problems: string[] = [];
        for (const token of probeTokens(ring, seededRandom(probeSeed), 30)) {
          const replicas = ring.replicasFor(token, strategy);
          if (new Set(replicas).size !== replicas.length) problems.push(`${token}: repeated replica`);
          for (const [dc, count] of expected) {
            const chosen = replicas.filter((id) => dc === '*' || byId.get(id)!.dc === dc);
            if (chosen.length !== count) problems.push(`${token}: ${chosen.length} replicas in ${dc}, not ${count}`);
            // Racks first: the replicas cover min(count, racks in the DC) distinct racks.
            const racks = new Set(chosen.map((id) => byId.get(id)!.rack)).size;
            if (dc !== '*' && racks !== Math.min(count, racksOf(dc)))
              problems.push(`${token}: ${racks} racks in ${dc}`);
          }
        }
        expect(problems).toEqual([]);
      }),
      { seed: testSeed('placement-shape'), numRuns: 200 },
    );
  });

  it('sums effective ownership to the replicas placed', () => {
    fc.assert(
      fc.property(membershipArb(), strategyArb, (nodes, strategy) => {
        const ring = TokenRing.build(nodes);
        const total = [...ring.ownership(strategy).values()].reduce((a, b) => a + b, 0);
        const expected = [...expectedPerDc(nodes, strategy).values()].reduce((a, b) => a + b, 0);
        expect(total).toBeCloseTo(expected, 9);
        for (const owned of ring.ownership(strategy).values()) expect(owned).toBeLessThanOrEqual(1 + 1e-12);
      }),
      { seed: testSeed('placement-ownership'), numRuns: 200 },
    );
  });

  it('gives every node when the factor exceeds the nodes', () => {
    const ring = TokenRing.build([
      { id: 'a', dc: 'dc1', rack: 'r1', tokens: [10n, 40n] },
      { id: 'b', dc: 'dc1', rack: 'r1', tokens: [20n] },
      { id: 'c', dc: 'dc2', rack: 'r1', tokens: [30n] },
    ]);
    const simple = replicationStrategy({ class: 'SimpleStrategy', replication_factor: 5 });
    expect(ring.replicasFor(15n, simple)).toEqual(['b', 'c', 'a']);
    const nts = replicationStrategy({ class: 'NetworkTopologyStrategy', dc1: 5, dc2: 3 });
    expect(ring.replicasFor(35n, nts)).toEqual(['a', 'b', 'c']);
    expect(ring.ownership(nts)).toEqual(
      new Map([
        ['a', 1],
        ['b', 1],
        ['c', 1],
      ]),
    );
  });

  it('places NetworkTopologyStrategy replicas on distinct racks before repeating one', () => {
    // Ring order: a(r1) b(r1) c(r2) d(r1) e(r3). RF 3 over 3 racks takes a, c, e — never b or d.
    const ring = TokenRing.build([
      { id: 'a', dc: 'dc1', rack: 'r1', tokens: [10n] },
      { id: 'b', dc: 'dc1', rack: 'r1', tokens: [20n] },
      { id: 'c', dc: 'dc1', rack: 'r2', tokens: [30n] },
      { id: 'd', dc: 'dc1', rack: 'r1', tokens: [40n] },
      { id: 'e', dc: 'dc1', rack: 'r3', tokens: [50n] },
    ]);
    const three = replicationStrategy({ class: 'NetworkTopologyStrategy', dc1: 3 });
    expect(ring.replicasFor(5n, three)).toEqual(['a', 'c', 'e']);
    // RF 4 over 3 racks: one repeat allowed, taken by the first node of a used rack met: b.
    const four = replicationStrategy({ class: 'NetworkTopologyStrategy', dc1: 4 });
    expect(ring.replicasFor(5n, four)).toEqual(['a', 'b', 'c', 'e']);
    const ranges = ring.placement(three).ranges();
    expect(ranges.map((r) => r.replicas.length)).toEqual([3, 3, 3, 3, 3]);
  });

  it('keeps a bounded number of placements', () => {
    const ring = TokenRing.build([{ id: 'a', dc: 'dc1', rack: 'r1', tokens: [1n] }]);
    for (let rf = 0; rf <= 64; rf++) {
      const strategy = replicationStrategy({ class: 'SimpleStrategy', replication_factor: rf });
      expect(ring.replicasFor(5n, strategy)).toHaveLength(Math.min(rf, 1));
    }
  });
});
