/**
 * The gossiper: one node's view of cluster membership, kept up to date by a
 * digest exchange with one random peer per round, and judged by a phi-accrual
 * failure detector. Everything it depends on is injected (clock, timers,
 * random source, transport), so many gossipers run deterministically in one
 * process over a simulated network. Protocol and parameters: docs/gossip.md.
 *
 * This file does the talking (rounds, messages, the local node's own state);
 * membership.ts holds what is known and applies the rules.
 */
import type { Clock, Logger, MessageCodec, PeerAddress, Random, TimerHandle, Timers, Transport } from '@ringtail/codec';
import { silentLogger } from '@ringtail/codec';
import { type ApplicationStateEntry, addressProblem, checkApplicationState, statusState } from './app-state.js';
import {
  DEFAULT_CLUSTER_NAME,
  DEFAULT_DEAD_STATE_RETENTION_MS,
  DEFAULT_FAILURE_DETECTOR_WINDOW,
  DEFAULT_GOSSIP_INTERVAL_MS,
  DEFAULT_MAX_LOCAL_PAUSE_MS,
  DEFAULT_PHI_THRESHOLD,
  DEFAULT_QUARANTINE_MS,
  MAX_APPLICATION_STATES,
  MAX_CLUSTER_NAME_LENGTH,
  MAX_GENERATION,
  MAX_SEEDS,
  SHUTDOWN_HEARTBEAT_VERSION,
} from './constants.js';
import { EndpointState } from './endpoint-state.js';
import { closed, invalidArgument, limitExceeded } from './errors.js';
import { GossipEmitter, type GossipEventName, type GossipListener } from './events.js';
import { answerRequests, examineDigests, shuffleInPlace } from './exchange.js';
import { PhiAccrualFailureDetector } from './failure-detector.js';
import { emptyStats, type GossipStats, Membership } from './membership.js';
import {
  type EndpointStateDelta,
  type GossipAck,
  type GossipAck2,
  type GossipShutdown,
  type GossipSyn,
  gossipAck2Codec,
  gossipAckCodec,
  gossipShutdownCodec,
  gossipSynCodec,
} from './messages.js';
import type { EndpointView } from './view.js';

export interface GossiperOptions {
  /** This node's internode address, as peers reach it (and as it appears in gossip). */
  readonly address: PeerAddress;
  /** Contact points for finding the cluster. This node's own address may be among them. */
  readonly seeds: readonly PeerAddress[];
  readonly transport: Transport;
  readonly clock: Clock;
  readonly timers: Timers;
  readonly random: Random;
  readonly logger?: Logger;
  /** Seconds since the epoch when this node started; a restart must bring a larger one. */
  readonly generation: number;
  /** Messages from other clusters are ignored. Default DEFAULT_CLUSTER_NAME. */
  readonly clusterName?: string;
  readonly intervalMs?: number;
  readonly phiThreshold?: number;
  /** Heartbeat intervals remembered per endpoint. Default 1000. */
  readonly failureDetectorWindow?: number;
  /** Longer heartbeat intervals are not recorded. Default 2 × intervalMs. */
  readonly maxArrivalIntervalMs?: number;
  /** The failure detector's floor on the standard deviation of heartbeat intervals. Default intervalMs / 2. */
  readonly minStdDeviationMs?: number;
  /** Silence beyond the mean heartbeat interval that is still normal. Default 3 × intervalMs. */
  readonly acceptableHeartbeatPauseMs?: number;
  /** The interval assumed before an endpoint's first is measured. Default 2 × intervalMs. */
  readonly initialArrivalIntervalMs?: number;
  readonly quarantineMs?: number;
  /** How long a LEFT or REMOVED state is gossiped before eviction; also what removeEndpoint stamps. */
  readonly deadStateRetentionMs?: number;
  readonly maxLocalPauseMs?: number;
  /** Application states this node starts with (set before the first round, so its first gossip carries them). */
  readonly initialStates?: readonly ApplicationStateEntry[];
}

type Phase = 'new' | 'running' | 'stopped';

export class Gossiper {
  readonly localAddress: PeerAddress;
  readonly generation: number;
  readonly clusterName: string;
  readonly intervalMs: number;
  readonly phiThreshold: number;
  readonly stats: GossipStats = emptyStats();

  private readonly transport: Transport;
  private readonly clock: Clock;
  private readonly timers: Timers;
  private readonly random: Random;
  private readonly logger: Logger;
  private readonly deadStateRetentionMs: number;
  private readonly detector: PhiAccrualFailureDetector;
  private readonly emitter: GossipEmitter;
  private readonly membership: Membership;
  private readonly seeds: PeerAddress[] = [];
  private readonly self: EndpointState;
  private versionCounter = 0;
  private phase: Phase = 'new';
  private timer: TimerHandle | undefined;

  constructor(options: GossiperOptions) {
    const problem = addressProblem(options.address);
    if (problem !== undefined) throw invalidArgument(`gossip address: ${problem}`);
    if (!Number.isSafeInteger(options.generation) || options.generation < 1 || options.generation > MAX_GENERATION) {
      throw invalidArgument(`generation must be an integer in [1, ${MAX_GENERATION}], got ${options.generation}`);
    }
    this.localAddress = options.address;
    this.generation = options.generation;
    this.clusterName = options.clusterName ?? DEFAULT_CLUSTER_NAME;
    if (this.clusterName.length === 0 || this.clusterName.length > MAX_CLUSTER_NAME_LENGTH) {
      throw invalidArgument(`cluster name must have 1 to ${MAX_CLUSTER_NAME_LENGTH} characters`);
    }
    this.intervalMs = positive('intervalMs', options.intervalMs ?? DEFAULT_GOSSIP_INTERVAL_MS);
    this.phiThreshold = positive('phiThreshold', options.phiThreshold ?? DEFAULT_PHI_THRESHOLD);
    this.deadStateRetentionMs = positive(
      'deadStateRetentionMs',
      options.deadStateRetentionMs ?? DEFAULT_DEAD_STATE_RETENTION_MS,
    );
    this.transport = options.transport;
    this.clock = options.clock;
    this.timers = options.timers;
    this.random = options.random;
    this.logger = (options.logger ?? silentLogger).child({ component: 'gossip' });
    this.emitter = new GossipEmitter(this.logger);
    this.detector = new PhiAccrualFailureDetector({
      windowSize: options.failureDetectorWindow ?? DEFAULT_FAILURE_DETECTOR_WINDOW,
      initialIntervalMs: positive('initialArrivalIntervalMs', options.initialArrivalIntervalMs ?? 2 * this.intervalMs),
      maxIntervalMs: positive('maxArrivalIntervalMs', options.maxArrivalIntervalMs ?? 2 * this.intervalMs),
      minStdDeviationMs: positive('minStdDeviationMs', options.minStdDeviationMs ?? this.intervalMs / 2),
      acceptablePauseMs: positive(
        'acceptableHeartbeatPauseMs',
        options.acceptableHeartbeatPauseMs ?? 3 * this.intervalMs,
      ),
    });
    for (const seed of options.seeds) this.addSeed(seed);
    this.self = new EndpointState(this.localAddress, this.generation, this.nextVersion());
    this.membership = new Membership({
      self: this.self,
      selfAlive: () => this.phase === 'running',
      clock: this.clock,
      logger: this.logger,
      emitter: this.emitter,
      detector: this.detector,
      stats: this.stats,
      phiThreshold: this.phiThreshold,
      quarantineMs: positive('quarantineMs', options.quarantineMs ?? DEFAULT_QUARANTINE_MS),
      maxLocalPauseMs: positive('maxLocalPauseMs', options.maxLocalPauseMs ?? DEFAULT_MAX_LOCAL_PAUSE_MS),
    });
    if (options.initialStates !== undefined) this.setApplicationStates(options.initialStates);
  }

  // ------------------------------------------------------------ lifecycle

  /** Registers the message handlers and starts gossiping. A gossiper starts once. */
  start(): void {
    if (this.phase !== 'new') throw closed('a gossiper starts once; make a new one (with a new generation) to restart');
    this.phase = 'running';
    this.transport.onMessage(gossipSynCodec, (m, from) => this.receive(m, from, () => this.handleSyn(m, from)));
    this.transport.onMessage(gossipAckCodec, (m, from) => this.receive(m, from, () => this.handleAck(m, from)));
    this.transport.onMessage(gossipAck2Codec, (m, from) =>
      this.receive(m, from, () => this.membership.applyStates(m.states)),
    );
    this.transport.onMessage(gossipShutdownCodec, (m, from) => this.receive(m, from, () => this.handleShutdown(m)));
    // A random phase, so that a cluster started at once does not gossip in lock step.
    this.timer = this.timers.setTimeout(
      () => {
        this.timer = this.timers.setInterval(() => this.round(), this.intervalMs);
        this.round();
      },
      this.random.int(Math.max(1, Math.floor(this.intervalMs))),
    );
    this.logger.info({ address: this.localAddress, generation: this.generation, seeds: this.seeds }, 'gossip started');
  }

  /**
   * Stops gossiping. With `announce` (the default), first tells every live peer
   * that this node is shutting down, so they mark it DOWN at once rather than
   * after the failure detector's delay; `announce: false` is a crash.
   * Idempotent. The transport stays open: it belongs to the caller.
   */
  stop(options: { announce?: boolean } = {}): void {
    if (this.phase === 'stopped') return;
    const wasRunning = this.phase === 'running';
    this.phase = 'stopped';
    this.timer?.cancel();
    this.timer = undefined;
    if (!wasRunning || options.announce === false) return;
    this.self.setHeartbeat(SHUTDOWN_HEARTBEAT_VERSION);
    const message: GossipShutdown = { clusterName: this.clusterName, state: this.self.delta(0) };
    for (const peer of this.liveEndpoints()) this.send(peer, gossipShutdownCodec, message);
    this.logger.info({ address: this.localAddress }, 'gossip stopped; shutdown announced');
  }

  get running(): boolean {
    return this.phase === 'running';
  }

  // ------------------------------------------------------------ local state

  setApplicationState(key: string, value: string): void {
    this.setApplicationStates([{ key, value }]);
  }

  /**
   * Sets several application states at once (each gets the next version, in
   * order). All are validated first: an invalid one sets none
   * (RT_INVALID_ARGUMENT); more than MAX_APPLICATION_STATES keys is
   * RT_LIMIT_EXCEEDED. A value equal to the current one is not re-versioned.
   */
  setApplicationStates(entries: readonly ApplicationStateEntry[]): void {
    if (this.phase === 'stopped') throw closed('the gossiper is stopped');
    const keys = new Set<string>();
    for (const { key, value } of entries) {
      checkApplicationState(key, value);
      keys.add(key);
    }
    let total = this.self.size;
    for (const key of keys) if (this.self.get(key) === undefined) total += 1;
    if (total > MAX_APPLICATION_STATES) {
      throw limitExceeded(`an endpoint carries at most ${MAX_APPLICATION_STATES} application states`);
    }
    const wasMember = this.self.isMember;
    for (const { key, value } of entries) {
      if (this.self.get(key)?.value === value) continue;
      const version = this.nextVersion();
      this.self.put(key, value, version);
      this.emitter.push('change', () => ({
        address: this.localAddress,
        key,
        value,
        version,
        endpoint: this.membership.view(this.self),
      }));
    }
    if (wasMember && !this.self.isMember) this.emitter.push('removed', () => this.membership.view(this.self));
    this.emitter.drain();
  }

  /** Adds a contact point (LAN discovery feeds these). Returns false if it was known, is this node, or MAX_SEEDS are held. */
  addSeed(address: PeerAddress): boolean {
    const problem = addressProblem(address);
    if (problem !== undefined) throw invalidArgument(`seed: ${problem}`);
    if (address === this.localAddress || this.seeds.includes(address)) return false;
    if (this.seeds.length >= MAX_SEEDS) return false;
    this.seeds.push(address);
    return true;
  }

  /**
   * Removes a node from the cluster (Cassandra's `removenode`): its state is
   * replaced by a REMOVED tombstone under a newer generation, which gossip
   * spreads so that every node drops it; after `deadStateRetentionMs` the
   * tombstone is evicted and the endpoint quarantined. A node that really
   * restarts later comes back with a newer generation and rejoins.
   * Returns false if the endpoint is unknown or no longer a member.
   */
  removeEndpoint(address: PeerAddress): boolean {
    if (this.phase === 'stopped') throw closed('the gossiper is stopped');
    if (address === this.localAddress) throw invalidArgument('a node cannot remove itself; decommission instead');
    const held = this.membership.get(address);
    if (held === undefined || !held.isMember) return false;
    if (held.generation >= MAX_GENERATION) throw invalidArgument(`${address} is at the largest generation`);
    const expiresAtMs = Math.floor(this.clock.nowMicros() / 1000) + this.deadStateRetentionMs;
    const entries = held.entries().filter((e) => e.key !== 'STATUS');
    const status = statusState('REMOVED', expiresAtMs);
    let version = 0;
    const tombstone: EndpointStateDelta = {
      address,
      generation: held.generation + 1,
      heartbeatVersion: entries.length + 1,
      fromVersion: 0,
      states: [
        ...entries.map((e) => ({ key: e.key, value: e.value, version: ++version })),
        { key: status.key, value: status.value, version: ++version },
      ],
    };
    this.membership.applyStates([tombstone]);
    this.logger.info({ address, generation: tombstone.generation }, 'endpoint removed');
    return true;
  }

  // ------------------------------------------------------------ views

  /** This node's view of `address`, or undefined if it holds no state for it. */
  endpoint(address: PeerAddress): EndpointView | undefined {
    const held = this.membership.get(address);
    return held === undefined ? undefined : this.membership.view(held);
  }

  /** Every endpoint held (this node included, and LEFT/REMOVED ones until evicted), by address. */
  endpointViews(): EndpointView[] {
    return [...this.membership.endpoints.keys()].sort().map((a) => this.membership.view(this.membership.get(a)!));
  }

  /** Whether `address` is UP. This node is UP to itself while running. */
  isAlive(address: PeerAddress): boolean {
    return this.membership.isAlive(address);
  }

  /** Member endpoints other than this one that are UP, sorted. */
  liveEndpoints(): PeerAddress[] {
    return this.membership.livePeers().sort();
  }

  /** Member endpoints other than this one that are DOWN, sorted. */
  unreachableEndpoints(): PeerAddress[] {
    return this.membership.unreachablePeers().sort();
  }

  /** Every member endpoint, this node included, sorted. */
  members(): PeerAddress[] {
    return this.membership.members().sort();
  }

  /** Current suspicion that `address` is down (0 for this node and unknown endpoints). */
  phi(address: PeerAddress): number {
    return this.detector.phi(address, this.clock.monotonicMs());
  }

  /** Contact points: configured and discovered seeds, without this node. */
  seedAddresses(): PeerAddress[] {
    return [...this.seeds];
  }

  on<E extends GossipEventName>(event: E, listener: GossipListener<E>): () => void {
    return this.emitter.on(event, listener);
  }

  // ------------------------------------------------------------ the round

  private round(): void {
    if (this.phase !== 'running') return;
    this.stats.rounds += 1;
    this.self.setHeartbeat(this.nextVersion());
    const digests = shuffleInPlace(
      [...this.membership.endpoints.values()].map((e) => e.digest()),
      (bound) => this.random.int(bound),
    );
    const syn: GossipSyn = { clusterName: this.clusterName, digests };
    const live = this.membership.livePeers();
    const unreachable = this.membership.unreachablePeers();
    let gossipedToSeed = false;
    if (live.length > 0) {
      const target = live[this.random.int(live.length)]!;
      this.send(target, gossipSynCodec, syn);
      gossipedToSeed = this.seeds.includes(target);
    }
    if (unreachable.length > 0 && this.random.next() < unreachable.length / (live.length + 1)) {
      this.send(unreachable[this.random.int(unreachable.length)]!, gossipSynCodec, syn);
    }
    if (this.seeds.length > 0 && (!gossipedToSeed || live.length < this.seeds.length)) {
      const probability = this.seeds.length / Math.max(1, live.length + unreachable.length);
      if (live.length === 0 || this.random.next() <= probability) {
        this.send(this.seeds[this.random.int(this.seeds.length)]!, gossipSynCodec, syn);
      }
    }
    this.membership.statusCheck();
  }

  // ------------------------------------------------------------ messages

  private receive(message: { clusterName: string }, from: PeerAddress, handle: () => void): void {
    if (this.phase !== 'running') return;
    this.stats.messagesReceived += 1;
    if (message.clusterName !== this.clusterName) {
      this.stats.foreignMessages += 1;
      this.logger.debug({ from, cluster: message.clusterName }, 'gossip from another cluster ignored');
      return;
    }
    handle();
  }

  private handleSyn(syn: GossipSyn, from: PeerAddress): void {
    const answer = examineDigests(this.membership.endpoints, syn.digests, this.localAddress, (a, g) =>
      this.membership.isQuarantined(a, g),
    );
    this.stats.deferredStates += answer.skipped;
    if (answer.requests.length === 0 && answer.states.length === 0) return;
    const ack: GossipAck = { clusterName: this.clusterName, requests: answer.requests, states: answer.states };
    this.send(from, gossipAckCodec, ack);
  }

  private handleAck(ack: GossipAck, from: PeerAddress): void {
    this.membership.applyStates(ack.states);
    if (ack.requests.length === 0) return;
    const answer = answerRequests(this.membership.endpoints, ack.requests);
    this.stats.deferredStates += answer.skipped;
    if (answer.states.length === 0) return;
    const ack2: GossipAck2 = { clusterName: this.clusterName, states: answer.states };
    this.send(from, gossipAck2Codec, ack2);
  }

  private handleShutdown(message: GossipShutdown): void {
    // The whole final state with the shutdown heartbeat: applying it marks the sender DOWN for good (this generation).
    this.membership.applyStates([message.state]);
  }

  private send<T>(to: PeerAddress, codec: MessageCodec<T>, message: T): void {
    if (this.transport.send(to, codec, message)) this.stats.messagesSent += 1;
    else this.stats.sendsRefused += 1;
  }

  private nextVersion(): number {
    this.versionCounter += 1;
    return this.versionCounter;
  }
}

function positive(name: string, value: number): number {
  if (!(Number.isFinite(value) && value > 0)) throw invalidArgument(`${name} must be a positive number, got ${value}`);
  return value;
}
