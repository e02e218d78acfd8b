/**
 * The decisions of the digest exchange, as pure functions over the states a
 * gossiper holds (the Gossiper sends and applies; this file decides what).
 *
 * For each digest (address, generation g, max version v) a responder holding
 * (G, V) for that address:
 * - holds nothing, or G < g: requests the whole state — (address, g, 0);
 * - G > g: sends its whole state;
 * - G = g, V < v: requests what is above V — (address, G, V);
 * - G = g, V > v: sends what is above v.
 * Unlike Cassandra, a responder also sends the whole state of every endpoint
 * the initiator did not mention, so one exchange is a full push-pull: a new
 * node learns the whole cluster from its first ACK.
 */
import type { PeerAddress } from '@ringtail/codec';
import { MAX_MESSAGE_CHARS } from './constants.js';
import type { EndpointState } from './endpoint-state.js';
import { type EndpointStateDelta, type GossipDigest, stateSizeChars } from './messages.js';

/** The states a gossiper holds, read-only, in a deterministic iteration order. */
export type StateMap = ReadonlyMap<PeerAddress, EndpointState>;

/** Collects deltas up to the per-message budget; a state that does not fit waits for a later round. */
export class StateBudget {
  readonly states: EndpointStateDelta[] = [];
  private chars = 0;
  /** States left out because the budget was spent. */
  skipped = 0;

  constructor(private readonly maxChars: number = MAX_MESSAGE_CHARS) {}

  add(delta: EndpointStateDelta): void {
    const size = stateSizeChars(delta);
    if (this.chars + size > this.maxChars) {
      this.skipped += 1;
      return;
    }
    this.chars += size;
    this.states.push(delta);
  }
}

export interface SynAnswer {
  /** Digests of what the responder wants. */
  readonly requests: GossipDigest[];
  /** States the initiator lacks. */
  readonly states: EndpointStateDelta[];
  /** States left out to stay within the message budget. */
  readonly skipped: number;
}

/**
 * The responder's side of a SYN. `self` is never requested (a node is the
 * authority on itself); `ignored(address, generation)` says which states the
 * responder would drop anyway (quarantined ones), which it does not request.
 */
export function examineDigests(
  local: StateMap,
  digests: readonly GossipDigest[],
  self: PeerAddress,
  ignored: (address: PeerAddress, generation: number) => boolean = () => false,
  maxChars: number = MAX_MESSAGE_CHARS,
): SynAnswer {
  const requests: GossipDigest[] = [];
  const budget = new StateBudget(maxChars);
  let heldAndMentioned = 0;
  for (const digest of digests) {
    const held = local.get(digest.address);
    if (held !== undefined) heldAndMentioned += 1;
    if (held === undefined || held.generation < digest.generation) {
      if (digest.address !== self && !ignored(digest.address, digest.generation)) {
        requests.push({ address: digest.address, generation: digest.generation, maxVersion: 0 });
      }
    } else if (held.generation > digest.generation) {
      budget.add(held.delta(0));
    } else if (held.maxVersion < digest.maxVersion) {
      if (digest.address !== self) {
        requests.push({ address: digest.address, generation: held.generation, maxVersion: held.maxVersion });
      }
    } else if (held.maxVersion > digest.maxVersion) {
      budget.add(held.delta(digest.maxVersion));
    }
  }
  // Usually the initiator mentioned everything held; only otherwise find what it did not.
  if (heldAndMentioned < local.size) {
    const mentioned = new Set(digests.map((d) => d.address));
    for (const [address, held] of local) {
      if (!mentioned.has(address)) budget.add(held.delta(0));
    }
  }
  return { requests, states: budget.states, skipped: budget.skipped };
}

/** The initiator's answer to the requests of an ACK: what it holds above each requested version. */
export function answerRequests(
  local: StateMap,
  requests: readonly GossipDigest[],
  maxChars: number = MAX_MESSAGE_CHARS,
): { states: EndpointStateDelta[]; skipped: number } {
  const budget = new StateBudget(maxChars);
  for (const request of requests) {
    const held = local.get(request.address);
    if (held === undefined || held.generation < request.generation) continue;
    if (held.generation > request.generation) budget.add(held.delta(0));
    else if (held.maxVersion > request.maxVersion) budget.add(held.delta(request.maxVersion));
  }
  return { states: budget.states, skipped: budget.skipped };
}

/** Fisher–Yates, from the injected random source. */
export function shuffleInPlace<T>(items: T[], randomInt: (bound: number) => number): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    const tmp = items[i]!;
    items[i] = items[j]!;
    items[j] = tmp;
  }
  return items;
}
