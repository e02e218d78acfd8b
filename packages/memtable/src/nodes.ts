import { keyPrefix } from './key-order.js';

/** `prefixes[i]` is `keyPrefix(keys[i])`, in both kinds of node. */
export class Leaf<V> {
  constructor(
    public keys: string[],
    public prefixes: number[],
    public values: V[],
    public prev: Leaf<V> | null,
    public next: Leaf<V> | null,
  ) {}
}

/** `children[i]` holds the keys k with `keys[i - 1] <= k < keys[i]`. */
export class Branch<V> {
  constructor(
    public keys: string[],
    public prefixes: number[],
    public children: Array<Node<V>>,
  ) {}
}

export type Node<V> = Leaf<V> | Branch<V>;

/**
 * Where an overflowing node is split. Keys that arrive in order (rows of a
 * time series, appended or, under DESC clustering, prepended) would leave
 * every node half empty after a middle split; splitting at the edge they grow
 * from keeps the nodes behind them full.
 */
export type Edge = 'left' | 'right' | 'middle';

/** How many entries (or children) of an overflowing node of `length` stay in the left half. */
export function splitAt(length: number, edge: Edge): number {
  return edge === 'right' ? length - 1 : edge === 'left' ? 1 : length >>> 1;
}

function check(ok: boolean, what: string): void {
  if (!ok) throw new Error(`SortedStringMap invariant broken: ${what}`);
}

/**
 * Checks the subtree under `root` (every leaf `height` levels down; keys
 * ordered, prefixed and within the separators above them; node sizes) and
 * returns its leaves in order. For tests.
 */
export function checkedLeaves<V>(root: Node<V>, height: number, capacity: number): Array<Leaf<V>> {
  const leaves: Array<Leaf<V>> = [];
  const visit = (node: Node<V>, depth: number, low: string | undefined, high: string | undefined): void => {
    const keys = node.keys;
    check(node.prefixes.length === keys.length, 'keys and prefixes differ in length');
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string;
      check(node.prefixes[i] === keyPrefix(key), 'stale key prefix');
      check(i === 0 || (keys[i - 1] as string) < key, `keys out of order at depth ${depth}`);
      check((low === undefined || key >= low) && (high === undefined || key < high), 'key outside separators');
    }
    if (node instanceof Leaf) {
      check(depth === height, 'leaf above leaf depth');
      check(node.values.length === keys.length, 'leaf keys and values differ in length');
      check(keys.length <= capacity, 'leaf over capacity');
      check(keys.length > 0 || node === root, 'empty leaf below root');
      leaves.push(node);
      return;
    }
    const children = node.children;
    check(depth < height, 'branch at leaf depth');
    check(children.length === keys.length + 1, 'branch keys and children out of step');
    check(children.length <= capacity, 'branch over capacity');
    check(children.length >= 2 || node !== root, 'root branch with one child');
    for (let i = 0; i < children.length; i++) {
      visit(children[i] as Node<V>, depth + 1, i === 0 ? low : keys[i - 1], i === keys.length ? high : keys[i]);
    }
  };
  visit(root, 0, undefined, undefined);
  for (let i = 1; i < leaves.length; i++) {
    const left = leaves[i - 1] as Leaf<V>;
    const right = leaves[i] as Leaf<V>;
    check(left.next === right && right.prev === left, 'leaf links');
    check((left.keys.at(-1) as string) < (right.keys[0] as string), 'leaves overlap');
  }
  return leaves;
}
