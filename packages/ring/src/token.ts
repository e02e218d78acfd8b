/**
 * Token arithmetic on the unsigned 64-bit ring. A token is codec's `tokenOf(key)`:
 * a bigint in [0, 2^64). A node owns the range (previous token, its token],
 * wrapping at 2^64, so the range ending at the smallest token starts at the
 * largest.
 *
 * The hot paths (lookup, allocation) work on a float64 view of tokens —
 * `Number(token)` for searching, `Number(token) / 2^64` for ownership
 * fractions. Every conversion between the two lives in this file.
 * `Number()` rounds, but monotonically: a < b implies approx(a) <= approx(b),
 * which is what lets a search on the approximation be corrected exactly
 * (see TokenIndex).
 */

/** Number of distinct tokens: the size of the ring. */
export const RING_SIZE = 1n << 64n;
/** The largest token. */
export const MAX_TOKEN = RING_SIZE - 1n;

const RING_SIZE_FLOAT = 2 ** 64;

export function isToken(value: unknown): value is bigint {
  return typeof value === 'bigint' && value >= 0n && value <= MAX_TOKEN;
}

/** The float64 the index searches on: order-preserving, not exact above 2^53. */
export function tokenApprox(token: bigint): number {
  return Number(token);
}

/** A token's position on the ring as a fraction in [0, 1]. */
export function tokenFraction(token: bigint): number {
  return Number(token) / RING_SIZE_FLOAT;
}

/** The clockwise distance from `from` to `to`, in [0, 2^64). */
export function ringDistance(from: bigint, to: bigint): bigint {
  return (to - from) & MAX_TOKEN;
}

/**
 * The size of the range (start, end] as a fraction of the ring, in (0, 1].
 * start === end is the whole ring: a single token owns everything.
 */
export function rangeFraction(start: bigint, end: bigint): number {
  const distance = ringDistance(start, end);
  return distance === 0n ? 1 : Number(distance) / RING_SIZE_FLOAT;
}

/** Whether `token` lies in the range (start, end]; start === end is the whole ring. */
export function rangeContains(start: bigint, end: bigint, token: bigint): boolean {
  if (start === end) return true;
  const offset = ringDistance(start, token);
  return offset !== 0n && offset <= ringDistance(start, end);
}

/** The token halfway along (start, end], rounded down; start === end splits the whole ring. */
export function midpointToken(start: bigint, end: bigint): bigint {
  const distance = start === end ? RING_SIZE : ringDistance(start, end);
  return (start + distance / 2n) & MAX_TOKEN;
}

/** The token `fraction` of the way along (start, end] (fraction in [0, 1)). */
export function tokenAlong(start: bigint, end: bigint, fraction: number): bigint {
  const distance = start === end ? RING_SIZE : ringDistance(start, end);
  const offset = BigInt(Math.floor(Number(distance) * fraction));
  return (start + (offset < distance ? offset : distance - 1n)) & MAX_TOKEN;
}

/** A token from two 32-bit halves (random sources hand out 32 bits at a time). */
export function tokenFromHalves(high: number, low: number): bigint {
  return (BigInt(high >>> 0) << 32n) | BigInt(low >>> 0);
}
