/**
 * TimeWindowCompactionStrategy, as Cassandra's: SSTables are grouped by the
 * time window their newest write falls in. In the current window (the one
 * `now` falls in, and any later one), SSTables are compacted size-tiered; an
 * older window, which receives no more writes in a time-series workload, is
 * compacted into a single SSTable as soon as it holds two. Whole windows then
 * expire together, and a read of recent data touches few SSTables.
 */

import { bySize, type SSTableDescriptor } from './descriptor.js';
import type { ResolvedTimeWindow } from './options.js';
import { estimateSizeTiered, selectSizeTiered } from './size-tiered.js';

/** Start of the window holding `timestampMicros`; windows are aligned on multiples of their size since the epoch. */
export function windowStartMicros(timestampMicros: number, windowSizeMicros: number): number {
  return Math.floor(timestampMicros / windowSizeMicros) * windowSizeMicros;
}

/** SSTables by the window of their maximum timestamp, oldest window first. */
export function timeWindows<T extends SSTableDescriptor>(
  sstables: readonly T[],
  windowSizeMicros: number,
): Array<{ startMicros: number; members: T[] }> {
  const windows = new Map<number, T[]>();
  for (const sstable of sstables) {
    const start = windowStartMicros(sstable.stats.maxTimestampMicros, windowSizeMicros);
    const members = windows.get(start);
    if (members === undefined) windows.set(start, [sstable]);
    else members.push(sstable);
  }
  return [...windows]
    .sort(([a], [b]) => a - b)
    .map(([startMicros, members]) => ({ startMicros, members: members.sort(bySize) }));
}

/**
 * Older windows first, oldest first: the first with at least two SSTables is
 * compacted whole (its maxThreshold smallest, if it holds more). Then the
 * current window, and any window after it, newest first: size-tiered among
 * its SSTables, with the strategy's thresholds.
 */
export function selectTimeWindow<T extends SSTableDescriptor>(
  sstables: readonly T[],
  options: ResolvedTimeWindow,
  nowMicros: number,
): T[] {
  const current = windowStartMicros(nowMicros, options.windowSizeMicros);
  const windows = timeWindows(sstables, options.windowSizeMicros);
  for (const window of windows) {
    if (window.startMicros < current && window.members.length >= 2) {
      return window.members.slice(0, options.maxThreshold);
    }
  }
  for (const window of windows.reverse()) {
    if (window.startMicros < current) break;
    const chosen = selectSizeTiered(window.members, options.sizeTiered);
    if (chosen.length > 0) return chosen;
  }
  return [];
}

export function estimateTimeWindow(
  sstables: readonly SSTableDescriptor[],
  options: ResolvedTimeWindow,
  nowMicros: number,
): number {
  const current = windowStartMicros(nowMicros, options.windowSizeMicros);
  let tasks = 0;
  for (const window of timeWindows(sstables, options.windowSizeMicros)) {
    if (window.startMicros >= current) tasks += estimateSizeTiered(window.members, options.sizeTiered);
    // Each compaction of an older window turns up to maxThreshold SSTables into one.
    else if (window.members.length >= 2) tasks += Math.ceil((window.members.length - 1) / (options.maxThreshold - 1));
  }
  return tasks;
}
