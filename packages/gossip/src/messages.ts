/**
 * The gossip messages and their codecs (one per kind, version 1). The exchange
 * is Cassandra's: SYN carries a digest per known endpoint, ACK answers with the
 * states the initiator lacks and the digests of what the responder wants, and
 * ACK2 carries what was wanted. SHUTDOWN announces a graceful stop. See
 * docs/gossip.md for the protocol.
 *
 * `decode` is strict: anything that is not exactly a version-1 body — a wrong
 * type, a negative or fractional number, an unknown field, a duplicate, a list
 * or string over its bound — is RT_BAD_MESSAGE.
 */
import type { MessageCodec, PeerAddress } from '@ringtail/codec';
import { addressProblem, keyProblem, valueProblem } from './app-state.js';
import {
  GOSSIP_MESSAGE_VERSION,
  MAX_APPLICATION_STATES,
  MAX_CLUSTER_NAME_LENGTH,
  MAX_DIGESTS_PER_MESSAGE,
  MAX_GENERATION,
  MAX_MESSAGE_CHARS,
  MAX_STATES_PER_MESSAGE,
  NUMBER_CHARS,
  SHUTDOWN_HEARTBEAT_VERSION,
} from './constants.js';
import { badMessage } from './errors.js';

/** What a node knows of one endpoint, in brief: its generation and the highest version it holds. */
export interface GossipDigest {
  readonly address: PeerAddress;
  readonly generation: number;
  readonly maxVersion: number;
}

/** One application state as sent: key, value and the version its owner gave it. */
export interface ApplicationStateUpdate {
  readonly key: string;
  readonly value: string;
  readonly version: number;
}

/**
 * An endpoint's state, whole or as a delta: it holds every change made after
 * `fromVersion` (0 for a whole state) and the current heartbeat. A receiver
 * applies a delta only onto a state of the same generation that is at least
 * as new as `fromVersion`, so no change is ever skipped.
 */
export interface EndpointStateDelta {
  readonly address: PeerAddress;
  readonly generation: number;
  readonly heartbeatVersion: number;
  readonly fromVersion: number;
  /** Distinct keys, each with a version above `fromVersion`. */
  readonly states: readonly ApplicationStateUpdate[];
}

export interface GossipSyn {
  readonly clusterName: string;
  readonly digests: readonly GossipDigest[];
}

export interface GossipAck {
  readonly clusterName: string;
  /** Endpoints the responder wants, each with the version above which it lacks changes (0: everything). */
  readonly requests: readonly GossipDigest[];
  /** States the initiator lacks. */
  readonly states: readonly EndpointStateDelta[];
}

export interface GossipAck2 {
  readonly clusterName: string;
  readonly states: readonly EndpointStateDelta[];
}

/** Sent to every live peer on a graceful stop: the sender's whole final state, heartbeat at SHUTDOWN_HEARTBEAT_VERSION. */
export interface GossipShutdown {
  readonly clusterName: string;
  readonly state: EndpointStateDelta;
}

/**
 * The size a state counts against MAX_MESSAGE_CHARS: its strings' lengths plus
 * NUMBER_CHARS per number. Sender and receiver both use this estimate.
 */
export function stateSizeChars(state: EndpointStateDelta): number {
  let chars = state.address.length + 4 * NUMBER_CHARS;
  for (const s of state.states) chars += s.key.length + s.value.length + 2 * NUMBER_CHARS;
  return chars;
}

// ---------------------------------------------------------------- encoding
//
// Lists travel flat — one array of scalars per list, not an array per entry —
// because a SYN names every endpoint every second: a flat array costs one
// object on the wire instead of thousands, in msgpack and in the simulator.
//
//   digests: [address, generation, maxVersion, address, generation, maxVersion, ...]
//   states:  [address, generation, heartbeat, fromVersion, n, key, value, version (n times), address, ...]

/** Scalars per digest in a flat digest list. */
const DIGEST_FIELDS = 3;
/** Scalars before the application states of a state in a flat state list. */
const STATE_HEADER_FIELDS = 5;
/** Scalars per application state. */
const ENTRY_FIELDS = 3;
const MAX_FLAT_STATES_LENGTH = MAX_STATES_PER_MESSAGE * (STATE_HEADER_FIELDS + ENTRY_FIELDS * MAX_APPLICATION_STATES);

function encodeDigests(digests: readonly GossipDigest[]): (string | number)[] {
  const flat: (string | number)[] = [];
  for (const d of digests) flat.push(d.address, d.generation, d.maxVersion);
  return flat;
}

function encodeStates(states: readonly EndpointStateDelta[]): (string | number)[] {
  const flat: (string | number)[] = [];
  for (const s of states) {
    flat.push(s.address, s.generation, s.heartbeatVersion, s.fromVersion, s.states.length);
    for (const a of s.states) flat.push(a.key, a.value, a.version);
  }
  return flat;
}

// ---------------------------------------------------------------- decoding

/** Reads one body; every check throws RT_BAD_MESSAGE naming the kind. */
class BodyReader {
  private chars = 0;

  constructor(readonly kind: string) {}

  fail(detail: string): never {
    throw badMessage(this.kind, detail);
  }

  record(body: unknown, fields: readonly string[]): Record<string, unknown> {
    if (typeof body !== 'object' || body === null || Array.isArray(body) || body instanceof Uint8Array) {
      this.fail('the body is not a record');
    }
    const record = body as Record<string, unknown>;
    for (const key of Object.keys(record)) {
      if (!fields.includes(key)) this.fail(`unknown field ${JSON.stringify(key.slice(0, 64))}`);
    }
    for (const field of fields) if (!Object.hasOwn(record, field)) this.fail(`missing field ${field}`);
    return record;
  }

  array(value: unknown, what: string, maxLength: number): unknown[] {
    if (!Array.isArray(value)) this.fail(`${what} is not a list`);
    if (value.length > maxLength) this.fail(`${what} has ${value.length} entries, more than ${maxLength}`);
    return value;
  }

  /** A non-negative integer in [min, max]; msgpack may hand large integers over as bigint. */
  integer(value: unknown, what: string, min: number, max: number): number {
    const n = typeof value === 'bigint' && value >= BigInt(min) && value <= BigInt(max) ? Number(value) : value;
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < min || n > max) {
      this.fail(`${what} must be an integer in [${min}, ${max}]`);
    }
    return n;
  }

  clusterName(value: unknown): string {
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_CLUSTER_NAME_LENGTH) {
      this.fail(`the cluster name must be a string of 1 to ${MAX_CLUSTER_NAME_LENGTH} characters`);
    }
    return value;
  }

  address(value: unknown): PeerAddress {
    const problem = addressProblem(value);
    if (problem !== undefined) this.fail(problem);
    return value as PeerAddress;
  }

  digests(value: unknown, what: string): GossipDigest[] {
    const flat = this.array(value, what, DIGEST_FIELDS * MAX_DIGESTS_PER_MESSAGE);
    if (flat.length % DIGEST_FIELDS !== 0) this.fail(`${what} is not a list of (address, generation, version)`);
    const seen = new Set<string>();
    const digests: GossipDigest[] = [];
    for (let i = 0; i < flat.length; i += DIGEST_FIELDS) {
      const address = this.address(flat[i]);
      if (seen.has(address)) this.fail(`two digests for ${address}`);
      seen.add(address);
      digests.push({
        address,
        generation: this.integer(flat[i + 1], 'a generation', 1, MAX_GENERATION),
        maxVersion: this.integer(flat[i + 2], 'a version', 0, SHUTDOWN_HEARTBEAT_VERSION),
      });
    }
    return digests;
  }

  states(value: unknown, maxStates = MAX_STATES_PER_MESSAGE): EndpointStateDelta[] {
    const flat = this.array(value, 'states', MAX_FLAT_STATES_LENGTH);
    const seen = new Set<string>();
    const states: EndpointStateDelta[] = [];
    let i = 0;
    while (i < flat.length) {
      if (states.length === maxStates) this.fail(`more than ${maxStates} states`);
      const state = this.stateAt(flat, i);
      i = state.next;
      if (seen.has(state.delta.address)) this.fail(`two states for ${state.delta.address}`);
      seen.add(state.delta.address);
      states.push(state.delta);
    }
    return states;
  }

  private stateAt(flat: unknown[], start: number): { delta: EndpointStateDelta; next: number } {
    if (start + STATE_HEADER_FIELDS > flat.length) this.fail('a state is cut short');
    const address = this.address(flat[start]);
    const generation = this.integer(flat[start + 1], 'a generation', 1, MAX_GENERATION);
    const heartbeatVersion = this.integer(flat[start + 2], 'a heartbeat version', 0, SHUTDOWN_HEARTBEAT_VERSION);
    const fromVersion = this.integer(flat[start + 3], 'a base version', 0, SHUTDOWN_HEARTBEAT_VERSION);
    const count = this.integer(flat[start + 4], 'a count of application states', 0, MAX_APPLICATION_STATES);
    const next = start + STATE_HEADER_FIELDS + ENTRY_FIELDS * count;
    if (next > flat.length) this.fail(`the state of ${address} is cut short`);
    const keys = new Set<string>();
    const states: ApplicationStateUpdate[] = [];
    for (let i = start + STATE_HEADER_FIELDS; i < next; i += ENTRY_FIELDS) {
      const key = flat[i];
      const value = flat[i + 1];
      const problem = keyProblem(key) ?? valueProblem(key as string, value);
      if (problem !== undefined) this.fail(`${address}: ${problem}`);
      if (keys.has(key as string)) this.fail(`${address}: ${key} appears twice`);
      keys.add(key as string);
      // Only a heartbeat may carry the shutdown version.
      const version = this.integer(flat[i + 2], 'an application state version', 1, SHUTDOWN_HEARTBEAT_VERSION - 1);
      if (version <= fromVersion) this.fail(`${address}: ${key} at version ${version} is not above ${fromVersion}`);
      states.push({ key: key as string, value: value as string, version });
    }
    const delta = { address, generation, heartbeatVersion, fromVersion, states };
    this.chars += stateSizeChars(delta);
    if (this.chars > MAX_MESSAGE_CHARS) this.fail(`the states exceed ${MAX_MESSAGE_CHARS} characters`);
    return { delta, next };
  }

  version(version: number): void {
    if (version !== GOSSIP_MESSAGE_VERSION) this.fail(`version ${version} is not supported`);
  }
}

export const gossipSynCodec: MessageCodec<GossipSyn> = {
  kind: 'gossip.syn',
  version: GOSSIP_MESSAGE_VERSION,
  encode: (m) => ({ cluster: m.clusterName, digests: encodeDigests(m.digests) }),
  decode(body, version) {
    const r = new BodyReader('gossip.syn');
    r.version(version);
    const rec = r.record(body, ['cluster', 'digests']);
    return { clusterName: r.clusterName(rec.cluster), digests: r.digests(rec.digests, 'digests') };
  },
};

export const gossipAckCodec: MessageCodec<GossipAck> = {
  kind: 'gossip.ack',
  version: GOSSIP_MESSAGE_VERSION,
  encode: (m) => ({
    cluster: m.clusterName,
    requests: encodeDigests(m.requests),
    states: encodeStates(m.states),
  }),
  decode(body, version) {
    const r = new BodyReader('gossip.ack');
    r.version(version);
    const rec = r.record(body, ['cluster', 'requests', 'states']);
    return {
      clusterName: r.clusterName(rec.cluster),
      requests: r.digests(rec.requests, 'requests'),
      states: r.states(rec.states),
    };
  },
};

export const gossipAck2Codec: MessageCodec<GossipAck2> = {
  kind: 'gossip.ack2',
  version: GOSSIP_MESSAGE_VERSION,
  encode: (m) => ({ cluster: m.clusterName, states: encodeStates(m.states) }),
  decode(body, version) {
    const r = new BodyReader('gossip.ack2');
    r.version(version);
    const rec = r.record(body, ['cluster', 'states']);
    return { clusterName: r.clusterName(rec.cluster), states: r.states(rec.states) };
  },
};

export const gossipShutdownCodec: MessageCodec<GossipShutdown> = {
  kind: 'gossip.shutdown',
  version: GOSSIP_MESSAGE_VERSION,
  encode: (m) => ({ cluster: m.clusterName, state: encodeStates([m.state]) }),
  decode(body, version) {
    const r = new BodyReader('gossip.shutdown');
    r.version(version);
    const rec = r.record(body, ['cluster', 'state']);
    const state = r.states(rec.state, 1)[0] ?? r.fail('a shutdown carries a state');
    if (state.heartbeatVersion !== SHUTDOWN_HEARTBEAT_VERSION || state.fromVersion !== 0) {
      r.fail('a shutdown carries a whole state with the shutdown heartbeat');
    }
    return { clusterName: r.clusterName(rec.cluster), state };
  },
};
