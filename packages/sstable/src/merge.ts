/**
 * Merging sorted partition streams (memtables and SSTables on the read path,
 * SSTables in compaction) into one stream in (token, key) order.
 */
import {
  ErrorCodes,
  initChecksums,
  mergePartitions,
  type PartitionUpdate,
  partitionPosition,
  RingtailError,
} from '@ringtail/codec';

interface Head {
  readonly source: number;
  readonly position: string;
  readonly update: PartitionUpdate;
}

/** Heap order: position, then source, so equal keys merge in source order. */
function before(a: Head, b: Head): boolean {
  return a.position < b.position || (a.position === b.position && a.source < b.source);
}

/** A binary min-heap of source heads. */
class HeadHeap {
  private readonly items: Head[] = [];

  get size(): number {
    return this.items.length;
  }

  peek(): Head | undefined {
    return this.items[0];
  }

  push(head: Head): void {
    const items = this.items;
    items.push(head);
    for (let i = items.length - 1; i > 0; ) {
      const parent = (i - 1) >>> 1;
      if (!before(items[i]!, items[parent]!)) break;
      [items[i], items[parent]] = [items[parent]!, items[i]!];
      i = parent;
    }
  }

  pop(): Head | undefined {
    const items = this.items;
    const top = items[0];
    const last = items.pop();
    if (items.length === 0 || last === undefined) return top;
    items[0] = last;
    for (let i = 0; ; ) {
      const l = 2 * i + 1;
      const r = l + 1;
      let least = i;
      if (l < items.length && before(items[l]!, items[least]!)) least = l;
      if (r < items.length && before(items[r]!, items[least]!)) least = r;
      if (least === i) break;
      [items[i], items[least]] = [items[least]!, items[i]!];
      i = least;
    }
    return top;
  }
}

/** Where mergeScans puts the position of each partition it yields, for a caller that needs it too. */
export interface MergePosition {
  position: string;
}

/**
 * Yields the partitions of `sources` in (token, key) order; partitions with
 * the same key in several sources are merged with codec's mergePartitions,
 * earlier sources first. Each source must yield strictly increasing
 * keys (INVALID_ARGUMENT otherwise). Stopping early closes every source.
 * Given `out`, `out.position` is the partitionPosition of each partition as
 * it is yielded (a compaction's SSTable writer then does not hash the key again).
 */
export async function* mergeScans(
  sources: readonly AsyncIterable<PartitionUpdate>[],
  out?: MergePosition,
): AsyncGenerator<PartitionUpdate> {
  await initChecksums();
  const iterators = sources.map((s) => s[Symbol.asyncIterator]());
  const lastPositions: Array<string | undefined> = iterators.map(() => undefined);
  const heap = new HeadHeap();
  const advance = async (source: number): Promise<void> => {
    const next = await iterators[source]!.next();
    if (next.done === true) return;
    const position = partitionPosition(next.value.key);
    const last = lastPositions[source];
    if (last !== undefined && position <= last) {
      throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `merge source ${source} yielded keys out of order`);
    }
    lastPositions[source] = position;
    heap.push({ source, position, update: next.value });
  };
  try {
    await Promise.all(iterators.map((_, i) => advance(i)));
    while (heap.size > 0) {
      const first = heap.pop()!;
      let merged = first.update;
      const advancing = [first.source];
      while (heap.peek()?.position === first.position) {
        const same = heap.pop()!;
        merged = mergePartitions(merged, same.update);
        advancing.push(same.source);
      }
      if (out !== undefined) out.position = first.position;
      yield merged;
      await Promise.all(advancing.map(advance));
    }
  } finally {
    await Promise.allSettled(iterators.map((it) => it.return?.()));
  }
}
