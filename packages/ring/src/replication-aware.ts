/**
 * The replication-aware token allocator (after Cassandra's
 * ReplicationAwareTokenAllocator; own code). A new node picks its tokens one
 * at a time, each time taking, among the midpoints of the current ranges, the
 * one that most reduces the spread of replicated ownership.
 *
 * Replicated ownership: with replication factor RF, the token x of group g
 * (a node, or a rack when racks are what replicas spread over) replicates the
 * span (s, x], where s is reached walking counter-clockwise from x: the first
 * token of group g, or the token at which the RF-th distinct other group is
 * met. A node's replicated ownership is the sum of its tokens' spans; the
 * spans of a datacenter sum to RF. Inserting a token changes only the spans of
 * the tokens whose walk reaches it: the next few clockwise, until RF distinct
 * groups have been passed. An evaluation therefore costs O(RF²) steps, not
 * O(ring).
 *
 * Objective (minimised): over every unit u, (own_u / tokens_u - opt)², plus
 * over every token, (span - opt)² / tokens_u², where opt = RF / (tokens in
 * the datacenter after the allocation). The new node starts with `count` ideal
 * tokens of ownership opt; each placed token replaces one. Improvements in the
 * priority queue go stale as tokens are placed; the best one is re-evaluated
 * and taken if it still beats the next (Cassandra's heuristic).
 */
import { invalidArgument } from './errors.js';
import { MaxHeap } from './heap.js';
import { MAX_TOKEN, midpointToken, RING_SIZE, ringDistance, tokenFraction } from './token.js';

export interface AllocationVnode {
  readonly token: bigint;
  /** Index of the owning unit (node); the new unit is `unitCount`. */
  readonly unit: number;
  /** Index of the group (node or rack) replicas must spread over. */
  readonly group: number;
}

export interface ReplicationAwareInput {
  /** The datacenter's tokens, ascending; at least RF distinct groups. */
  readonly vnodes: readonly AllocationVnode[];
  /** Tokens held by each existing unit. */
  readonly unitTokenCounts: readonly number[];
  readonly groupCount: number;
  readonly newGroup: number;
  readonly replicationFactor: number;
  readonly count: number;
  /** Tokens held anywhere in the ring (other datacenters included), which the new ones must avoid. */
  readonly taken: ReadonlySet<bigint>;
}

class Vnode {
  prev: Vnode = this;
  next: Vnode = this;
  /** Replicated ownership, as a fraction of the ring. */
  span = 0;
  constructor(
    readonly token: bigint,
    readonly position: number,
    readonly unit: number,
    readonly group: number,
  ) {}
}

interface Candidate {
  priority: number;
  readonly order: number;
  readonly vnode: Vnode;
  /** The candidate splits (host.prev, host]; stale once host.prev changes. */
  readonly host: Vnode;
  readonly hostPrev: Vnode;
}

const square = (x: number): number => x * x;

/** Clockwise distance between ring positions; a whole lap is handled by the caller. */
function distance(from: number, to: number): number {
  const d = to - from;
  return d < 0 ? d + 1 : d;
}

class Allocator {
  private readonly ownership: Float64Array;
  private readonly tokenCounts: Float64Array;
  private readonly adjusted: Float64Array;
  private readonly touchedAt: Int32Array;
  private readonly walkMarks: Int32Array;
  private readonly passMarks: Int32Array;
  private walkEpoch = 0;
  private passEpoch = 0;
  private evaluation = 0;
  private readonly touched: number[] = [];
  private readonly rf: number;
  private readonly optimal: number;
  private readonly newUnit: number;
  /** Weight of the new unit's own term: the share of its tokens placed (it is judged as it fills in). */
  newUnitWeight = 0;
  private order = 0;
  readonly heap = new MaxHeap<Candidate>();

  constructor(
    private readonly input: ReplicationAwareInput,
    first: Vnode,
  ) {
    const units = input.unitTokenCounts.length + 1;
    this.newUnit = units - 1;
    this.rf = input.replicationFactor;
    this.optimal = this.rf / (input.vnodes.length + input.count);
    this.ownership = new Float64Array(units);
    this.tokenCounts = Float64Array.from([...input.unitTokenCounts, input.count]);
    this.adjusted = new Float64Array(units);
    this.touchedAt = new Int32Array(units).fill(-1);
    this.walkMarks = new Int32Array(input.groupCount);
    this.passMarks = new Int32Array(input.groupCount);
    let v = first;
    do {
      v.span = this.spanOf(v, null, null);
      this.ownership[v.unit]! += v.span;
      v = v.next;
    } while (v !== first);
    this.ownership[this.newUnit] = input.count * this.optimal;
  }

  /** The span of x, with `extra` (if any) standing just before `host`. */
  private spanOf(x: Vnode, extra: Vnode | null, host: Vnode | null): number {
    const marks = this.walkMarks;
    const epoch = ++this.walkEpoch;
    let seen = 0;
    let p = x === host ? extra! : x === extra ? host!.prev : x.prev;
    while (p !== x) {
      const g = p.group;
      if (g === x.group) return distance(p.position, x.position);
      if (marks[g] !== epoch) {
        marks[g] = epoch;
        if (++seen === this.rf) return distance(p.position, x.position);
      }
      p = p === host ? extra! : p === extra ? host!.prev : p.prev;
    }
    return 1;
  }

  /** Calls `visit` on each token from `host` clockwise whose span depends on what precedes `host`. */
  private forAffected(host: Vnode, visit: (x: Vnode) => void): void {
    const marks = this.passMarks;
    const epoch = ++this.passEpoch;
    let passed = 0;
    let x = host;
    do {
      if (passed >= this.rf) return;
      if (marks[x.group] !== epoch) {
        marks[x.group] = epoch;
        passed++;
        visit(x);
      }
      x = x.next;
    } while (x !== host);
  }

  private tokenTerm(unit: number, span: number): number {
    return square(span - this.optimal) / square(this.tokenCounts[unit]!);
  }

  private touch(unit: number, change: number): void {
    if (this.touchedAt[unit] !== this.evaluation) {
      this.touchedAt[unit] = this.evaluation;
      this.adjusted[unit] = this.ownership[unit]!;
      this.touched.push(unit);
    }
    this.adjusted[unit]! += change;
  }

  /** How much placing `candidate` lowers the objective (higher is better). */
  evaluate(candidate: Candidate): number {
    this.evaluation++;
    this.touched.length = 0;
    const { vnode: c, host } = candidate;
    const span = this.spanOf(c, c, host);
    let change = this.tokenTerm(this.newUnit, span) - this.tokenTerm(this.newUnit, this.optimal);
    this.touch(this.newUnit, span - this.optimal);
    this.forAffected(host, (x) => {
      const after = this.spanOf(x, c, host);
      if (after === x.span) return;
      change += this.tokenTerm(x.unit, after) - this.tokenTerm(x.unit, x.span);
      this.touch(x.unit, after - x.span);
    });
    for (const unit of this.touched) {
      const count = this.tokenCounts[unit]!;
      const unitChange =
        square(this.adjusted[unit]! / count - this.optimal) - square(this.ownership[unit]! / count - this.optimal);
      change += unit === this.newUnit ? unitChange * this.newUnitWeight : unitChange;
    }
    return -change;
  }

  /** Puts the candidate's token into the ring and updates the spans it changes. */
  confirm(candidate: Candidate): void {
    const { vnode: c, host } = candidate;
    c.prev = host.prev;
    c.next = host;
    host.prev.next = c;
    host.prev = c;
    c.span = this.spanOf(c, null, null);
    this.ownership[this.newUnit]! += c.span - this.optimal;
    this.forAffected(host, (x) => {
      const after = this.spanOf(x, null, null);
      this.ownership[x.unit]! += after - x.span;
      x.span = after;
    });
  }

  /**
   * Queues candidates splitting (host.prev, host]: its midpoint, and the point
   * where the new token's own span would be exactly opt (its span starts at
   * the same place wherever in the range it sits) — the split that the midpoint
   * misses when ranges must be cut unevenly, as with RF 1. Skips points
   * outside the range; steps past tokens other datacenters hold.
   */
  offer(host: Vnode): void {
    const start = host.prev.token;
    const size = host.prev === host ? RING_SIZE : ringDistance(start, host.token);
    if (size < 2n) return;
    const middle = this.candidate(host, midpointToken(start, host.token));
    if (middle === undefined) return;
    const span = this.spanOf(middle.vnode, middle.vnode, host);
    if (span >= 1) return;
    const offset = ringDistance(start, middle.vnode.token) + BigInt(Math.round((this.optimal - span) * 2 ** 64));
    if (offset > 0n && offset < size && offset !== ringDistance(start, middle.vnode.token)) {
      this.candidate(host, (start + offset) & MAX_TOKEN);
    }
  }

  /** Queues `token` (or, if another datacenter holds it, the next free token before host) as a candidate. */
  private candidate(host: Vnode, wanted: bigint): Candidate | undefined {
    let token = wanted;
    while (this.input.taken.has(token)) {
      token = (token + 1n) & MAX_TOKEN;
      if (token === host.token) return undefined;
    }
    const vnode = new Vnode(token, tokenFraction(token), this.newUnit, this.input.newGroup);
    const candidate: Candidate = { priority: 0, order: this.order++, vnode, host, hostPrev: host.prev };
    candidate.priority = this.evaluate(candidate);
    this.heap.push(candidate);
    return candidate;
  }
}

/** Allocates `input.count` tokens for a new unit; sorted ascending. */
export function allocateReplicationAware(input: ReplicationAwareInput): bigint[] {
  const ring = input.vnodes.map((v) => new Vnode(v.token, tokenFraction(v.token), v.unit, v.group));
  ring.forEach((v, i) => {
    v.next = ring[(i + 1) % ring.length]!;
    v.prev = ring[(i + ring.length - 1) % ring.length]!;
  });
  const allocator = new Allocator(input, ring[0]!);
  allocator.newUnitWeight = 1 / input.count;
  for (const v of ring) allocator.offer(v);
  const chosen: bigint[] = [];
  while (chosen.length < input.count) {
    allocator.newUnitWeight = (chosen.length + 1) / input.count;
    const best = takeBest(allocator);
    if (best === undefined) throw invalidArgument('the datacenter has no room left between its tokens');
    allocator.confirm(best);
    chosen.push(best.vnode.token);
    allocator.offer(best.vnode);
    allocator.offer(best.host);
  }
  return chosen.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Pops candidates, dropping stale ones, until one re-evaluated still beats the next in the queue. */
function takeBest(allocator: Allocator): Candidate | undefined {
  const heap = allocator.heap;
  for (;;) {
    const candidate = heap.pop();
    if (candidate === undefined) return undefined;
    if (candidate.host.prev !== candidate.hostPrev) continue;
    candidate.priority = allocator.evaluate(candidate);
    const next = heap.peek();
    if (next === undefined || candidate.priority >= next.priority) return candidate;
    heap.push(candidate);
  }
}
