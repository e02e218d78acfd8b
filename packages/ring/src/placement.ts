/**
 * A replication strategy applied to one ring: the replica list of every token
 * range, computed once, so that finding the replicas of a token is a binary
 * search (TokenIndex) and an array read.
 *
 * SimpleStrategy: the first `replication_factor` distinct nodes met walking
 * clockwise from the range's end token.
 * NetworkTopologyStrategy: per datacenter, the same walk over that
 * datacenter's nodes, taking a node only from a rack not yet used while
 * unused racks remain, and accepting a node from a used rack only as many
 * times as the factor exceeds the datacenter's rack count — Cassandra's rule.
 * The datacenters' replicas are then merged in walk order (nearest first).
 * A factor above the node count (of the ring or the datacenter) yields them all.
 */
import type { NodeId, RingNode } from './ring.js';
import type { NetworkTopologyStrategy, ReplicationStrategy } from './strategy.js';
import type { TokenIndex } from './token-index.js';

/** What a placement needs from a ring. */
export interface RingLayout {
  /** Sorted ascending, distinct. */
  readonly tokens: readonly bigint[];
  /** Index into `nodes` of each token's owner. */
  readonly ownerOfToken: Int32Array;
  /** Sorted by id. */
  readonly nodes: readonly RingNode[];
  readonly index: TokenIndex;
  /** Size of the range (tokens[i-1], tokens[i]] as a fraction of the ring. */
  readonly rangeFractions: Float64Array;
}

export interface ReplicatedRange {
  /** Exclusive. */
  readonly start: bigint;
  /** Inclusive. */
  readonly end: bigint;
  readonly replicas: readonly NodeId[];
}

const NO_REPLICAS: readonly NodeId[] = Object.freeze([]);

export class ReplicaPlacement {
  private constructor(
    readonly strategy: ReplicationStrategy,
    private readonly layout: RingLayout,
    /** Replicas of the range ending at tokens[i]; equal neighbours share one frozen array. */
    private readonly replicaLists: ReadonlyArray<readonly NodeId[]>,
  ) {}

  /** @internal Rings call this; everyone else asks a ring for its placement. */
  static compute(layout: RingLayout, strategy: ReplicationStrategy): ReplicaPlacement {
    const lists =
      strategy.class === 'SimpleStrategy'
        ? simpleReplicas(layout, strategy.replicationFactor)
        : networkTopologyReplicas(layout, strategy);
    return new ReplicaPlacement(strategy, layout, lists);
  }

  /** The replicas of the range holding `token`, nearest first. Empty on an empty ring. */
  replicasFor(token: bigint): readonly NodeId[] {
    const i = this.layout.index.rangeIndexOf(token);
    return i < 0 ? NO_REPLICAS : this.replicaLists[i]!;
  }

  /** Every range in ring order (the first one wraps past 2^64) with its replicas. */
  ranges(): readonly ReplicatedRange[] {
    const { tokens } = this.layout;
    return tokens.map((end, i) =>
      Object.freeze({ start: tokens[i === 0 ? tokens.length - 1 : i - 1]!, end, replicas: this.replicaLists[i]! }),
    );
  }

  /**
   * Effective ownership: per node, the fraction of the ring it holds a replica
   * of (nodetool status's "Owns (effective)"). Sums to the total replication
   * factor actually placed. Every node of the ring appears, in id order.
   */
  ownership(): Map<NodeId, number> {
    const { nodes, rangeFractions } = this.layout;
    const owned = new Map<NodeId, number>(nodes.map((n) => [n.id, 0]));
    for (let i = 0; i < this.replicaLists.length; i++) {
      for (const id of this.replicaLists[i]!) owned.set(id, owned.get(id)! + rangeFractions[i]!);
    }
    return owned;
  }
}

function sameList(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** Freezes `list`, or returns `previous` when equal, so runs of equal ranges share one array. */
function share(list: NodeId[], previous: readonly NodeId[] | undefined): readonly NodeId[] {
  return previous !== undefined && sameList(list, previous) ? previous : Object.freeze(list);
}

function simpleReplicas(layout: RingLayout, replicationFactor: number): Array<readonly NodeId[]> {
  const { tokens, ownerOfToken, nodes } = layout;
  const tokenCount = tokens.length;
  const wanted = Math.min(replicationFactor, nodes.length);
  const takenAt = new Int32Array(nodes.length).fill(-1);
  const lists: Array<readonly NodeId[]> = new Array(tokenCount);
  for (let i = 0; i < tokenCount; i++) {
    const list: NodeId[] = [];
    // Ends: every node has a token, so a lap meets `wanted` <= nodes.length distinct ones.
    for (let j = i; list.length < wanted; j = j + 1 === tokenCount ? 0 : j + 1) {
      const owner = ownerOfToken[j]!;
      if (takenAt[owner] === i) continue;
      takenAt[owner] = i;
      list.push(nodes[owner]!.id);
    }
    lists[i] = share(list, lists[i - 1]);
  }
  return lists;
}

/** One datacenter's replicas for each of its own tokens, as ring indices of the tokens where they were met. */
interface DatacenterPicks {
  /** Ring indices of the datacenter's tokens, ascending. */
  readonly tokenIndices: Int32Array;
  /** `wanted` picks per datacenter token: picks[k * wanted + r]. */
  readonly picks: Int32Array;
  readonly wanted: number;
}

function datacenterPicks(layout: RingLayout, dc: string, factor: number): DatacenterPicks | undefined {
  const { tokens, ownerOfToken, nodes } = layout;
  const rackOfNode = new Int32Array(nodes.length).fill(-1);
  const racks = new Map<string, number>();
  let nodeCount = 0;
  nodes.forEach((node, n) => {
    if (node.dc !== dc) return;
    nodeCount++;
    if (!racks.has(node.rack)) racks.set(node.rack, racks.size);
    rackOfNode[n] = racks.get(node.rack)!;
  });
  const wanted = Math.min(factor, nodeCount);
  if (wanted === 0) return undefined;
  const indices: number[] = [];
  for (let i = 0; i < tokens.length; i++) if (rackOfNode[ownerOfToken[i]!]! >= 0) indices.push(i);
  const tokenIndices = Int32Array.from(indices);
  const m = tokenIndices.length;
  const picks = new Int32Array(m * wanted);
  const nodeSeenAt = new Int32Array(nodes.length).fill(-1);
  const rackSeenAt = new Int32Array(racks.size).fill(-1);
  const repeatsAllowed = Math.max(0, wanted - racks.size);
  for (let k = 0; k < m; k++) {
    let picked = 0;
    let repeatsLeft = repeatsAllowed;
    // One lap suffices: it meets every rack, and nodes beyond each rack's first number >= wanted - racks.
    for (let step = 0; step < m && picked < wanted; step++) {
      const ringIndex = tokenIndices[(k + step) % m]!;
      const node = ownerOfToken[ringIndex]!;
      if (nodeSeenAt[node] === k) continue;
      const rack = rackOfNode[node]!;
      if (rackSeenAt[rack] !== k) rackSeenAt[rack] = k;
      else if (repeatsLeft > 0) repeatsLeft--;
      else continue;
      nodeSeenAt[node] = k;
      picks[k * wanted + picked++] = ringIndex;
    }
  }
  return { tokenIndices, picks, wanted };
}

function networkTopologyReplicas(layout: RingLayout, strategy: NetworkTopologyStrategy): Array<readonly NodeId[]> {
  const { tokens, ownerOfToken, nodes } = layout;
  const tokenCount = tokens.length;
  const dcs: DatacenterPicks[] = [];
  for (const [dc, factor] of strategy.datacenters) {
    const picks = datacenterPicks(layout, dc, factor);
    if (picks !== undefined) dcs.push(picks);
  }
  const cursor = new Int32Array(dcs.length);
  const merged: number[] = [];
  const lists: Array<readonly NodeId[]> = new Array(tokenCount);
  for (let i = 0; i < tokenCount; i++) {
    merged.length = 0;
    for (let d = 0; d < dcs.length; d++) {
      const { tokenIndices, picks, wanted } = dcs[d]!;
      // The datacenter's first token at or after ring index i (wrapping); i only grows.
      let k = cursor[d]!;
      while (k < tokenIndices.length && tokenIndices[k]! < i) k++;
      cursor[d] = k;
      const at = k === tokenIndices.length ? 0 : k;
      for (let r = 0; r < wanted; r++) merged.push(picks[at * wanted + r]!);
    }
    // Walk order: clockwise distance from the range's end token (insertion sort: a few dozen at most).
    for (let a = 1; a < merged.length; a++) {
      const value = merged[a]!;
      const distance = value >= i ? value - i : value - i + tokenCount;
      let b = a - 1;
      for (; b >= 0; b--) {
        const other = merged[b]!;
        if ((other >= i ? other - i : other - i + tokenCount) <= distance) break;
        merged[b + 1] = other;
      }
      merged[b + 1] = value;
    }
    lists[i] = share(
      merged.map((ringIndex) => nodes[ownerOfToken[ringIndex]!]!.id),
      lists[i - 1],
    );
  }
  return lists;
}
