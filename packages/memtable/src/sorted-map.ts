import { DEFAULT_NODE_CAPACITY, MAX_NODE_CAPACITY, MIN_NODE_CAPACITY } from './constants.js';
import { keyPrefix, lowerBound, upperBound } from './key-order.js';
import { Branch, checkedLeaves, type Edge, Leaf, type Node, splitAt } from './nodes.js';

/**
 * Bounds of a range scan. `from` is always the lower bound and `to` the upper
 * one, whichever way the scan runs; an omitted bound is open.
 */
export interface RangeOptions {
  /** Yield the highest key first. */
  reverse?: boolean;
  /** Whether a key equal to `from` is in the range. Default true. */
  fromInclusive?: boolean;
  /** Whether a key equal to `to` is in the range. Default false. */
  toInclusive?: boolean;
}

/** A seek: start at a key and run to the end in one direction. */
export interface SeekOptions {
  /** Run towards lower keys. */
  reverse?: boolean;
  /** Whether the seek key itself is yielded if present. Default true. */
  inclusive?: boolean;
}

export interface SortedStringMapOptions {
  /** Entries per leaf and children per branch; see DEFAULT_NODE_CAPACITY. */
  nodeCapacity?: number;
}

/**
 * An ordered map from string keys to values: an in-memory B+tree whose leaves
 * hold parallel key and value arrays and are linked both ways for scans.
 * Keys compare with `<` on JS strings, which for latin1 strings of encoded
 * keys (one char per byte) is byte order (DESIGN.md §2). Beside each key a
 * node holds a number that orders like its first six bytes, so that searches
 * seldom read the strings themselves (key-order.ts).
 *
 * Callbacks (`create`, `merge`) must not modify the map; if they do, the call
 * throws rather than write into a node it no longer owns. Iterators survive
 * modification: after a key is added or removed they find their place again
 * by the last key they yielded, so they never repeat or skip a key that stays
 * in the map, and they see values as they are when reached.
 */
export class SortedStringMap<V> implements Iterable<[string, V]> {
  readonly nodeCapacity: number;
  private root: Node<V>;
  /** Branch levels above the leaves; every leaf is at this depth. */
  private height = 0;
  private head: Leaf<V>;
  private tail: Leaf<V>;
  private count = 0;
  /** Bumped whenever a key is added or removed, i.e. whenever positions move. */
  private version = 0;
  /** The branches and child indexes of the last descent, reused so a write allocates nothing. */
  private readonly pathBranches: Array<Branch<V>> = [];
  private readonly pathIndexes: number[] = [];
  /** Second result of the seek methods. */
  private seekIndex = 0;

  constructor(options: SortedStringMapOptions = {}) {
    const capacity = options.nodeCapacity ?? DEFAULT_NODE_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < MIN_NODE_CAPACITY || capacity > MAX_NODE_CAPACITY) {
      throw new RangeError(
        `nodeCapacity must be an integer in [${MIN_NODE_CAPACITY}, ${MAX_NODE_CAPACITY}], got ${capacity}`,
      );
    }
    this.nodeCapacity = capacity;
    const leaf = new Leaf<V>([], [], [], null, null);
    this.root = leaf;
    this.head = leaf;
    this.tail = leaf;
  }

  get size(): number {
    return this.count;
  }

  get(key: string): V | undefined {
    const prefix = keyPrefix(key);
    let node = this.root;
    for (let h = this.height; h > 0; h--) {
      const branch = node as Branch<V>;
      node = branch.children[upperBound(branch.prefixes, branch.keys, prefix, key)] as Node<V>;
    }
    const leaf = node as Leaf<V>;
    const i = lowerBound(leaf.prefixes, leaf.keys, prefix, key);
    return i < leaf.keys.length && leaf.keys[i] === key ? leaf.values[i] : undefined;
  }

  has(key: string): boolean {
    const prefix = keyPrefix(key);
    const leaf = this.descend(prefix, key);
    const i = lowerBound(leaf.prefixes, leaf.keys, prefix, key);
    return i < leaf.keys.length && leaf.keys[i] === key;
  }

  set(key: string, value: V): this {
    const prefix = keyPrefix(key);
    const leaf = this.descend(prefix, key);
    const i = lowerBound(leaf.prefixes, leaf.keys, prefix, key);
    if (i < leaf.keys.length && leaf.keys[i] === key) leaf.values[i] = value;
    else this.insertAt(leaf, i, key, prefix, value);
    return this;
  }

  /**
   * The value stored under `key`, after storing `create(key)` there if there
   * was none: one descent. For values merged in place (a memtable row that
   * absorbs each write's cells); pass a function that needs no closure.
   */
  getOrInsert(key: string, create: (key: string) => V): V {
    const prefix = keyPrefix(key);
    const leaf = this.descend(prefix, key);
    const i = lowerBound(leaf.prefixes, leaf.keys, prefix, key);
    if (i < leaf.keys.length && leaf.keys[i] === key) return leaf.values[i] as V;
    const version = this.version;
    const value = create(key);
    this.assertUnchangedSince(version, 'create');
    this.insertAt(leaf, i, key, prefix, value);
    return value;
  }

  /**
   * Stores `incoming` under `key`, or `merge(existing, incoming)` if the key
   * is present, in one descent; returns what was stored. For immutable values
   * (last-write-wins reconciliation); `merge` can be a module-level function,
   * so a call allocates no closure.
   */
  upsert(key: string, incoming: V, merge: (existing: V, incoming: V) => V): V {
    const prefix = keyPrefix(key);
    const leaf = this.descend(prefix, key);
    const i = lowerBound(leaf.prefixes, leaf.keys, prefix, key);
    if (i === leaf.keys.length || leaf.keys[i] !== key) {
      this.insertAt(leaf, i, key, prefix, incoming);
      return incoming;
    }
    const version = this.version;
    const merged = merge(leaf.values[i] as V, incoming);
    this.assertUnchangedSince(version, 'merge');
    leaf.values[i] = merged;
    return merged;
  }

  /**
   * Stores `compute(existing)` under `key` — `existing` undefined if the key
   * is absent — in one descent; returns what was stored. For values replaced
   * by a function of the old one (a memtable's encoded partition); `compute`
   * can be a bound method, so a call allocates no closure.
   */
  compute(key: string, compute: (existing: V | undefined) => V): V {
    const prefix = keyPrefix(key);
    const leaf = this.descend(prefix, key);
    const i = lowerBound(leaf.prefixes, leaf.keys, prefix, key);
    const present = i < leaf.keys.length && leaf.keys[i] === key;
    const version = this.version;
    const value = compute(present ? (leaf.values[i] as V) : undefined);
    this.assertUnchangedSince(version, 'compute');
    if (present) leaf.values[i] = value;
    else this.insertAt(leaf, i, key, prefix, value);
    return value;
  }

  /**
   * Removes `key`; returns whether it was present. Deletes are rare in a
   * memtable (a deletion is a tombstone, written like any row), so nodes are
   * never rebalanced: an emptied node is unlinked, and a root left with one
   * child is replaced by it.
   */
  delete(key: string): boolean {
    const prefix = keyPrefix(key);
    const leaf = this.descend(prefix, key);
    const i = lowerBound(leaf.prefixes, leaf.keys, prefix, key);
    if (i === leaf.keys.length || leaf.keys[i] !== key) return false;
    leaf.keys.splice(i, 1);
    leaf.prefixes.splice(i, 1);
    leaf.values.splice(i, 1);
    this.count--;
    this.version++;
    if (leaf.keys.length === 0 && this.height > 0) this.removeLeaf(leaf);
    return true;
  }

  /** The entry with the lowest key. */
  first(): [string, V] | undefined {
    const leaf = this.head;
    return leaf.keys.length === 0 ? undefined : [leaf.keys[0] as string, leaf.values[0] as V];
  }

  /** The entry with the highest key. */
  last(): [string, V] | undefined {
    const leaf = this.tail;
    const i = leaf.keys.length - 1;
    return i < 0 ? undefined : [leaf.keys[i] as string, leaf.values[i] as V];
  }

  /** Entries with `from` <= key < `to` (bounds per `options`), in key order or reversed. */
  entries(from?: string, to?: string, options: RangeOptions = {}): Generator<[string, V], void, undefined> {
    const fromInclusive = options.fromInclusive ?? true;
    const toInclusive = options.toInclusive ?? false;
    return options.reverse === true
      ? this.backward(from, fromInclusive, to, toInclusive)
      : this.forward(from, fromInclusive, to, toInclusive);
  }

  /** Entries from `key` (included unless `inclusive: false`) to the end, or down to the start when reversed. */
  entriesFrom(key: string, options: SeekOptions = {}): Generator<[string, V], void, undefined> {
    const inclusive = options.inclusive ?? true;
    return options.reverse === true
      ? this.backward(undefined, true, key, inclusive)
      : this.forward(key, inclusive, undefined, false);
  }

  /** Calls `fn` for every entry in key order; allocates nothing per entry. `fn` must not modify the map. */
  forEach(fn: (value: V, key: string) => void): void {
    const version = this.version;
    for (let leaf: Leaf<V> | null = this.head; leaf !== null; leaf = leaf.next) {
      const { keys, values } = leaf;
      for (let i = 0; i < keys.length; i++) fn(values[i] as V, keys[i] as string);
      this.assertUnchangedSince(version, 'forEach');
    }
  }

  [Symbol.iterator](): Generator<[string, V], void, undefined> {
    return this.forward(undefined, true, undefined, false);
  }

  /** Throws if the tree's invariants do not hold (order, separators, node sizes, links, count). For tests. */
  assertInvariants(): void {
    const leaves = checkedLeaves(this.root, this.height, this.nodeCapacity);
    const total = leaves.reduce((sum, leaf) => sum + leaf.keys.length, 0);
    if (leaves[0] !== this.head || leaves.at(-1) !== this.tail || this.head.prev !== null || this.tail.next !== null) {
      throw new Error('SortedStringMap invariant broken: head or tail misplaced');
    }
    if (total !== this.count) throw new Error(`SortedStringMap invariant broken: size ${this.count}, ${total} entries`);
  }

  /** Finds the leaf for `key`, recording the branches on the way for a split or removal. */
  private descend(prefix: number, key: string): Leaf<V> {
    let node = this.root;
    for (let depth = 0; depth < this.height; depth++) {
      const branch = node as Branch<V>;
      const i = upperBound(branch.prefixes, branch.keys, prefix, key);
      this.pathBranches[depth] = branch;
      this.pathIndexes[depth] = i;
      node = branch.children[i] as Node<V>;
    }
    return node as Leaf<V>;
  }

  private assertUnchangedSince(version: number, callback: string): void {
    if (this.version !== version) throw new Error(`SortedStringMap: ${callback} callback modified the map`);
  }

  /** Needs the path of the descent that found `leaf`. */
  private insertAt(leaf: Leaf<V>, i: number, key: string, prefix: number, value: V): void {
    leaf.keys.splice(i, 0, key);
    leaf.prefixes.splice(i, 0, prefix);
    leaf.values.splice(i, 0, value);
    this.count++;
    this.version++;
    const length = leaf.keys.length;
    if (length <= this.nodeCapacity) return;
    // Inserting at the outer end of the first or last leaf means every branch on the path is
    // also the first or last of its level and grows at that end.
    const edge: Edge =
      i === length - 1 && leaf.next === null ? 'right' : i === 0 && leaf.prev === null ? 'left' : 'middle';
    const at = splitAt(length, edge);
    const right = new Leaf(leaf.keys.splice(at), leaf.prefixes.splice(at), leaf.values.splice(at), leaf, leaf.next);
    if (leaf.next === null) this.tail = right;
    else leaf.next.prev = right;
    leaf.next = right;
    this.insertSeparator(right.keys[0] as string, right.prefixes[0] as number, right, edge);
  }

  /** Adds `right` after the child the descent went through, splitting branches up the path as needed. */
  private insertSeparator(separator: string, separatorPrefix: number, right: Node<V>, edge: Edge): void {
    for (let depth = this.height - 1; depth >= 0; depth--) {
      const branch = this.pathBranches[depth] as Branch<V>;
      const i = this.pathIndexes[depth] as number;
      branch.keys.splice(i, 0, separator);
      branch.prefixes.splice(i, 0, separatorPrefix);
      branch.children.splice(i + 1, 0, right);
      const length = branch.children.length;
      if (length <= this.nodeCapacity) return;
      const at = splitAt(length, edge);
      const rightChildren = branch.children.splice(at);
      const rightKeys = branch.keys.splice(at);
      const rightPrefixes = branch.prefixes.splice(at);
      separator = branch.keys.pop() as string;
      separatorPrefix = branch.prefixes.pop() as number;
      right = new Branch(rightKeys, rightPrefixes, rightChildren);
    }
    this.root = new Branch([separator], [separatorPrefix], [this.root, right]);
    this.height++;
  }

  /** Needs the path of the descent that found `leaf`, which is empty and not the root. */
  private removeLeaf(leaf: Leaf<V>): void {
    if (leaf.prev === null) this.head = leaf.next as Leaf<V>;
    else leaf.prev.next = leaf.next;
    if (leaf.next === null) this.tail = leaf.prev as Leaf<V>;
    else leaf.next.prev = leaf.prev;
    for (let depth = this.height - 1; depth >= 0; depth--) {
      const branch = this.pathBranches[depth] as Branch<V>;
      const i = this.pathIndexes[depth] as number;
      branch.children.splice(i, 1);
      // Dropping the separator on the removed child's left (or right, for the first child)
      // widens a neighbour's range to cover the gap, which holds no keys.
      branch.keys.splice(i === 0 ? 0 : i - 1, 1);
      branch.prefixes.splice(i === 0 ? 0 : i - 1, 1);
      if (branch.children.length > 0) break;
    }
    while (this.height > 0 && (this.root as Branch<V>).children.length === 1) {
      this.root = (this.root as Branch<V>).children[0] as Node<V>;
      this.height--;
    }
  }

  /** The leaf holding the first key above `key` (or at it, when inclusive), at `seekIndex`; may be one past its end. */
  private seekForward(key: string, inclusive: boolean): Leaf<V> {
    const prefix = keyPrefix(key);
    const leaf = this.descend(prefix, key);
    this.seekIndex = inclusive
      ? lowerBound(leaf.prefixes, leaf.keys, prefix, key)
      : upperBound(leaf.prefixes, leaf.keys, prefix, key);
    return leaf;
  }

  /** The leaf holding the last key below `key` (or at it, when inclusive), at `seekIndex`; may be -1. */
  private seekBackward(key: string, inclusive: boolean): Leaf<V> {
    const prefix = keyPrefix(key);
    const leaf = this.descend(prefix, key);
    this.seekIndex =
      (inclusive
        ? upperBound(leaf.prefixes, leaf.keys, prefix, key)
        : lowerBound(leaf.prefixes, leaf.keys, prefix, key)) - 1;
    return leaf;
  }

  private *forward(
    from: string | undefined,
    fromInclusive: boolean,
    to: string | undefined,
    toInclusive: boolean,
  ): Generator<[string, V], void, undefined> {
    let leaf = from === undefined ? this.head : this.seekForward(from, fromInclusive);
    let i = from === undefined ? 0 : this.seekIndex;
    let version = this.version;
    for (;;) {
      if (i >= leaf.keys.length) {
        if (leaf.next === null) return;
        leaf = leaf.next;
        i = 0;
        continue;
      }
      const key = leaf.keys[i] as string;
      if (to !== undefined && (key > to || (key === to && !toInclusive))) return;
      yield [key, leaf.values[i] as V];
      if (version === this.version) {
        i++;
      } else {
        leaf = this.seekForward(key, false);
        i = this.seekIndex;
        version = this.version;
      }
    }
  }

  private *backward(
    from: string | undefined,
    fromInclusive: boolean,
    to: string | undefined,
    toInclusive: boolean,
  ): Generator<[string, V], void, undefined> {
    let leaf = to === undefined ? this.tail : this.seekBackward(to, toInclusive);
    let i = to === undefined ? leaf.keys.length - 1 : this.seekIndex;
    let version = this.version;
    for (;;) {
      if (i < 0) {
        if (leaf.prev === null) return;
        leaf = leaf.prev;
        i = leaf.keys.length - 1;
        continue;
      }
      const key = leaf.keys[i] as string;
      if (from !== undefined && (key < from || (key === from && !fromInclusive))) return;
      yield [key, leaf.values[i] as V];
      if (version === this.version) {
        i--;
      } else {
        leaf = this.seekBackward(key, false);
        i = this.seekIndex;
        version = this.version;
      }
    }
  }
}
