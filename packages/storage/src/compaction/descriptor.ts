/** What a compaction strategy knows of an SSTable. An SSTableReader is one. */
export interface SSTableDescriptor {
  readonly generation: number;
  /** Bytes on disk, every component included. */
  readonly sizeBytes: number;
  readonly stats: { readonly minTimestampMicros: number; readonly maxTimestampMicros: number };
}

/** Smallest first; generation breaks ties so that every choice is deterministic. */
export function bySize(a: SSTableDescriptor, b: SSTableDescriptor): number {
  return a.sizeBytes - b.sizeBytes || a.generation - b.generation;
}
