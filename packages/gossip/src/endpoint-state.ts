/**
 * One endpoint's state as a gossiper holds it: the heartbeat (generation,
 * version) and the versioned application states.
 *
 * Invariant: a held state of maximum version `m` equals its owner's state as of
 * version `m` — for every key, the latest value set at a version ≤ m. Versions
 * come from one counter per generation shared by the heartbeat and all keys,
 * so "everything above m" is exactly what a holder at `m` lacks, and merging a
 * delta whose base is ≤ m keeps the invariant.
 */
import type { PeerAddress } from '@ringtail/codec';
import { ApplicationStateKeys, isDeadStatus, type VersionedValue } from './app-state.js';
import { SHUTDOWN_HEARTBEAT_VERSION } from './constants.js';
import type { ApplicationStateUpdate, EndpointStateDelta, GossipDigest } from './messages.js';

export class EndpointState {
  private readonly values = new Map<string, VersionedValue>();
  private maxStateVersion = 0;
  /** Derived from STATUS when it is set (read on every round for every endpoint, so kept, not parsed). */
  private deadStateExpiresAtMs: number | undefined;

  constructor(
    readonly address: PeerAddress,
    readonly generation: number,
    private heartbeat: number,
  ) {}

  /** A state from a whole delta (`fromVersion` 0). */
  static fromWhole(delta: EndpointStateDelta): EndpointState {
    const state = new EndpointState(delta.address, delta.generation, delta.heartbeatVersion);
    for (const update of delta.states) state.put(update.key, update.value, update.version);
    return state;
  }

  get heartbeatVersion(): number {
    return this.heartbeat;
  }

  /** The highest version held: of the heartbeat or of any application state. */
  get maxVersion(): number {
    return Math.max(this.heartbeat, this.maxStateVersion);
  }

  /** This generation stopped gracefully; no later heartbeat of it exists. */
  get isShutdown(): boolean {
    return this.heartbeat === SHUTDOWN_HEARTBEAT_VERSION;
  }

  /** Whether the endpoint belongs to the cluster: true unless its STATUS is LEFT or REMOVED. */
  get isMember(): boolean {
    return this.deadStateExpiresAtMs === undefined;
  }

  /** The status name (`NORMAL`, ...), or '' before the owner set one. */
  get statusName(): string {
    const status = this.values.get(ApplicationStateKeys.STATUS)?.value ?? '';
    const comma = status.indexOf(',');
    return comma < 0 ? status : status.slice(0, comma);
  }

  /** When a dead state (LEFT, REMOVED) is to be evicted, in wall-clock ms; undefined for a member. */
  get expiresAtMs(): number | undefined {
    return this.deadStateExpiresAtMs;
  }

  get(key: string): VersionedValue | undefined {
    return this.values.get(key);
  }

  get size(): number {
    return this.values.size;
  }

  /** The application states, ordered by version (the order their owner set them). */
  entries(): ApplicationStateUpdate[] {
    const out: ApplicationStateUpdate[] = [];
    for (const [key, v] of this.values) out.push({ key, value: v.value, version: v.version });
    return out.sort((a, b) => a.version - b.version);
  }

  /** A copy of the application states. */
  snapshot(): Map<string, VersionedValue> {
    return new Map(this.values);
  }

  digest(): GossipDigest {
    return { address: this.address, generation: this.generation, maxVersion: this.maxVersion };
  }

  /** Everything changed after `fromVersion`, with the current heartbeat. */
  delta(fromVersion: number): EndpointStateDelta {
    const states: ApplicationStateUpdate[] = [];
    for (const [key, v] of this.values) {
      if (v.version > fromVersion) states.push({ key, value: v.value, version: v.version });
    }
    return {
      address: this.address,
      generation: this.generation,
      heartbeatVersion: this.heartbeat,
      fromVersion,
      states,
    };
  }

  /** Sets the heartbeat (the owner bumps it each round; a shutdown sets SHUTDOWN_HEARTBEAT_VERSION). */
  setHeartbeat(version: number): void {
    this.heartbeat = version;
  }

  /** Sets one application state; the caller gives it a version above every other. */
  put(key: string, value: string, version: number): void {
    this.values.set(key, { value, version });
    if (version > this.maxStateVersion) this.maxStateVersion = version;
    if (key === ApplicationStateKeys.STATUS) {
      const comma = value.indexOf(',');
      const dead = comma >= 0 && isDeadStatus(value.slice(0, comma));
      this.deadStateExpiresAtMs = dead ? Number(value.slice(comma + 1)) : undefined;
    }
  }

  /**
   * Merges a delta of the same generation. Returns undefined — and changes
   * nothing — when the delta starts above what is held (applying it would skip
   * changes); otherwise the application states that were newer, in version
   * order, and whether the heartbeat advanced.
   */
  merge(delta: EndpointStateDelta): { changed: ApplicationStateUpdate[]; heartbeatAdvanced: boolean } | undefined {
    if (delta.generation !== this.generation || delta.fromVersion > this.maxVersion) return undefined;
    const changed: ApplicationStateUpdate[] = [];
    for (const update of delta.states) {
      const held = this.values.get(update.key);
      if (held === undefined || update.version > held.version) {
        this.put(update.key, update.value, update.version);
        changed.push(update);
      }
    }
    changed.sort((a, b) => a.version - b.version);
    const heartbeatAdvanced = delta.heartbeatVersion > this.heartbeat;
    if (heartbeatAdvanced) this.heartbeat = delta.heartbeatVersion;
    return { changed, heartbeatAdvanced };
  }
}
