/**
 * Token allocation for a joining node (Cassandra's
 * `allocate_tokens_for_local_replication_factor`). Deterministic: the same
 * ring, node, count, factor and random seed give the same tokens.
 *
 * Only the new node's datacenter matters (NetworkTopologyStrategy places each
 * datacenter's replicas independently). Replicas spread over racks when the
 * datacenter will have at least RF racks, so then racks are the groups that
 * must differ between a range's replicas; with one rack — or, approximately,
 * with fewer racks than RF — nodes are.
 *
 * - An empty datacenter gets evenly spaced tokens from a random offset.
 * - While it has fewer than RF groups every group replicates everything, so
 *   ownership cannot be improved yet; the new tokens are interleaved so the
 *   first RF groups end up evenly spaced (group k lands k/RF of the way along
 *   the ranges of the first), the shape later allocations balance best from.
 * - After that, the replication-aware allocator (replication-aware.ts).
 */
import type { Random } from '@ringtail/codec';
import { MAX_NAME_LENGTH, MAX_REPLICATION_FACTOR } from './constants.js';
import { invalidArgument } from './errors.js';
import { checkTokenCount } from './random-tokens.js';
import { type AllocationVnode, allocateReplicationAware } from './replication-aware.js';
import type { NodeId, TokenRing } from './ring.js';
import { MAX_TOKEN, RING_SIZE, ringDistance, tokenAlong } from './token.js';

export interface NewNode {
  readonly id: NodeId;
  readonly dc: string;
  readonly rack: string;
}

export interface AllocationOptions {
  /** The factor to balance for in the node's datacenter (allocate_tokens_for_local_replication_factor). */
  readonly replicationFactor: number;
  /** Offsets the first node's tokens; otherwise unused. */
  readonly random: Random;
}

const compareTokens = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

/** Chooses `count` tokens for `node` joining `ring`; sorted ascending, none already in the ring. */
export function allocateTokens(ring: TokenRing, node: NewNode, count: number, options: AllocationOptions): bigint[] {
  checkTokenCount(count);
  for (const [what, value] of [
    ['node id', node.id],
    ['datacenter', node.dc],
    ['rack', node.rack],
  ] as const) {
    if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME_LENGTH) {
      throw invalidArgument(`${what} must be a string of 1 to ${MAX_NAME_LENGTH} characters`);
    }
  }
  if (ring.node(node.id) !== undefined) throw invalidArgument(`node '${node.id}' is already in the ring`);
  const rf = options.replicationFactor;
  if (!Number.isInteger(rf) || rf < 1 || rf > MAX_REPLICATION_FACTOR) {
    throw invalidArgument(`replicationFactor must be an integer in [1, ${MAX_REPLICATION_FACTOR}], got ${rf}`);
  }

  const taken = new Set<bigint>(ring.tokens());
  const dcNodes = ring.nodes().filter((n) => n.dc === node.dc);
  if (dcNodes.length === 0) return evenTokens(count, options.random, taken);

  const racks = new Set(dcNodes.map((n) => n.rack)).add(node.rack);
  const byRack = racks.size > 1 && racks.size >= rf;
  const groupIndex = new Map<string, number>();
  const groupOf = (n: NewNode): number => {
    const key = byRack ? n.rack : n.id;
    const known = groupIndex.get(key);
    if (known !== undefined) return known;
    groupIndex.set(key, groupIndex.size);
    return groupIndex.size - 1;
  };
  const vnodes: AllocationVnode[] = [];
  dcNodes.forEach((n, unit) => {
    const group = groupOf(n);
    for (const token of n.tokens) vnodes.push({ token, unit, group });
  });
  vnodes.sort((a, b) => compareTokens(a.token, b.token));
  const existingGroups = groupIndex.size;
  const newGroup = groupOf(node);

  if (existingGroups < rf) {
    return interleavedTokens(
      vnodes.map((v) => v.token),
      count,
      rf - existingGroups + 1,
      taken,
    );
  }
  return allocateReplicationAware({
    vnodes,
    unitTokenCounts: dcNodes.map((n) => n.tokens.length),
    groupCount: groupIndex.size,
    newGroup,
    replicationFactor: rf,
    count,
    taken,
  });
}

/** `count` tokens 2^64/count apart from a random offset. */
function evenTokens(count: number, random: Random, taken: Set<bigint>): bigint[] {
  const step = RING_SIZE / BigInt(count);
  const offset = (BigInt(random.int(2 ** 32)) * step) >> 32n;
  const tokens: bigint[] = [];
  for (let i = 0n; i < BigInt(count); i++) tokens.push(free((offset + i * step) & MAX_TOKEN, taken));
  return tokens.sort(compareTokens);
}

/**
 * One token in each of the `count` largest ranges of `existing` (ring order
 * breaks ties), 1/`parts` of the way along it; repeated on the result while
 * more are needed.
 */
function interleavedTokens(existing: readonly bigint[], count: number, parts: number, taken: Set<bigint>): bigint[] {
  let ring = [...existing];
  const chosen: bigint[] = [];
  while (chosen.length < count) {
    const ranges = ring.map((end, i) => ({ i, start: ring[i === 0 ? ring.length - 1 : i - 1]!, end }));
    const size = (r: { start: bigint; end: bigint }): bigint =>
      r.start === r.end ? RING_SIZE : ringDistance(r.start, r.end);
    ranges.sort((a, b) => {
      const d = compareTokens(size(b), size(a));
      return d !== 0 ? d : a.i - b.i;
    });
    for (const range of ranges.slice(0, count - chosen.length)) {
      if (size(range) < 2n) break;
      chosen.push(free(tokenAlong(range.start, range.end, 1 / parts), taken));
    }
    ring = [...existing, ...chosen].sort(compareTokens);
    if (ranges.every((r) => size(r) < 2n)) throw invalidArgument('the ring has no room for more tokens');
  }
  return chosen.sort(compareTokens);
}

/** `token`, or the next one up not taken; marks it taken. */
function free(token: bigint, taken: Set<bigint>): bigint {
  let t = token;
  while (taken.has(t)) t = (t + 1n) & MAX_TOKEN;
  taken.add(t);
  return t;
}
