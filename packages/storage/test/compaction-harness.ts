/** What the compaction tests share: a storage engine on a simulated disk, and builders of writes. */
import {
  bytesToLatin1Key,
  type Cell,
  ErrorCodes,
  encodeComparableKey,
  type FileSystem,
  liveCell,
  livePartition,
  type PartitionUpdate,
  RingtailError,
  type Row,
  SimFileSystem,
  type SimulatedRuntime,
  secondsFromMicros,
  simulatedRuntime,
} from '@ringtail/codec';
import { listSSTables, SSTableReader } from '@ringtail/sstable';
import { type CompactionOptions, StorageEngine, type TableOptions } from '../src/index.js';

export const TABLE = 'compaction-table';
export const DIRECTORY = `/node/data/${TABLE}`;
export const GC_GRACE_SECONDS = 10;
export const MANUAL: CompactionOptions = { class: 'SizeTieredCompactionStrategy', enabled: false };

export const ck = (c: number) =>
  bytesToLatin1Key(encodeComparableKey([{ type: { kind: 'int' }, value: c, order: 'asc' }]));
export const key = (k: number) => new Uint8Array([k]);

export function update(k: number, rows: Row[], rest: Partial<PartitionUpdate> = {}): { updates: PartitionUpdate[] } {
  const u = { tableId: TABLE, key: key(k), deletion: undefined, staticRow: undefined, rows, rangeTombstones: [] };
  return { updates: [{ ...u, ...rest }] };
}

export function row(c: number, cells: Cell[], rest: Partial<Row> = {}): Row {
  return { clustering: ck(c), liveness: undefined, deletion: undefined, cells, complexDeletions: [], ...rest };
}

export const value = (ts: number, v = 1) => liveCell('v', undefined, ts, new Uint8Array([v]));

export class Harness {
  engine!: StorageEngine;
  readonly fs = new SimFileSystem();
  readonly runtime: SimulatedRuntime;
  /** Renames of compaction logs (temporary name → final) so far; those whose number is listed fail. */
  renames = 0;
  readonly failRenames = new Set<number>();

  constructor(readonly table: TableOptions) {
    const sim = this.fs;
    const fs: FileSystem = {
      open: (path, mode) => sim.open(path, mode),
      readFile: (path) => sim.readFile(path),
      rename: async (from, to) => {
        if (/\/compaction-\d+\.log$/.test(to) && this.failRenames.has(++this.renames)) {
          throw new RingtailError(ErrorCodes.IO, `injected: rename ${from}`);
        }
        return sim.rename(from, to);
      },
      unlink: (path) => sim.unlink(path),
      readdir: (dir) => sim.readdir(dir),
      mkdir: (dir) => sim.mkdir(dir),
      rmrf: (dir) => sim.rmrf(dir),
      stat: (path) => sim.stat(path),
      syncDir: (dir) => sim.syncDir(dir),
      lock: (path) => sim.lock(path),
    };
    this.runtime = simulatedRuntime(1, fs);
  }

  async open(): Promise<this> {
    this.engine = await StorageEngine.open({
      runtime: this.runtime,
      dataDirectory: '/node',
      tables: [this.table],
      commitLog: { syncMode: 'periodic', segmentSizeBytes: 64 * 1024 },
    });
    return this;
  }

  get nowSec(): number {
    return secondsFromMicros(this.runtime.clock.nowMicros());
  }

  write(mutation: { updates: PartitionUpdate[] }): Promise<void> {
    return this.engine.write(mutation);
  }

  /** clustering → live cell values of partition k. */
  async visible(k: number): Promise<Array<[string, number[]]>> {
    const p = await this.engine.read(TABLE, key(k));
    if (p === undefined) return [];
    return livePartition(p, this.nowSec).rows.map((r) => [r.clustering, r.cells.map((c) => c.value![0]!)]);
  }

  generations(): Promise<number[]> {
    return listSSTables(this.fs, DIRECTORY);
  }

  /** Every partition of every live SSTable, read raw (no merge across SSTables). */
  async raw(): Promise<PartitionUpdate[]> {
    const out: PartitionUpdate[] = [];
    for (const generation of await this.generations()) {
      const reader = await SSTableReader.open(this.fs, DIRECTORY, generation);
      for await (const p of reader.scan()) out.push(p);
      await reader.close();
    }
    return out;
  }

  advanceSeconds(seconds: number): void {
    this.runtime.clock.advanceMs(seconds * 1000);
  }
}

/** Compaction logs and temporary files. */
export function leftovers(fs: SimFileSystem): string[] {
  return fs.listFiles().filter((f) => /\/(compaction-\d+\.log|[^/]*tmp[^/]*)$/.test(f));
}

export function tombstonesIn(partitions: readonly PartitionUpdate[]): number {
  let n = 0;
  for (const p of partitions) {
    n += (p.deletion === undefined ? 0 : 1) + p.rangeTombstones.length;
    for (const r of [...p.rows, ...(p.staticRow === undefined ? [] : [p.staticRow])]) {
      n += (r.deletion === undefined ? 0 : 1) + r.complexDeletions.length;
      n += r.cells.filter((c) => c.value === undefined).length;
    }
  }
  return n;
}
