/**
 * The token ring: which node owns which token range, and — per replication
 * strategy — which nodes hold replicas of it. Immutable: a membership change
 * builds a new ring (`withNodes`, `withoutNodes`). Two rings built from the
 * same membership, in any order, are identical.
 */
import { MAX_CACHED_PLACEMENTS, MAX_NAME_LENGTH, MAX_NUM_TOKENS, MAX_RING_TOKENS } from './constants.js';
import { invalidArgument, limitExceeded } from './errors.js';
import { ReplicaPlacement, type RingLayout } from './placement.js';
import type { ReplicationStrategy } from './strategy.js';
import { isToken, rangeFraction, tokenApprox } from './token.js';
import { TokenIndex } from './token-index.js';

export type NodeId = string;

/** A node as the ring sees it. */
export interface RingNodeInput {
  readonly id: NodeId;
  readonly dc: string;
  readonly rack: string;
  /** At least one; distinct from every other node's. */
  readonly tokens: readonly bigint[];
}

/** A node of a built ring; `tokens` sorted ascending. */
export interface RingNode {
  readonly id: NodeId;
  readonly dc: string;
  readonly rack: string;
  readonly tokens: readonly bigint[];
}

/** A node's primary range: (start, end], wrapping when start >= end. */
export interface TokenRange {
  readonly start: bigint;
  readonly end: bigint;
  readonly owner: NodeId;
}

const compareTokens = (a: bigint, b: bigint): number => (a < b ? -1 : a > b ? 1 : 0);

export class TokenRing {
  private readonly placements = new Map<string, ReplicaPlacement>();
  private lastPlacement: ReplicaPlacement | undefined;

  private constructor(
    private readonly layout: RingLayout,
    private readonly nodeIndex: ReadonlyMap<NodeId, number>,
  ) {}

  /**
   * Builds a ring. Rejects (RT_INVALID_ARGUMENT) duplicate node ids, a token
   * held twice, a node without tokens, tokens outside [0, 2^64) and empty
   * names; more than MAX_NUM_TOKENS per node or MAX_RING_TOKENS in all is
   * RT_LIMIT_EXCEEDED.
   */
  static build(nodes: readonly RingNodeInput[]): TokenRing {
    if (!Array.isArray(nodes)) throw invalidArgument('a ring is built from an array of nodes');
    const sorted = nodes.map(normaliseNode).sort(compareIds);
    const { tokens, owners } = sortedTokensOf(
      sorted,
      sorted.map((_, i) => i),
    );
    return TokenRing.assemble(sorted, tokens, owners);
  }

  /** Checks the invariants every ring holds and derives the lookup structures. */
  private static assemble(nodes: readonly RingNode[], tokens: bigint[], ownerOfToken: Int32Array): TokenRing {
    const nodeIndex = new Map<NodeId, number>();
    nodes.forEach((node, n) => {
      if (nodeIndex.has(node.id)) throw invalidArgument(`node '${node.id}' appears twice`);
      nodeIndex.set(node.id, n);
    });
    if (tokens.length > MAX_RING_TOKENS) throw limitExceeded(`a ring holds at most ${MAX_RING_TOKENS} tokens`);
    for (let i = 1; i < tokens.length; i++) {
      if (tokens[i] === tokens[i - 1]) {
        const [a, b] = [nodes[ownerOfToken[i - 1]!]!.id, nodes[ownerOfToken[i]!]!.id];
        throw invalidArgument(`token ${tokens[i]} is held by both '${a}' and '${b}'`);
      }
    }
    const rangeFractions = new Float64Array(tokens.length);
    for (let i = 0; i < tokens.length; i++) {
      rangeFractions[i] = rangeFraction(tokens[i === 0 ? tokens.length - 1 : i - 1]!, tokens[i]!);
    }
    const layout: RingLayout = {
      tokens: Object.freeze(tokens),
      ownerOfToken,
      nodes: Object.freeze([...nodes]),
      index: new TokenIndex(tokens),
      rangeFractions,
    };
    return new TokenRing(layout, nodeIndex);
  }

  /** Nodes in id order. */
  nodes(): readonly RingNode[] {
    return this.layout.nodes;
  }

  node(id: NodeId): RingNode | undefined {
    const n = this.nodeIndex.get(id);
    return n === undefined ? undefined : this.layout.nodes[n];
  }

  get nodeCount(): number {
    return this.layout.nodes.length;
  }

  /** Every token, ascending. */
  tokens(): readonly bigint[] {
    return this.layout.tokens;
  }

  /** Datacenter names, sorted. */
  datacenters(): string[] {
    return [...new Set(this.layout.nodes.map((n) => n.dc))].sort();
  }

  /** Primary ranges in ring order; the first one wraps past 2^64. */
  ranges(): readonly TokenRange[] {
    const { tokens, ownerOfToken, nodes } = this.layout;
    return tokens.map((end, i) =>
      Object.freeze({
        start: tokens[i === 0 ? tokens.length - 1 : i - 1]!,
        end,
        owner: nodes[ownerOfToken[i]!]!.id,
      }),
    );
  }

  /** The node whose primary range holds `token`; undefined on an empty ring. */
  ownerOf(token: bigint): NodeId | undefined {
    const i = this.layout.index.rangeIndexOf(token);
    return i < 0 ? undefined : this.layout.nodes[this.layout.ownerOfToken[i]!]!.id;
  }

  /** The strategy's replica lists for this ring, computed on first use and kept (MAX_CACHED_PLACEMENTS). */
  placement(strategy: ReplicationStrategy): ReplicaPlacement {
    const last = this.lastPlacement;
    if (last !== undefined && last.strategy.key === strategy.key) return last;
    let placement = this.placements.get(strategy.key);
    if (placement === undefined) {
      placement = ReplicaPlacement.compute(this.layout, strategy);
      if (this.placements.size >= MAX_CACHED_PLACEMENTS) {
        this.placements.delete(this.placements.keys().next().value!);
      }
      this.placements.set(strategy.key, placement);
    }
    this.lastPlacement = placement;
    return placement;
  }

  /** The replicas of the range holding `token`, nearest first. */
  replicasFor(token: bigint, strategy: ReplicationStrategy): readonly NodeId[] {
    return this.placement(strategy).replicasFor(token);
  }

  /**
   * Fraction of the ring each node holds, in id order: its primary ranges
   * without a strategy, every range it replicates with one (effective
   * ownership, nodetool status's "Owns (effective)").
   */
  ownership(strategy?: ReplicationStrategy): Map<NodeId, number> {
    if (strategy !== undefined) return this.placement(strategy).ownership();
    const { nodes, ownerOfToken, rangeFractions } = this.layout;
    const owned = new Map<NodeId, number>(nodes.map((n) => [n.id, 0]));
    for (let i = 0; i < ownerOfToken.length; i++) {
      const id = nodes[ownerOfToken[i]!]!.id;
      owned.set(id, owned.get(id)! + rangeFractions[i]!);
    }
    return owned;
  }

  /** This ring plus `added` (whose ids and tokens must be new). Merges into the sorted tokens: O(ring). */
  withNodes(added: readonly RingNodeInput[]): TokenRing {
    if (!Array.isArray(added)) throw invalidArgument('nodes to add must be an array');
    const fresh = added.map(normaliseNode);
    const nodes = [...this.layout.nodes, ...fresh].sort(compareIds);
    const indexOf = new Map(nodes.map((node, i) => [node, i]));
    const extra = sortedTokensOf(
      fresh,
      fresh.map((node) => indexOf.get(node)!),
    );
    const { tokens: old, ownerOfToken: oldOwners } = this.layout;
    const renumber = this.layout.nodes.map((node) => indexOf.get(node)!);
    const tokens: bigint[] = new Array(old.length + extra.tokens.length);
    const owners = new Int32Array(tokens.length);
    for (let i = 0, j = 0, k = 0; k < tokens.length; k++) {
      if (j >= extra.tokens.length || (i < old.length && old[i]! <= extra.tokens[j]!)) {
        tokens[k] = old[i]!;
        owners[k] = renumber[oldOwners[i++]!]!;
      } else {
        tokens[k] = extra.tokens[j]!;
        owners[k] = extra.owners[j++]!;
      }
    }
    return TokenRing.assemble(nodes, tokens, owners);
  }

  /** This ring without the nodes named (each must be in the ring). O(ring). */
  withoutNodes(ids: readonly NodeId[]): TokenRing {
    const removed = new Set(ids);
    for (const id of removed) if (!this.nodeIndex.has(id)) throw invalidArgument(`node '${id}' is not in the ring`);
    const nodes = this.layout.nodes.filter((n) => !removed.has(n.id));
    const renumber = new Int32Array(this.layout.nodes.length).fill(-1);
    nodes.forEach((node, i) => {
      renumber[this.nodeIndex.get(node.id)!] = i;
    });
    const tokens: bigint[] = [];
    const owners: number[] = [];
    this.layout.tokens.forEach((token, i) => {
      const owner = renumber[this.layout.ownerOfToken[i]!]!;
      if (owner < 0) return;
      tokens.push(token);
      owners.push(owner);
    });
    return TokenRing.assemble(nodes, tokens, Int32Array.from(owners));
  }
}

const compareIds = (a: RingNode, b: RingNode): number => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The tokens of `nodes`, ascending, with their owners' indices. Sorts a
 * permutation on float64 approximations, with bigints only to break their
 * ties: several times faster than sorting bigints, which matters at 10^5 tokens.
 */
function sortedTokensOf(
  nodes: readonly RingNode[],
  indices: readonly number[],
): { tokens: bigint[]; owners: Int32Array } {
  const count = nodes.reduce((sum, node) => sum + node.tokens.length, 0);
  if (count > MAX_RING_TOKENS) throw limitExceeded(`a ring holds at most ${MAX_RING_TOKENS} tokens`);
  const unsorted: bigint[] = [];
  const unsortedOwners: number[] = [];
  nodes.forEach((node, n) => {
    for (const token of node.tokens) {
      unsorted.push(token);
      unsortedOwners.push(indices[n]!);
    }
  });
  const approx = Float64Array.from(unsorted, tokenApprox);
  const order = Array.from(unsorted, (_, i) => i).sort(
    (a, b) => approx[a]! - approx[b]! || compareTokens(unsorted[a]!, unsorted[b]!),
  );
  return { tokens: order.map((i) => unsorted[i]!), owners: Int32Array.from(order, (i) => unsortedOwners[i]!) };
}

function checkName(what: string, value: unknown): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > MAX_NAME_LENGTH) {
    throw invalidArgument(`${what} must be a string of 1 to ${MAX_NAME_LENGTH} characters, got ${String(value)}`);
  }
  return value;
}

function normaliseNode(input: RingNodeInput): RingNode {
  if (typeof input !== 'object' || input === null) throw invalidArgument('a ring node must be an object');
  const id = checkName('node id', input.id);
  const dc = checkName(`datacenter of '${id}'`, input.dc);
  const rack = checkName(`rack of '${id}'`, input.rack);
  if (!Array.isArray(input.tokens) || input.tokens.length === 0) throw invalidArgument(`node '${id}' has no tokens`);
  if (input.tokens.length > MAX_NUM_TOKENS) {
    throw limitExceeded(`node '${id}' has ${input.tokens.length} tokens; at most ${MAX_NUM_TOKENS}`);
  }
  for (const token of input.tokens) {
    if (!isToken(token)) throw invalidArgument(`node '${id}': token ${String(token)} is not a bigint in [0, 2^64)`);
  }
  const tokens = Object.freeze([...input.tokens].sort(compareTokens));
  return Object.freeze({ id, dc, rack, tokens });
}
