/**
 * What the compaction tests share: a storage engine — on a simulated disk
 * with compactions on its own thread, or on the real file system (a
 * temporary directory) with compactions in the background worker — and
 * builders of writes.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  bytesToLatin1Key,
  type Cell,
  ErrorCodes,
  encodeComparableKey,
  type FileSystem,
  joinPath,
  liveCell,
  livePartition,
  nodeFileSystem,
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

/** Where the harness runs compactions: on the engine's thread over a simulated disk, or in the background worker. */
export type CompactionsRun = 'inline' | 'worker';

const tempRoots: string[] = [];

/** Compaction logs and temporary files. */
const LEFTOVER = /\/(compaction-\d+\.log|[^/]*tmp[^/]*)$/;

/** Removes the temporary directories of every harness run with the worker. */
export function removeTempRoots(): void {
  for (const root of tempRoots.splice(0)) rmSync(root, { recursive: true, force: true });
}

export class Harness {
  engine!: StorageEngine;
  readonly fs: FileSystem;
  readonly runtime: SimulatedRuntime;
  /** The data directory, and the table's directory in it. */
  readonly root: string;
  readonly directory: string;
  private readonly sim: SimFileSystem | undefined;
  /** Renames of compaction logs (temporary name → final) so far; those whose number is listed fail (inline only). */
  renames = 0;
  readonly failRenames = new Set<number>();

  constructor(
    readonly table: TableOptions,
    readonly where: CompactionsRun = 'inline',
  ) {
    if (where === 'worker') {
      this.root = mkdtempSync(join(tmpdir(), 'ringtail-compaction-'));
      tempRoots.push(this.root);
      this.directory = joinPath(this.root, 'data', TABLE);
      this.fs = nodeFileSystem();
      // The clock is simulated (gc grace passes at once); the worker takes its "now" from the job.
      this.runtime = simulatedRuntime(1, this.fs);
      return;
    }
    this.root = '/node';
    this.directory = DIRECTORY;
    const sim = new SimFileSystem();
    this.sim = sim;
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
    this.fs = sim;
    this.runtime = simulatedRuntime(1, fs);
  }

  async open(): Promise<this> {
    this.engine = await StorageEngine.open({
      runtime: this.runtime,
      dataDirectory: this.root,
      tables: [this.table],
      commitLog: { syncMode: 'periodic', segmentSizeBytes: 64 * 1024 },
      backgroundWorker: this.where === 'worker',
    });
    return this;
  }

  /** The simulated disk (inline only). */
  get simulated(): SimFileSystem {
    if (this.sim === undefined) throw new Error('the harness runs on the real file system');
    return this.sim;
  }

  /** Compaction logs and temporary files left anywhere in the data directory. */
  leftovers(): string[] {
    const files =
      this.sim !== undefined
        ? this.sim.listFiles()
        : readdirSync(this.root, { recursive: true }).map((f) => joinPath(this.root, String(f)));
    return files.filter((f) => LEFTOVER.test(f));
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
    return listSSTables(this.fs, this.directory);
  }

  /** Every partition of every live SSTable, read raw (no merge across SSTables). */
  async raw(): Promise<PartitionUpdate[]> {
    const out: PartitionUpdate[] = [];
    for (const generation of await this.generations()) {
      const reader = await SSTableReader.open(this.fs, this.directory, generation);
      for await (const p of reader.scan()) out.push(p);
      await reader.close();
    }
    return out;
  }

  advanceSeconds(seconds: number): void {
    this.runtime.clock.advanceMs(seconds * 1000);
  }
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
