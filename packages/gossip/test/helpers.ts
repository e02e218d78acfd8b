import {
  type LinkFaults,
  ManualClock,
  ManualTimers,
  type MessageCodec,
  type MessageHandler,
  type PeerAddress,
  type Random,
  SimNetwork,
  seededRandom,
  type Transport,
} from '@ringtail/codec';
import {
  type ApplicationStateEntry,
  type GossipEventName,
  Gossiper,
  type GossiperOptions,
  statusState,
} from '../src/index.js';

/** A seed from RINGTAIL_SEED or a fresh one; printed so a failure can be replayed. */
export function testSeed(label: string): number {
  const fromEnv = process.env.RINGTAIL_SEED;
  const seed = fromEnv === undefined ? (Math.random() * 2 ** 32) >>> 0 : Number(fromEnv);
  console.log(`[${label}] seed ${seed} (rerun with RINGTAIL_SEED=${seed})`);
  return seed;
}

export function addressOf(i: number): PeerAddress {
  return `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}:7000`;
}

export interface RecordedEvent {
  readonly atMs: number;
  readonly observer: PeerAddress;
  readonly event: GossipEventName;
  readonly address: PeerAddress;
  readonly detail?: string;
}

export interface SimNode {
  readonly address: PeerAddress;
  gossiper: Gossiper;
  transport: Transport;
}

export type NodeOverrides = Partial<Omit<GossiperOptions, 'address' | 'transport' | 'clock' | 'timers' | 'random'>>;

/**
 * Many gossipers in one process: SimNetwork, ManualTimers over a ManualClock,
 * and one seeded random source from which every node and the network fork
 * theirs, in creation order — so a run replays exactly from its seed.
 */
export class SimCluster {
  readonly clock = new ManualClock();
  readonly timers = new ManualTimers(this.clock);
  readonly random: Random;
  readonly network: SimNetwork;
  readonly nodes = new Map<PeerAddress, SimNode>();
  readonly events: RecordedEvent[] = [];
  /** Nodes whose gossiper is running. */
  readonly running = new Set<PeerAddress>();
  private readonly lastGeneration = new Map<PeerAddress, number>();

  constructor(
    readonly seed: number,
    faults: Partial<LinkFaults> = {},
    private readonly defaults: NodeOverrides = {},
  ) {
    this.random = seededRandom(seed);
    this.network = new SimNetwork({ random: this.random.fork(), timers: this.timers, faults });
  }

  get nowMs(): number {
    return this.clock.monotonicMs();
  }

  /** Starts a node; by default with STATUS NORMAL, a DC and a rack. */
  start(address: PeerAddress, seeds: readonly PeerAddress[], overrides: NodeOverrides = {}): SimNode {
    const transport = this.network.transport(address);
    const generation = Math.max(Math.floor(this.clock.nowMicros() / 1e6), (this.lastGeneration.get(address) ?? 0) + 1);
    this.lastGeneration.set(address, generation);
    const initialStates: ApplicationStateEntry[] = [
      statusState('NORMAL'),
      { key: 'DC', value: 'dc1' },
      { key: 'RACK', value: 'r1' },
    ];
    const gossiper = new Gossiper({
      address,
      seeds,
      transport,
      clock: this.clock,
      timers: this.timers,
      random: this.random.fork(),
      generation,
      initialStates,
      ...this.defaults,
      ...overrides,
    });
    for (const event of ['join', 'restart', 'up', 'down', 'removed'] as const) {
      gossiper.on(event, (view) =>
        this.events.push({ atMs: this.nowMs, observer: address, event, address: view.address }),
      );
    }
    const node: SimNode = { address, gossiper, transport };
    this.nodes.set(address, node);
    this.running.add(address);
    gossiper.start();
    return node;
  }

  /** A crash: no announcement; the address is freed. */
  async kill(address: PeerAddress): Promise<void> {
    const node = this.nodes.get(address)!;
    node.gossiper.stop({ announce: false });
    await node.transport.close();
    this.running.delete(address);
  }

  /** A graceful stop: the shutdown is announced, then the transport closes. */
  async shutdown(address: PeerAddress): Promise<void> {
    const node = this.nodes.get(address)!;
    node.gossiper.stop();
    await node.transport.close();
    this.running.delete(address);
  }

  gossiper(address: PeerAddress): Gossiper {
    return this.nodes.get(address)!.gossiper;
  }

  /** Running gossipers, in address order. */
  live(): Gossiper[] {
    return [...this.running].sort().map((a) => this.gossiper(a));
  }

  advance(ms: number): void {
    this.timers.advance(ms);
  }

  /**
   * Advances in steps of `stepMs` until `done()` holds; returns the simulated
   * milliseconds it took. Throws after `maxMs`.
   */
  runUntil(done: () => boolean, maxMs: number, stepMs = 100): number {
    const startMs = this.nowMs;
    while (!done()) {
      if (this.nowMs - startMs >= maxMs) throw new Error(`not reached within ${maxMs} ms (seed ${this.seed})`);
      this.advance(stepMs);
    }
    return this.nowMs - startMs;
  }

  /** Every running node sees every running node (itself included) as a member, and every other as UP. */
  converged(): boolean {
    const expected = [...this.running].sort();
    return this.live().every((g) => {
      if (!expected.every((a) => g.members().includes(a))) return false;
      return expected.every((a) => a === g.localAddress || g.isAlive(a));
    });
  }

  eventsOf(event: GossipEventName, about?: PeerAddress): RecordedEvent[] {
    return this.events.filter((e) => e.event === event && (about === undefined || e.address === about));
  }
}

/**
 * A transport that only records: tests deliver messages to a gossiper by
 * calling its handlers directly (`deliver`), and read what it sent.
 */
export class RecordingTransport implements Transport {
  readonly sent: { to: PeerAddress; kind: string; message: unknown }[] = [];
  private readonly handlers = new Map<string, { codec: MessageCodec<unknown>; handler: MessageHandler<unknown> }>();
  accept = true;

  constructor(readonly localAddress: PeerAddress) {}

  onMessage<T>(codec: MessageCodec<T>, handler: MessageHandler<T>): void {
    this.handlers.set(codec.kind, {
      codec: codec as MessageCodec<unknown>,
      handler: handler as MessageHandler<unknown>,
    });
  }

  onRequest(): void {
    throw new Error('gossip sends no requests');
  }

  send<T>(to: PeerAddress, codec: MessageCodec<T>, message: T): boolean {
    if (!this.accept) return false;
    // Through the codec both ways, as a real transport does.
    this.sent.push({ to, kind: codec.kind, message: codec.decode(structuredClone(codec.encode(message)), 1) });
    return true;
  }

  request(): Promise<never> {
    return Promise.reject(new Error('gossip sends no requests'));
  }

  async close(): Promise<void> {}

  /** Hands `message` to the handler of `codec.kind`, through the codec. */
  deliver<T>(codec: MessageCodec<T>, message: T, from: PeerAddress): void {
    const route = this.handlers.get(codec.kind);
    if (route === undefined) throw new Error(`no handler for ${codec.kind}`);
    route.handler(route.codec.decode(structuredClone(codec.encode(message)), codec.version), from);
  }

  take(kind?: string): { to: PeerAddress; kind: string; message: unknown }[] {
    const taken = this.sent.filter((s) => kind === undefined || s.kind === kind);
    this.sent.length = 0;
    return taken;
  }
}
