/**
 * SizeTieredCompactionStrategy, as Cassandra's (`SizeTieredCompactionStrategy.getBuckets`
 * and `mostInterestingBucket`): SSTables of similar size are merged once there
 * are enough of them, so that each byte is rewritten about log(n) times.
 */

import { bySize, type SSTableDescriptor } from './descriptor.js';
import type { ResolvedSizeTiered } from './options.js';

type BucketOptions = Pick<ResolvedSizeTiered, 'bucketLow' | 'bucketHigh' | 'minSSTableSizeBytes'>;

/**
 * Groups SSTables by size. In ascending size order, each SSTable joins the
 * first bucket (in creation order) whose average it is strictly within
 * (average × bucketLow, average × bucketHigh) of — or, if it is under
 * minSSTableSizeBytes, the first bucket whose average is too — and that
 * bucket's average moves; otherwise it starts a bucket. Each bucket is sorted
 * by size.
 */
export function sizeTieredBuckets<T extends SSTableDescriptor>(sstables: readonly T[], options: BucketOptions): T[][] {
  const { bucketLow, bucketHigh, minSSTableSizeBytes: small } = options;
  const buckets: Array<{ averageBytes: number; members: T[] }> = [];
  for (const sstable of [...sstables].sort(bySize)) {
    const size = sstable.sizeBytes;
    const bucket = buckets.find(
      (b) =>
        (size > b.averageBytes * bucketLow && size < b.averageBytes * bucketHigh) ||
        (size < small && b.averageBytes < small),
    );
    if (bucket === undefined) {
      buckets.push({ averageBytes: size, members: [sstable] });
    } else {
      const n = bucket.members.length;
      bucket.averageBytes = (bucket.averageBytes * n + size) / (n + 1);
      bucket.members.push(sstable);
    }
  }
  return buckets.map((b) => b.members);
}

/**
 * The bucket to compact: among buckets of at least minThreshold SSTables,
 * each cut to its maxThreshold smallest, the one with the smallest average
 * size; on a tie, the one with more SSTables. Cassandra today prefers the
 * "hottest" bucket (most reads per byte); Ringtail keeps no read rates, and
 * uses Cassandra's earlier rule (smallest average): small compactions are
 * cheap and cut the SSTable count a read has to consult soonest.
 */
export function selectSizeTiered<T extends SSTableDescriptor>(
  sstables: readonly T[],
  options: Pick<ResolvedSizeTiered, keyof BucketOptions | 'minThreshold' | 'maxThreshold'>,
): T[] {
  let best: { members: T[]; averageBytes: number } | undefined;
  for (const bucket of sizeTieredBuckets(sstables, options)) {
    if (bucket.length < options.minThreshold) continue;
    const members = bucket.slice(0, options.maxThreshold);
    const averageBytes = members.reduce((sum, s) => sum + s.sizeBytes, 0) / members.length;
    if (
      best === undefined ||
      averageBytes < best.averageBytes ||
      (averageBytes === best.averageBytes && members.length > best.members.length)
    ) {
      best = { members, averageBytes };
    }
  }
  return best?.members ?? [];
}

/** Cassandra's estimate: each bucket of at least minThreshold SSTables needs ceil(n / maxThreshold) compactions. */
export function estimateSizeTiered(
  sstables: readonly SSTableDescriptor[],
  options: Pick<ResolvedSizeTiered, keyof BucketOptions | 'minThreshold' | 'maxThreshold'>,
): number {
  let tasks = 0;
  for (const bucket of sizeTieredBuckets(sstables, options)) {
    if (bucket.length >= options.minThreshold) tasks += Math.ceil(bucket.length / options.maxThreshold);
  }
  return tasks;
}
