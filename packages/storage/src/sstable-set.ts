/**
 * A table's live SSTables, and the readers still in use by reads that began
 * before a compaction (or a truncate) replaced them.
 *
 * A read takes a view: the live list at that moment, each reader pinned.
 * Replacing SSTables swaps the list in one step — a read sees the old set or
 * the new one, never a mix — and retires the old readers: each is closed when
 * the last view holding it is released. Their files may be deleted at once:
 * an open file stays readable after it is unlinked (POSIX; SimFileSystem does
 * the same). A scan that is abandoned without being closed keeps its
 * readers open until the table closes.
 */
import { ErrorCodes, RingtailError } from '@ringtail/codec';
import type { SSTableReader } from '@ringtail/sstable';

export interface SSTableView {
  readonly readers: readonly SSTableReader[];
  /** Idempotent. */
  release(): void;
}

export class SSTableSet {
  private live: readonly SSTableReader[];
  private readonly pins = new Map<SSTableReader, number>();
  private readonly retired = new Set<SSTableReader>();
  private readonly closing = new Set<Promise<void>>();

  constructor(
    readers: readonly SSTableReader[],
    private readonly onCloseError: (error: unknown, reader: SSTableReader) => void,
  ) {
    this.live = readers;
  }

  get readers(): readonly SSTableReader[] {
    return this.live;
  }

  acquire(): SSTableView {
    const readers = this.live;
    for (const r of readers) this.pins.set(r, (this.pins.get(r) ?? 0) + 1);
    let released = false;
    return {
      readers,
      release: () => {
        if (released) return;
        released = true;
        for (const r of readers) this.unpin(r);
      },
    };
  }

  add(reader: SSTableReader): void {
    this.live = [...this.live, reader];
  }

  /** Swaps `removed` (each live) for `added`, in one step; `removed` are closed once no view holds them. */
  replace(removed: readonly SSTableReader[], added: readonly SSTableReader[]): void {
    const gone = new Set(removed);
    for (const r of gone) {
      if (!this.live.includes(r)) {
        throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `SSTable ${r.generation} is not live`);
      }
    }
    this.live = [...this.live.filter((r) => !gone.has(r)), ...added];
    for (const r of gone) {
      this.retired.add(r);
      if (!this.pins.has(r)) this.close(r);
    }
  }

  /** Closes every reader, live or retired, whether or not views hold them. */
  async closeAll(): Promise<void> {
    const all = [...this.live, ...this.retired];
    this.live = [];
    this.retired.clear();
    for (const r of all) this.close(r);
    await Promise.allSettled([...this.closing]);
  }

  private unpin(reader: SSTableReader): void {
    const n = this.pins.get(reader)! - 1;
    if (n > 0) {
      this.pins.set(reader, n);
      return;
    }
    this.pins.delete(reader);
    if (this.retired.has(reader)) this.close(reader);
  }

  private close(reader: SSTableReader): void {
    this.retired.delete(reader);
    const closing = reader.close().catch((error: unknown) => this.onCloseError(error, reader));
    this.closing.add(closing);
    void closing.finally(() => this.closing.delete(closing));
  }
}
