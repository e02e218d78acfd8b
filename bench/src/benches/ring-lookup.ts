/**
 * Replica lookups: for a 96-node ring of 16 vnodes (allocated tokens), random
 * tokens in, replica lists out, at RF 3. Ours: `TokenRing.replicasFor` — a
 * search over a Float64Array of the tokens, settled exactly with bigints, then
 * a precomputed replica list. Baseline: a binary search over the sorted bigint
 * tokens, then the clockwise walk collecting RF distinct nodes on every lookup
 * (no precomputed lists). A linear scan of the tokens, a weaker baseline, and
 * NetworkTopologyStrategy are reported in details. ratio = ours / baseline.
 */
import { seededRandom } from '@ringtail/codec';
import { type NodeId, replicationStrategy, type TokenRing } from '@ringtail/ring';
import { type Bench, formatRate, makeResult } from '../result.js';
import { growRing, REPLICATION_FACTOR, simpleRf3, VNODES } from './ring-common.js';

const NODES = 96;
const LOOKUP_TOKENS = 1 << 16;
const VERIFY_TOKENS = 10_000;
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 1000);
const WARMUP_MS = 200;
/** Timed rounds per variant; the median counts. */
const ROUNDS = 3;
const SEED = 0x72696e67;

/** The straightforward lookup: sorted bigint tokens and their owners, walked on each call. */
class NaiveRing {
  readonly tokens: bigint[];
  readonly owners: NodeId[];

  constructor(ring: TokenRing) {
    const owned = ring.nodes().flatMap((n) => n.tokens.map((token) => ({ token, id: n.id })));
    owned.sort((a, b) => (a.token < b.token ? -1 : 1));
    this.tokens = owned.map((o) => o.token);
    this.owners = owned.map((o) => o.id);
  }

  private walk(start: number, replicationFactor: number): NodeId[] {
    const replicas: NodeId[] = [];
    for (let j = start, steps = 0; replicas.length < replicationFactor && steps < this.tokens.length; steps++) {
      const id = this.owners[j]!;
      if (!replicas.includes(id)) replicas.push(id);
      j = j + 1 === this.tokens.length ? 0 : j + 1;
    }
    return replicas;
  }

  binarySearch(token: bigint, replicationFactor: number): NodeId[] {
    let low = 0;
    let high = this.tokens.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.tokens[mid]! < token) low = mid + 1;
      else high = mid;
    }
    return this.walk(low === this.tokens.length ? 0 : low, replicationFactor);
  }

  linearScan(token: bigint, replicationFactor: number): NodeId[] {
    let i = 0;
    while (i < this.tokens.length && this.tokens[i]! < token) i++;
    return this.walk(i === this.tokens.length ? 0 : i, replicationFactor);
  }
}

/** Lookups per second of `lookup` over `tokens`, cycling for `durationMs`; the replica count is checked. */
function rate(
  tokens: bigint[],
  lookup: (token: bigint) => readonly NodeId[],
  expectedReplicas: number,
  durationMs: number,
): number {
  const mask = tokens.length - 1;
  let count = 0;
  let replicas = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < durationMs) {
    for (let i = 0; i < 4096; i++) replicas += lookup(tokens[(count + i) & mask]!).length;
    count += 4096;
    elapsed = performance.now() - start;
  }
  if (replicas !== count * expectedReplicas) throw new Error(`ring-lookup: ${replicas} replicas for ${count} lookups`);
  return (count / elapsed) * 1000;
}

export const ringLookupBench: Bench = {
  name: 'ring-lookup',
  description: 'replica lookups/s, 96 nodes x 16 vnodes, RF 3: precomputed placement vs bigint binary search + walk',
  async run() {
    const ring = growRing(NODES, 'allocated', SEED)[NODES]!;
    const naive = new NaiveRing(ring);
    const random = seededRandom(SEED);
    const tokens = Array.from(
      { length: LOOKUP_TOKENS },
      () => (BigInt(random.int(2 ** 32)) << 32n) | BigInt(random.int(2 ** 32)),
    );
    // Ring tokens and their neighbours are the edge cases of a search.
    const edges = ring
      .tokens()
      .flatMap((t) => [t, t + 1n, t - 1n])
      .filter((t) => t >= 0n && t < 1n << 64n);
    for (const token of [...tokens.slice(0, VERIFY_TOKENS), ...edges, 0n, (1n << 64n) - 1n]) {
      const ours = ring.replicasFor(token, simpleRf3).join();
      if (ours !== naive.binarySearch(token, REPLICATION_FACTOR).join() || ours !== naive.linearScan(token, 3).join()) {
        throw new Error(`ring-lookup: replicas of ${token} differ from the naive walk`);
      }
    }
    const nts = replicationStrategy({ class: 'NetworkTopologyStrategy', dc1: REPLICATION_FACTOR });
    const placement = ring.placement(simpleRf3);
    const variants: Record<string, (token: bigint) => readonly NodeId[]> = {
      'TokenRing.replicasFor': (t) => ring.replicasFor(t, simpleRf3),
      'ReplicaPlacement.replicasFor': (t) => placement.replicasFor(t),
      'TokenRing.replicasFor (NTS dc1: 3)': (t) => ring.replicasFor(t, nts),
      'bigint binary search + walk': (t) => naive.binarySearch(t, REPLICATION_FACTOR),
      'linear scan + walk': (t) => naive.linearScan(t, REPLICATION_FACTOR),
    };
    // Rounds interleave the variants, and a warm-up round first makes the timing loop's call site see
    // them all, so that no variant gains from being timed while the call was still monomorphic.
    const runs: Record<string, number[]> = Object.fromEntries(Object.keys(variants).map((name) => [name, []]));
    for (let round = 0; round <= ROUNDS; round++) {
      for (const [name, lookup] of Object.entries(variants)) {
        const perSecond = rate(tokens, lookup, REPLICATION_FACTOR, round === 0 ? WARMUP_MS : DURATION_MS);
        if (round > 0) runs[name]!.push(perSecond);
      }
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1]!;
    const figures = Object.fromEntries(Object.entries(runs).map(([name, xs]) => [name, median(xs)]));
    console.table(Object.entries(figures).map(([what, perSecond]) => ({ what, 'lookups/s': formatRate(perSecond) })));
    const ours = figures['TokenRing.replicasFor']!;
    const baseline = figures['bigint binary search + walk']!;
    return makeResult({
      name: 'ring-lookup',
      metric: 'lookups/s',
      value: ours,
      baseline: { name: 'sorted bigint binary search + clockwise walk', value: baseline },
      params: {
        nodes: NODES,
        vnodes: VNODES,
        replicationFactor: REPLICATION_FACTOR,
        durationMs: DURATION_MS,
        rounds: ROUNDS,
      },
      details: {
        lookupsPerSecond: figures,
        ratioOverLinearScan: ours / figures['linear scan + walk']!,
        runs,
      },
    });
  },
};
