import { type Random, seededRandom } from '@ringtail/codec';
import fc from 'fast-check';
import {
  MAX_TOKEN,
  type NodeId,
  type ReplicationStrategy,
  type RingNodeInput,
  randomTokens,
  replicationStrategy,
  TokenRing,
} from '../src/index.js';

/** A seed from RINGTAIL_SEED or a fresh one; printed so a failure can be replayed. */
export function testSeed(label: string): number {
  const fromEnv = process.env.RINGTAIL_SEED;
  const seed = fromEnv === undefined ? (Math.random() * 2 ** 32) >>> 0 : Number(fromEnv);
  console.log(`[${label}] seed ${seed} (rerun with RINGTAIL_SEED=${seed})`);
  return seed;
}

export const compareTokens = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Tokens that stress a search: uniform ones, the ends of the ring, and
 * clusters above 2^53 whose members share one float64 approximation.
 */
export const tokenArb: fc.Arbitrary<bigint> = fc.oneof(
  fc.bigInt({ min: 0n, max: MAX_TOKEN }),
  fc.constantFrom(0n, 1n, MAX_TOKEN, MAX_TOKEN - 1n, 1n << 63n),
  fc.bigInt({ min: MAX_TOKEN - 4096n, max: MAX_TOKEN }),
  fc.bigInt({ min: (1n << 60n) - 2048n, max: (1n << 60n) + 2048n }),
);

const DCS = ['dc1', 'dc2', 'dc3'];
const RACKS = ['r1', 'r2', 'r3', 'r4'];

/** A membership of 1..maxNodes nodes over up to three datacenters and four racks, tokens distinct. */
export function membershipArb(maxNodes = 10, maxTokensPerNode = 6): fc.Arbitrary<RingNodeInput[]> {
  return fc
    .array(
      fc.record({
        dc: fc.constantFrom(...DCS),
        rack: fc.constantFrom(...RACKS),
        tokenCount: fc.integer({ min: 1, max: maxTokensPerNode }),
      }),
      { minLength: 1, maxLength: maxNodes },
    )
    .chain((shapes) => {
      const total = shapes.reduce((sum, s) => sum + s.tokenCount, 0);
      return fc.uniqueArray(tokenArb, { minLength: total, maxLength: total }).map((tokens) => {
        const starts = shapes.map((_, i) => shapes.slice(0, i).reduce((sum, s) => sum + s.tokenCount, 0));
        return shapes.map((s, i) => ({
          id: `node${i}`,
          dc: s.dc,
          rack: s.rack,
          tokens: tokens.slice(starts[i], starts[i]! + s.tokenCount),
        }));
      });
    });
}

export const strategyArb: fc.Arbitrary<ReplicationStrategy> = fc.oneof(
  fc.integer({ min: 0, max: 6 }).map((rf) => replicationStrategy({ class: 'SimpleStrategy', replication_factor: rf })),
  fc
    .record({ dc1: fc.integer({ min: 0, max: 5 }), dc2: fc.integer({ min: 0, max: 4 }), dc9: fc.constant(2) })
    .map((f) => replicationStrategy({ class: 'NetworkTopologyStrategy', ...f })),
);

/**
 * The model: Cassandra's replica walk written plainly, one lookup at a time,
 * over the whole ring (no precomputation, no per-datacenter split).
 */
export function modelReplicas(nodes: readonly RingNodeInput[], token: bigint, strategy: ReplicationStrategy): NodeId[] {
  const walk = nodes.flatMap((node) => node.tokens.map((t) => ({ t, node }))).sort((a, b) => compareTokens(a.t, b.t));
  if (walk.length === 0) return [];
  const first = walk.findIndex((e) => e.t >= token);
  const start = Math.max(first, 0);
  const lap = [...walk.slice(start), ...walk.slice(0, start)];
  const replicas: NodeId[] = [];
  if (strategy.class === 'SimpleStrategy') {
    for (const { node } of lap) {
      if (replicas.length < strategy.replicationFactor && !replicas.includes(node.id)) replicas.push(node.id);
    }
    return replicas;
  }
  const state = new Map<string, { left: number; repeats: number; racks: Set<string> }>();
  for (const [dc, rf] of strategy.datacenters) {
    const inDc = nodes.filter((n) => n.dc === dc);
    const wanted = Math.min(rf, inDc.length);
    state.set(dc, { left: wanted, repeats: wanted - new Set(inDc.map((n) => n.rack)).size, racks: new Set() });
  }
  for (const { node } of lap) {
    const dc = state.get(node.dc);
    if (dc === undefined || dc.left === 0 || replicas.includes(node.id)) continue;
    if (!dc.racks.has(node.rack)) dc.racks.add(node.rack);
    else if (dc.repeats > 0) dc.repeats--;
    else continue;
    dc.left--;
    replicas.push(node.id);
  }
  return replicas;
}

/** Probe tokens for a ring: random ones, and every ring token with its neighbours. */
export function probeTokens(ring: TokenRing, random: Random, count: number): bigint[] {
  const edges = ring.tokens().flatMap((t) => [t, t - 1n, t + 1n]);
  const extra = Array.from({ length: count }, () => randomTokens(1, random)[0]!);
  return [...edges, ...extra, 0n, MAX_TOKEN].filter((t) => t >= 0n && t <= MAX_TOKEN);
}

/** Shuffled copy (Fisher–Yates). */
export function shuffled<T>(items: readonly T[], random: Random): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

/** A ring of `nodeCount` nodes with random tokens, in one datacenter and `racks` racks. */
export function randomRing(nodeCount: number, tokensPerNode: number, seed: number, racks = 1): TokenRing {
  const random = seededRandom(seed);
  let ring = TokenRing.build([]);
  for (let n = 0; n < nodeCount; n++) {
    const tokens = randomTokens(tokensPerNode, random, ring);
    ring = ring.withNodes([{ id: `n${n}`, dc: 'dc1', rack: `r${n % racks}`, tokens }]);
  }
  return ring;
}
