/**
 * Searching sorted string keys with a numeric prefix in front of each.
 *
 * Comparing two JS strings means following a pointer to each, and in a tree
 * of a few hundred thousand keys that is a cache miss per comparison: it
 * dominates the cost of a descent. So each node keeps, beside its keys, a
 * number that orders like the key's first bytes; a binary search compares
 * those numbers, held unboxed side by side in the node, and reads a key only
 * when the prefixes tie.
 */

/** Six chars of 8 bits: 48 bits, held exactly by a double. */
const PREFIX_CHARS = 6;

/**
 * A number with `a < b` ⇒ `keyPrefix(a) <= keyPrefix(b)` (hence also
 * `keyPrefix(a) < keyPrefix(b)` ⇒ `a < b`) for any JS strings: the first six
 * chars as base-256 digits, a missing char counting as 0. Keys are latin1 (a
 * char per byte), but a wider char must not break the implication, so it and
 * every digit after it become 255: the prefix then ties with any key that
 * shares the digits before it, and the strings decide.
 */
export function keyPrefix(key: string): number {
  const length = Math.min(key.length, PREFIX_CHARS);
  let prefix = 0;
  let i = 0;
  for (; i < length; i++) {
    const c = key.charCodeAt(i);
    if (c > 0xff) {
      for (; i < PREFIX_CHARS; i++) prefix = prefix * 256 + 0xff;
      return prefix;
    }
    prefix = prefix * 256 + c;
  }
  for (; i < PREFIX_CHARS; i++) prefix *= 256;
  return prefix;
}

/** Index of the first key >= `key`; `prefix` is `keyPrefix(key)`. */
export function lowerBound(prefixes: number[], keys: string[], prefix: number, key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const p = prefixes[mid] as number;
    if (p < prefix || (p === prefix && (keys[mid] as string) < key)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Index of the first key > `key`; `prefix` is `keyPrefix(key)`. */
export function upperBound(prefixes: number[], keys: string[], prefix: number, key: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const p = prefixes[mid] as number;
    if (prefix < p || (p === prefix && key < (keys[mid] as string))) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
