/**
 * What a gossiper knows and judges: the state of every endpoint it holds,
 * which are UP, which are quarantined — and the rules for applying a state a
 * peer sent (new endpoint, new generation, delta), for convicting, and for
 * evicting. Every change is queued as an event and delivered when the
 * operation that caused it is complete. The Gossiper owns one and does the
 * talking.
 */
import type { Clock, Logger, PeerAddress } from '@ringtail/codec';
import { MAX_ENDPOINTS, MAX_GENERATION_JUMP_SECONDS } from './constants.js';
import { EndpointState } from './endpoint-state.js';
import type { GossipEmitter } from './events.js';
import type { PhiAccrualFailureDetector } from './failure-detector.js';
import type { EndpointStateDelta } from './messages.js';
import { EndpointView } from './view.js';

/** Counters for tests, benchmarks and metrics. */
export interface GossipStats {
  rounds: number;
  messagesSent: number;
  /** Sends the transport refused (queue full or closed). */
  sendsRefused: number;
  messagesReceived: number;
  /** Messages carrying another cluster's name, ignored. */
  foreignMessages: number;
  /** Endpoints marked DOWN by the failure detector. */
  convictions: number;
  /** States ignored because their endpoint is quarantined. */
  quarantinedStates: number;
  /** States ignored because MAX_ENDPOINTS endpoints are tracked already. */
  overflowStates: number;
  /** States left out of a message to keep it within MAX_MESSAGE_CHARS (sent in a later round). */
  deferredStates: number;
  /** Dead states evicted after their retention. */
  evictions: number;
}

export function emptyStats(): GossipStats {
  return {
    rounds: 0,
    messagesSent: 0,
    sendsRefused: 0,
    messagesReceived: 0,
    foreignMessages: 0,
    convictions: 0,
    quarantinedStates: 0,
    overflowStates: 0,
    deferredStates: 0,
    evictions: 0,
  };
}

interface Quarantine {
  /** States of this generation or older are ignored; a newer generation is a real restart and is let in. */
  readonly generation: number;
  readonly untilMs: number;
}

export interface MembershipOptions {
  readonly self: EndpointState;
  /** Whether this node is UP to itself (it is while its gossiper runs). */
  readonly selfAlive: () => boolean;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly emitter: GossipEmitter;
  readonly detector: PhiAccrualFailureDetector;
  readonly stats: GossipStats;
  readonly phiThreshold: number;
  readonly quarantineMs: number;
  readonly maxLocalPauseMs: number;
}

export class Membership {
  /** Every endpoint held, this node first; insertion order, which follows the (deterministic) order of events. */
  readonly endpoints = new Map<PeerAddress, EndpointState>();
  /** UP endpoints other than this one. */
  private readonly alive = new Set<PeerAddress>();
  private readonly quarantine = new Map<PeerAddress, Quarantine>();
  private readonly self: EndpointState;
  private readonly localAddress: PeerAddress;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly emitter: GossipEmitter;
  private readonly detector: PhiAccrualFailureDetector;
  private readonly stats: GossipStats;
  private lastStatusCheckMs: number | undefined;
  private convictionsResumeAtMs = 0;
  private overflowWarned = false;

  constructor(private readonly options: MembershipOptions) {
    this.self = options.self;
    this.localAddress = options.self.address;
    this.clock = options.clock;
    this.logger = options.logger;
    this.emitter = options.emitter;
    this.detector = options.detector;
    this.stats = options.stats;
    this.endpoints.set(this.localAddress, this.self);
  }

  // ------------------------------------------------------------ views

  get(address: PeerAddress): EndpointState | undefined {
    return this.endpoints.get(address);
  }

  isAlive(address: PeerAddress): boolean {
    return address === this.localAddress ? this.options.selfAlive() : this.alive.has(address);
  }

  /** UP peers, in the order they came UP. */
  livePeers(): PeerAddress[] {
    return [...this.alive];
  }

  /** DOWN member peers, in holding order. */
  unreachablePeers(): PeerAddress[] {
    const out: PeerAddress[] = [];
    for (const [address, held] of this.endpoints) {
      if (address !== this.localAddress && held.isMember && !this.alive.has(address)) out.push(address);
    }
    return out;
  }

  members(): PeerAddress[] {
    const out: PeerAddress[] = [];
    for (const [address, held] of this.endpoints) if (held.isMember) out.push(address);
    return out;
  }

  view(held: EndpointState): EndpointView {
    return new EndpointView(
      held.address,
      held.generation,
      held.heartbeatVersion,
      this.isAlive(held.address),
      held.snapshot(),
    );
  }

  // ------------------------------------------------------------ applying states

  /** Applies states from a peer (or a tombstone from removeEndpoint), then delivers the events they cause. */
  applyStates(states: readonly EndpointStateDelta[]): void {
    const nowMs = this.clock.monotonicMs();
    for (const delta of states) this.applyState(delta, nowMs);
    this.emitter.drain();
  }

  private applyState(delta: EndpointStateDelta, nowMs: number): void {
    const address = delta.address;
    if (address === this.localAddress) return;
    if (this.isQuarantined(address, delta.generation)) {
      this.stats.quarantinedStates += 1;
      return;
    }
    const held = this.endpoints.get(address);
    if (held === undefined) {
      if (delta.fromVersion !== 0) return;
      if (this.endpoints.size >= MAX_ENDPOINTS) {
        this.stats.overflowStates += 1;
        if (!this.overflowWarned) this.logger.warn({ max: MAX_ENDPOINTS }, 'too many endpoints; new ones ignored');
        this.overflowWarned = true;
        return;
      }
      this.replace(undefined, EndpointState.fromWhole(delta), nowMs);
    } else if (delta.generation > held.generation) {
      if (delta.fromVersion !== 0) return;
      if (delta.generation > held.generation + MAX_GENERATION_JUMP_SECONDS) {
        this.logger.warn({ address, held: held.generation, got: delta.generation }, 'implausible generation ignored');
        return;
      }
      this.replace(held, EndpointState.fromWhole(delta), nowMs);
    } else if (delta.generation === held.generation) {
      this.merge(held, delta, nowMs);
    }
  }

  /** A new endpoint, or a new generation of a known one: a death (if it was UP) and a birth. */
  private replace(previous: EndpointState | undefined, next: EndpointState, nowMs: number): void {
    const address = next.address;
    this.endpoints.set(address, next);
    this.detector.remove(address);
    if (this.alive.delete(address)) {
      this.logger.info({ address }, 'endpoint DOWN (new generation)');
      this.emitter.push('down', () => this.view(previous!));
    }
    const wasMember = previous?.isMember === true;
    if (next.isMember) {
      const event = wasMember ? 'restart' : 'join';
      this.logger.info({ address, generation: next.generation }, wasMember ? 'endpoint restarted' : 'endpoint joined');
      this.emitter.push(event, () => this.view(next));
    }
    if (next.isMember || wasMember) this.pushChanges(next, next.entries());
    if (wasMember && !next.isMember) this.emitter.push('removed', () => this.view(next));
    // The first heartbeat starts the failure detector's window; the endpoint is UP once a later one arrives.
    if (!next.isShutdown) this.detector.report(address, nowMs);
  }

  private merge(held: EndpointState, delta: EndpointStateDelta, nowMs: number): void {
    const address = held.address;
    const wasMember = held.isMember;
    const merged = held.merge(delta);
    if (merged === undefined) return;
    if (!wasMember && held.isMember) this.emitter.push('join', () => this.view(held));
    if (wasMember || held.isMember) this.pushChanges(held, merged.changed);
    if (wasMember && !held.isMember) {
      if (this.alive.delete(address)) this.emitter.push('down', () => this.view(held));
      this.logger.info({ address, status: held.statusName }, 'endpoint removed from the cluster');
      this.emitter.push('removed', () => this.view(held));
      return;
    }
    if (!merged.heartbeatAdvanced) return;
    if (held.isShutdown) {
      if (this.alive.delete(address)) {
        this.logger.info({ address }, 'endpoint DOWN (shut down)');
        this.emitter.push('down', () => this.view(held));
      }
      this.detector.remove(address);
      return;
    }
    this.detector.report(address, nowMs);
    if (held.isMember && !this.alive.has(address)) {
      this.alive.add(address);
      this.logger.info({ address }, 'endpoint UP');
      this.emitter.push('up', () => this.view(held));
    }
  }

  private pushChanges(held: EndpointState, changed: readonly { key: string; value: string; version: number }[]): void {
    if (changed.length === 0 || !this.emitter.wants('change')) return;
    const endpoint = this.view(held);
    for (const { key, value, version } of changed) {
      this.emitter.push('change', () => ({ address: held.address, key, value, version, endpoint }));
    }
  }

  // ------------------------------------------------------------ judging

  /** Convicts endpoints whose phi is over the threshold; evicts expired dead states; ends quarantines. */
  statusCheck(): void {
    const nowMs = this.clock.monotonicMs();
    if (this.lastStatusCheckMs !== undefined && nowMs - this.lastStatusCheckMs > this.options.maxLocalPauseMs) {
      // This node was paused (GC, a suspended VM): peers' silence is its own. Convict no one for a while.
      this.logger.warn({ pauseMs: nowMs - this.lastStatusCheckMs }, 'local pause; not marking nodes down for now');
      this.convictionsResumeAtMs = nowMs + this.options.maxLocalPauseMs;
    }
    this.lastStatusCheckMs = nowMs;
    const wallMs = Math.floor(this.clock.nowMicros() / 1000);
    const evict: EndpointState[] = [];
    for (const [address, held] of this.endpoints) {
      if (address === this.localAddress) continue;
      if (this.alive.has(address) && nowMs >= this.convictionsResumeAtMs) {
        const phi = this.detector.phi(address, nowMs);
        if (phi > this.options.phiThreshold) {
          this.alive.delete(address);
          this.stats.convictions += 1;
          this.logger.info({ address, phi }, 'endpoint DOWN (convicted)');
          this.emitter.push('down', () => this.view(held));
        }
      }
      const expiresAtMs = held.expiresAtMs;
      if (expiresAtMs !== undefined && expiresAtMs <= wallMs) evict.push(held);
    }
    for (const held of evict) {
      this.endpoints.delete(held.address);
      this.detector.remove(held.address);
      this.setQuarantine(held.address, held.generation, nowMs);
      this.stats.evictions += 1;
      this.logger.info({ address: held.address }, 'dead endpoint evicted; quarantined');
    }
    for (const [address, q] of this.quarantine) if (q.untilMs <= nowMs) this.quarantine.delete(address);
    this.emitter.drain();
  }

  // ------------------------------------------------------------ helpers

  isQuarantined(address: PeerAddress, generation: number): boolean {
    if (this.quarantine.size === 0) return false;
    const q = this.quarantine.get(address);
    return q !== undefined && generation <= q.generation && this.clock.monotonicMs() < q.untilMs;
  }

  private setQuarantine(address: PeerAddress, generation: number, nowMs: number): void {
    this.quarantine.delete(address);
    // Bounded: the oldest quarantine gives way.
    if (this.quarantine.size >= MAX_ENDPOINTS) {
      const oldest = this.quarantine.keys().next().value;
      if (oldest !== undefined) this.quarantine.delete(oldest);
    }
    this.quarantine.set(address, { generation, untilMs: nowMs + this.options.quarantineMs });
  }
}
