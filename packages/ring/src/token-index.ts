import { MAX_INDEX_BUCKET_BITS } from './constants.js';
import { tokenApprox } from './token.js';

/**
 * Finds the range a token falls in: the index of the first ring token >= the
 * token, wrapping to 0 past the largest.
 *
 * The search runs on float64 approximations of the tokens (tokenApprox), never
 * comparing bigints in its loop. A bucket table splits the ring into 2^bits
 * equal slices (about two per token) and records where each slice's tokens
 * start, so a lookup reads one bucket and then searches the few tokens inside
 * it — about one step, where a binary search over a 1536-token ring takes
 * eleven hard-to-predict branches. The only ambiguous case, ring tokens whose
 * approximation equals the token's, is settled with exact bigint comparisons:
 * the approximation is monotonic, so a ring token whose approximation is below
 * the token's is below the token, and one above is above.
 */
export class TokenIndex {
  private readonly approx: Float64Array;
  /** bucketStart[b]: index of the first token whose approximation is >= b * bucketWidth; two sentinels of n. */
  private readonly bucketStart: Int32Array;
  private readonly inverseBucketWidth: number;

  /** `tokens` must be sorted ascending and distinct. */
  constructor(private readonly tokens: readonly bigint[]) {
    const n = tokens.length;
    this.approx = new Float64Array(n);
    for (let i = 0; i < n; i++) this.approx[i] = tokenApprox(tokens[i]!);
    const bits = Math.min(MAX_INDEX_BUCKET_BITS, Math.max(1, Math.ceil(Math.log2(Math.max(n, 1))) + 1));
    const buckets = 2 ** bits;
    const bucketWidth = 2 ** (64 - bits);
    this.inverseBucketWidth = 1 / bucketWidth;
    // The approximation of a token near 2^64 may round up to 2^64 itself: bucket `buckets`, whose end is the second sentinel.
    this.bucketStart = new Int32Array(buckets + 2);
    let i = 0;
    for (let b = 0; b <= buckets; b++) {
      const edge = b * bucketWidth;
      while (i < n && this.approx[i]! < edge) i++;
      this.bucketStart[b] = i;
    }
    this.bucketStart[buckets + 1] = n;
  }

  /** Index of the range (tokens[i-1], tokens[i]] holding `token`; -1 on an empty ring. */
  rangeIndexOf(token: bigint): number {
    const approx = this.approx;
    const n = approx.length;
    if (n === 0) return -1;
    const target = tokenApprox(token);
    const bucket = Math.floor(target * this.inverseBucketWidth);
    // The answer lies in [start of this bucket, start of the next]: every token before the first is below
    // the bucket, and the next bucket's first token is above the target.
    let low = this.bucketStart[bucket]!;
    let high = this.bucketStart[bucket + 1]!;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (approx[mid]! < target) low = mid + 1;
      else high = mid;
    }
    while (low < n && approx[low] === target && this.tokens[low]! < token) low++;
    return low === n ? 0 : low;
  }
}
