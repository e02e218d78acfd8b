/**
 * Compaction strategies: pure functions from the live SSTables (what their
 * statistics say) to the set the next minor compaction should merge. The
 * table store runs them after every flush and on demand; nothing here touches
 * a file.
 */
import type { SSTableDescriptor } from './descriptor.js';
import type { ResolvedCompactionOptions } from './options.js';
import { estimateSizeTiered, selectSizeTiered } from './size-tiered.js';
import { estimateTimeWindow, selectTimeWindow } from './time-window.js';

export type { SSTableDescriptor } from './descriptor.js';

/** The SSTables to compact next, or [] when none should be. */
export function selectCompaction<T extends SSTableDescriptor>(
  options: ResolvedCompactionOptions,
  sstables: readonly T[],
  nowMicros: number,
): T[] {
  return options.class === 'SizeTieredCompactionStrategy'
    ? selectSizeTiered(sstables, options)
    : selectTimeWindow(sstables, options, nowMicros);
}

/** How many compactions the strategy would run before it is satisfied, if nothing more were flushed. */
export function estimatePendingCompactions(
  options: ResolvedCompactionOptions,
  sstables: readonly SSTableDescriptor[],
  nowMicros: number,
): number {
  return options.class === 'SizeTieredCompactionStrategy'
    ? estimateSizeTiered(sstables, options)
    : estimateTimeWindow(sstables, options, nowMicros);
}
