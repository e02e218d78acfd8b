/**
 * The token ring as gossip describes it, for `/status` ownership and for
 * choosing a joining node's tokens. Ring node ids are internode addresses:
 * the one name gossip guarantees unique.
 */
import type { Random } from '@ringtail/codec';
import { allocateTokens, type RingNodeInput, TokenRing } from '@ringtail/ring';
import { OWNERSHIP_DECIMALS } from '../constants.js';

/** One member with its datacenter, rack and tokens (possibly none yet). */
export interface RingMember {
  readonly address: string;
  readonly dc: string;
  readonly rack: string;
  readonly tokens: readonly bigint[];
}

export interface GossipRing {
  readonly ring: TokenRing | undefined;
  /** Tokens claimed by more than one member; each went to the member with the smallest address. */
  readonly conflicts: number;
}

/**
 * The ring of every member that announced tokens. Two members claiming one
 * token (two nodes that chose tokens at the same moment without seeing each
 * other) cannot both own it; the smallest address keeps it, the same on
 * every node, and the conflict is counted so the caller can warn.
 */
export function gossipRing(members: readonly RingMember[]): GossipRing {
  const sorted = [...members].sort((a, b) => (a.address < b.address ? -1 : a.address > b.address ? 1 : 0));
  const claimed = new Set<bigint>();
  const nodes: RingNodeInput[] = [];
  let conflicts = 0;
  for (const member of sorted) {
    const tokens: bigint[] = [];
    for (const token of member.tokens) {
      if (claimed.has(token)) {
        conflicts += 1;
        continue;
      }
      claimed.add(token);
      tokens.push(token);
    }
    if (tokens.length > 0) nodes.push({ id: member.address, dc: member.dc, rack: member.rack, tokens });
  }
  return { ring: nodes.length === 0 ? undefined : TokenRing.build(nodes), conflicts };
}

/** Each node's share of the ring's primary ranges (sums to 1), rounded to OWNERSHIP_DECIMALS places. */
export function ownershipOf(ring: TokenRing | undefined): ReadonlyMap<string, number> {
  const scale = 10 ** OWNERSHIP_DECIMALS;
  const rounded = new Map<string, number>();
  if (ring === undefined) return rounded;
  for (const [id, fraction] of ring.ownership()) rounded.set(id, Math.round(fraction * scale) / scale);
  return rounded;
}

/**
 * Tokens for `self` joining the ring of `members` (self excluded), balanced
 * for `replicationFactor` in self's datacenter (the ring package's
 * allocate_tokens_for_local_replication_factor). An empty ring gives evenly
 * spaced tokens from a random offset.
 */
export function allocateJoiningTokens(
  members: readonly RingMember[],
  self: { readonly address: string; readonly dc: string; readonly rack: string },
  numTokens: number,
  replicationFactor: number,
  random: Random,
): bigint[] {
  const { ring } = gossipRing(members.filter((m) => m.address !== self.address));
  return allocateTokens(ring ?? TokenRing.build([]), { id: self.address, dc: self.dc, rack: self.rack }, numTokens, {
    replicationFactor,
    random,
  });
}
