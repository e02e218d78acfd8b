/**
 * A PartitionSource over partitions held in memory, in (token, key) order:
 * for virtual tables (system views) whose rows the node builds on demand,
 * and for tests. Updates to one partition merge as the memtable merges them.
 */
import { type Mutation, mergePartitions, type PartitionUpdate, partitionPosition } from '@ringtail/codec';
import type { PartitionSource, ScanRange } from './read.js';

interface Entry {
  readonly position: string;
  partition: PartitionUpdate;
}

export class MemoryPartitionSource implements PartitionSource {
  /** Per table, sorted by position. */
  private readonly tables = new Map<string, Entry[]>();

  /** Merges every update of `mutation` in. Needs initChecksums() (positions hold tokens). */
  apply(mutation: Mutation): void {
    for (const update of mutation.updates) this.applyUpdate(update);
  }

  applyUpdate(update: PartitionUpdate): void {
    let entries = this.tables.get(update.tableId);
    if (entries === undefined) {
      entries = [];
      this.tables.set(update.tableId, entries);
    }
    const position = partitionPosition(update.key);
    const at = lowerBound(entries, position);
    const existing = entries[at];
    if (existing !== undefined && existing.position === position) {
      existing.partition = mergePartitions(existing.partition, update);
    } else {
      entries.splice(at, 0, { position, partition: update });
    }
  }

  read(tableId: string, key: Uint8Array): Promise<PartitionUpdate | undefined> {
    const entries = this.tables.get(tableId) ?? [];
    const position = partitionPosition(key);
    const entry = entries[lowerBound(entries, position)];
    return Promise.resolve(entry?.position === position ? entry.partition : undefined);
  }

  async *scan(tableId: string, range: ScanRange): AsyncGenerator<PartitionUpdate> {
    const entries = this.tables.get(tableId) ?? [];
    const { fromPosition, toPosition } = range;
    const fromInclusive = range.fromInclusive ?? true;
    const toInclusive = range.toInclusive ?? false;
    for (let i = fromPosition === undefined ? 0 : lowerBound(entries, fromPosition); i < entries.length; i++) {
      const { position, partition } = entries[i]!;
      if (fromPosition !== undefined && position === fromPosition && !fromInclusive) continue;
      if (toPosition !== undefined && (position > toPosition || (position === toPosition && !toInclusive))) return;
      yield partition;
    }
  }
}

function lowerBound(entries: readonly Entry[], position: string): number {
  let lo = 0;
  let hi = entries.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (entries[mid]!.position < position) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
