/**
 * Pending ranges (Cassandra's PendingRangeCalculator): while nodes join or
 * leave, writes must also reach the nodes that will hold a range afterwards,
 * so that nothing written during the move is missing once it completes.
 *
 * For a range, the pending nodes are, as in Cassandra:
 *  - each joining node that would replicate it if it alone joined the ring
 *    with the leaving nodes gone;
 *  - each node that would replicate it once the leaving nodes are gone, but
 *    does not now;
 * plus — so the guarantee holds for any strategy, rack rules included — each
 * node that will replicate it once every move completes but does not now.
 * A write then goes to the current replicas plus the pending nodes, a superset
 * of the old and the new replicas. Leaving nodes keep receiving writes as
 * current replicas until they are gone.
 */
import { invalidArgument } from './errors.js';
import type { NodeId, RingNodeInput, TokenRing } from './ring.js';
import type { ReplicationStrategy } from './strategy.js';
import { TokenIndex } from './token-index.js';

export interface PendingRange {
  /** Exclusive. */
  readonly start: bigint;
  /** Inclusive. */
  readonly end: bigint;
  /** Nodes that must receive writes for the range besides its current replicas, sorted by id. */
  readonly nodes: readonly NodeId[];
}

export interface RingChanges {
  /** Nodes bootstrapping, with the tokens they will take. */
  readonly joining?: readonly RingNodeInput[];
  /** Nodes of the ring being decommissioned or removed. */
  readonly leaving?: readonly NodeId[];
}

const NONE: readonly NodeId[] = Object.freeze([]);

export class PendingRanges {
  private readonly index: TokenIndex;

  /** `segments` cover the ring: consecutive ranges ending at `ends`, each with its (possibly empty) pending nodes. */
  private constructor(
    private readonly ends: readonly bigint[],
    private readonly segments: ReadonlyArray<readonly NodeId[]>,
  ) {
    this.index = new TokenIndex(ends);
  }

  /** @internal */
  static of(ends: readonly bigint[], segments: ReadonlyArray<readonly NodeId[]>): PendingRanges {
    return new PendingRanges(ends, segments);
  }

  /** True when no write needs an extra target. */
  get isEmpty(): boolean {
    return this.segments.every((s) => s.length === 0);
  }

  /** Extra write targets for `token` (empty when none). */
  nodesFor(token: bigint): readonly NodeId[] {
    const i = this.index.rangeIndexOf(token);
    return i < 0 ? NONE : this.segments[i]!;
  }

  /** The ranges with pending nodes, in ring order. */
  ranges(): readonly PendingRange[] {
    const out: PendingRange[] = [];
    const n = this.ends.length;
    for (let i = 0; i < n; i++) {
      const nodes = this.segments[i]!;
      if (nodes.length === 0) continue;
      out.push(Object.freeze({ start: this.ends[i === 0 ? n - 1 : i - 1]!, end: this.ends[i]!, nodes }));
    }
    return out;
  }
}

/** The pending ranges of `ring` while `changes` are under way, for one keyspace's strategy. */
export function pendingRanges(ring: TokenRing, changes: RingChanges, strategy: ReplicationStrategy): PendingRanges {
  const joining = changes.joining ?? [];
  const leaving = changes.leaving ?? [];
  for (const node of joining) {
    if (ring.node(node.id) !== undefined) throw invalidArgument(`joining node '${node.id}' is already in the ring`);
  }
  if (joining.length === 0 && leaving.length === 0) return PendingRanges.of([], []);
  const current = ring.placement(strategy);
  // Rings (and their placements) are reused where two of them coincide: one join, or no leave.
  const withoutLeaving = leaving.length === 0 ? ring : ring.withoutNodes(leaving);
  const afterLeaving = withoutLeaving.placement(strategy);
  const each = joining.map((node) => ({
    id: node.id,
    placement: withoutLeaving.withNodes([node]).placement(strategy),
  }));
  const final =
    joining.length === 0
      ? afterLeaving
      : joining.length === 1
        ? each[0]!.placement
        : withoutLeaving.withNodes(joining).placement(strategy);

  // Every ring involved changes replicas only at one of these tokens, so each
  // range between consecutive boundaries has one answer per ring.
  const boundaries = [...new Set([...ring.tokens(), ...joining.flatMap((n) => n.tokens)])].sort((a, b) =>
    a < b ? -1 : a > b ? 1 : 0,
  );
  const pendingNodes = (end: bigint, replicas: readonly NodeId[]): readonly NodeId[] => {
    const pending = new Set<NodeId>();
    for (const id of afterLeaving.replicasFor(end)) if (!replicas.includes(id)) pending.add(id);
    for (const { id, placement } of each) if (placement.replicasFor(end).includes(id)) pending.add(id);
    for (const id of final.replicasFor(end)) if (!replicas.includes(id)) pending.add(id);
    return Object.freeze([...pending].sort());
  };
  const ends: bigint[] = [];
  const segments: Array<readonly NodeId[]> = [];
  for (const end of boundaries) {
    const replicas = current.replicasFor(end);
    const unchanged =
      sameNodes(replicas, afterLeaving.replicasFor(end)) &&
      sameNodes(replicas, final.replicasFor(end)) &&
      each.every(({ id, placement }) => !placement.replicasFor(end).includes(id));
    const nodes = unchanged ? NONE : pendingNodes(end, replicas);
    const previous = segments[segments.length - 1];
    if (previous !== undefined && sameNodes(previous, nodes)) ends[ends.length - 1] = end;
    else {
      ends.push(end);
      segments.push(nodes);
    }
  }
  // The first segment wraps: it continues the last one when both name the same nodes.
  if (segments.length > 1 && sameNodes(segments[0]!, segments[segments.length - 1]!)) {
    segments.pop();
    ends.pop();
  }
  return PendingRanges.of(ends, segments);
}

function sameNodes(a: readonly NodeId[], b: readonly NodeId[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}
