/**
 * How many gossip rounds a state change takes to reach every node, for 10,
 * 100 and 1000 simulated nodes. Each cluster runs in one process over
 * SimNetwork (1–10 ms link delays, no loss) with ManualTimers, so simulated
 * seconds cost only the CPU of the gossip itself. After membership has
 * converged (checked: every node sees every other UP), one random node sets an
 * application state; a round is one gossip interval (1 s), and the rounds are
 * counted until the last node holds the new value (checked on every node).
 * Epidemic push-pull gossip should need O(log N) rounds; the baseline is
 * log2(1000), so ratio = rounds at 1000 nodes / log2(1000).
 */
import { ManualClock, ManualTimers, type PeerAddress, type Random, SimNetwork, seededRandom } from '@ringtail/codec';
import { Gossiper, schemaVersionState, statusState } from '@ringtail/gossip';
import { type Bench, makeResult } from '../result.js';

const SIZES = [10, 100, 1000];
const SEEDS_PER_CLUSTER = 3;
const INTERVAL_MS = 1000;
const SEED = 20_261_128;

function trialsFor(nodes: number): number {
  return nodes >= 1000 ? 5 : nodes >= 100 ? 20 : 40;
}

function addressOf(i: number): PeerAddress {
  return `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}:7000`;
}

interface SizeResult {
  nodes: number;
  trials: number;
  meanRounds: number;
  minRounds: number;
  maxRounds: number;
  roundsOverLog2N: number;
  /** Rounds from a cold start (all nodes at once, 3 seeds) until every node saw every other UP. */
  roundsToConvergeMembership: number;
  wallMs: number;
}

function measure(nodes: number, random: Random): SizeResult {
  const wallStart = performance.now();
  const clock = new ManualClock();
  const timers = new ManualTimers(clock);
  const network = new SimNetwork({ random: random.fork(), timers, faults: { minDelayMs: 1, maxDelayMs: 10 } });
  const addresses = Array.from({ length: nodes }, (_, i) => addressOf(i));
  const seeds = addresses.slice(0, SEEDS_PER_CLUSTER);
  const liveCounts = new Int32Array(nodes);
  const gossipers = addresses.map((address, i) => {
    const g = new Gossiper({
      address,
      seeds,
      transport: network.transport(address),
      clock,
      timers,
      random: random.fork(),
      generation: Math.floor(clock.nowMicros() / 1e6),
      intervalMs: INTERVAL_MS,
      initialStates: [statusState('NORMAL'), { key: 'DC', value: 'dc1' }, { key: 'RACK', value: 'r1' }],
    });
    g.on('up', () => {
      liveCounts[i]! += 1;
    });
    g.on('down', () => {
      liveCounts[i]! -= 1;
    });
    return g;
  });
  for (const g of gossipers) g.start();

  const startMs = clock.monotonicMs();
  while (!liveCounts.every((n) => n === nodes - 1)) {
    if (clock.monotonicMs() - startMs > 300 * INTERVAL_MS) throw new Error(`${nodes} nodes did not converge`);
    timers.advance(INTERVAL_MS);
  }
  const roundsToConvergeMembership = (clock.monotonicMs() - startMs) / INTERVAL_MS;
  // Correct before timed: everyone holds everyone, UP.
  for (const g of gossipers) {
    if (g.members().length !== nodes || g.liveEndpoints().length !== nodes - 1) {
      throw new Error(`membership of ${g.localAddress} is incomplete`);
    }
  }

  const reachedAtMs = new Float64Array(nodes);
  let expected = '';
  let origin = '';
  let reached = 0;
  gossipers.forEach((g, i) => {
    g.on('change', (c) => {
      if (c.address === origin && c.key === 'SCHEMA' && c.value === expected && reachedAtMs[i] === 0) {
        reachedAtMs[i] = clock.monotonicMs();
        reached += 1;
      }
    });
  });

  const rounds: number[] = [];
  for (let trial = 0; trial < trialsFor(nodes); trial++) {
    // Start at a random point within a round: nodes' rounds are not aligned to each other anyway.
    timers.advance(1 + random.int(INTERVAL_MS));
    const originIndex = random.int(nodes);
    origin = addresses[originIndex]!;
    expected = `v${trial + 1}`;
    reachedAtMs.fill(0);
    const changedAtMs = clock.monotonicMs();
    gossipers[originIndex]!.setApplicationStates([schemaVersionState(expected)]);
    let elapsedRounds = 0;
    while (reached < nodes) {
      if (++elapsedRounds > 100) throw new Error(`a change did not reach all ${nodes} nodes in 100 rounds`);
      timers.advance(INTERVAL_MS);
    }
    for (const g of gossipers) {
      if (g.endpoint(origin)?.schemaVersion !== expected) throw new Error(`${g.localAddress} missed ${expected}`);
    }
    const lastMs = Math.max(...reachedAtMs);
    rounds.push(Math.ceil((lastMs - changedAtMs) / INTERVAL_MS));
    reached = 0;
  }
  for (const g of gossipers) g.stop({ announce: false });
  const meanRounds = rounds.reduce((a, b) => a + b, 0) / rounds.length;
  return {
    nodes,
    trials: rounds.length,
    meanRounds,
    minRounds: Math.min(...rounds),
    maxRounds: Math.max(...rounds),
    roundsOverLog2N: meanRounds / Math.log2(nodes),
    roundsToConvergeMembership,
    wallMs: Math.round(performance.now() - wallStart),
  };
}

export const gossipConvergenceBench: Bench = {
  name: 'gossip-convergence',
  description: 'gossip rounds until a state change reaches every node (10/100/1000 simulated nodes) vs log2(1000)',
  async run() {
    const random = seededRandom(SEED);
    const results = SIZES.map((n) => measure(n, random.fork()));
    console.table(results);
    const at1000 = results.find((r) => r.nodes === 1000)!;
    return makeResult({
      name: 'gossip-convergence',
      metric: 'rounds to reach 1000 nodes',
      value: at1000.meanRounds,
      baseline: { name: 'log2(1000)', value: Math.log2(1000) },
      params: {
        sizes: SIZES,
        seeds: SEEDS_PER_CLUSTER,
        intervalMs: INTERVAL_MS,
        linkDelayMs: [1, 10],
        seed: SEED,
      },
      details: { perSize: results },
    });
  },
};
