/**
 * What the storage benchmarks share: the rows they write (random 16-byte keys,
 * 100-byte values, one cell), the write loops for the Ringtail engine and for
 * classic-level (LevelDB), and the checks that both hold what was written.
 * The same rows go to both sides in the same order, in the same shape: many
 * writes per event-loop turn, a bounded number of turns in flight.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import {
  liveCell,
  livePartition,
  type Mutation,
  nodeFileSystem,
  type PartitionUpdate,
  seededRandom,
  systemRuntime,
} from '@ringtail/codec';
import { StorageEngine, type StorageOptions, type TableOptions } from '@ringtail/storage';
import { ClassicLevel } from 'classic-level';

export const KEY_BYTES = 16;
export const VALUE_BYTES = 100;
export const TABLE_ID = '5a1c9e4e-0000-4000-8000-73746f726167';
export const COLUMN = 'value';
const NOW_SEC = 1_700_000_000;
const BASE_TIMESTAMP_MICROS = NOW_SEC * 1_000_000;

/** Writes made in one event-loop turn, and turns allowed in flight: a busy node's many writers (as in `commitlog`). */
export const WRITES_PER_TURN = 1000;
export const WRITE_TURNS_IN_FLIGHT = 64;

/** `count` rows: row i is key i (16 random bytes) and value i (100 random bytes), both views of one buffer. */
export class Rows {
  private readonly keyBytes: Uint8Array;
  private readonly valueBytes: Uint8Array;

  constructor(
    readonly count: number,
    readonly seed: number,
  ) {
    const random = seededRandom(seed);
    this.keyBytes = random.bytes(count * KEY_BYTES);
    this.valueBytes = random.bytes(count * VALUE_BYTES);
  }

  key(i: number): Uint8Array {
    return this.keyBytes.subarray(i * KEY_BYTES, (i + 1) * KEY_BYTES);
  }

  value(i: number): Uint8Array {
    return this.valueBytes.subarray(i * VALUE_BYTES, (i + 1) * VALUE_BYTES);
  }

  /** Row i as a single-row, single-cell mutation. */
  mutation(i: number): Mutation {
    const cell = liveCell(COLUMN, undefined, BASE_TIMESTAMP_MICROS + i, this.value(i));
    const row = { clustering: '', liveness: undefined, deletion: undefined, cells: [cell], complexDeletions: [] };
    const update: PartitionUpdate = {
      tableId: TABLE_ID,
      key: this.key(i),
      deletion: undefined,
      staticRow: undefined,
      rows: [row],
      rangeTombstones: [],
    };
    return { updates: [update] };
  }
}

export type Level = ClassicLevel<Uint8Array, Uint8Array>;

export interface RingtailOptions {
  memtableFlushBytes?: number;
  /** The engine's Data block cache; default the engine's. */
  dataCacheBytes?: number;
  /** The table's compaction settings; default the engine's (size-tiered, running in the background). */
  compaction?: TableOptions['compaction'];
}

/** The engine with one table, commit log in group mode, on the real file system. */
export async function openRingtail(dataDirectory: string, options: RingtailOptions = {}): Promise<StorageEngine> {
  const storageOptions: StorageOptions = {
    runtime: systemRuntime(nodeFileSystem()),
    dataDirectory,
    tables: [{ tableId: TABLE_ID, ...(options.compaction === undefined ? {} : { compaction: options.compaction }) }],
    commitLog: { syncMode: 'group' },
    // As a node runs it: flushes write their SSTables on a second core.
    backgroundWorker: true,
  };
  if (options.memtableFlushBytes !== undefined) storageOptions.memtableFlushBytes = options.memtableFlushBytes;
  if (options.dataCacheBytes !== undefined) storageOptions.dataCacheBytes = options.dataCacheBytes;
  return StorageEngine.open(storageOptions);
}

/** classic-level with its defaults (4 MiB write buffer, 8 MiB block cache, Snappy), keys and values as Uint8Array. */
export async function openLevel(directory: string): Promise<Level> {
  const db = new ClassicLevel<Uint8Array, Uint8Array>(directory, { keyEncoding: 'view', valueEncoding: 'view' });
  await db.open();
  return db;
}

/** Rows [from, to) through StorageEngine.write; resolves when every write is acknowledged. Returns elapsed ms. */
export async function writeRingtail(engine: StorageEngine, rows: Rows, from: number, to: number): Promise<number> {
  const inFlight: Array<Promise<void>> = [];
  const start = performance.now();
  for (let i = from; i < to; ) {
    const end = Math.min(to, i + WRITES_PER_TURN);
    // Acknowledgements come in append order, so the last write of a turn stands for the turn
    // (a failed write would still surface, as an unhandled rejection that ends the run).
    let last: Promise<void> | undefined;
    for (; i < end; i++) last = engine.write(rows.mutation(i));
    inFlight.push(last!);
    if (inFlight.length >= WRITE_TURNS_IN_FLIGHT) await inFlight.shift();
    else await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(inFlight);
  return performance.now() - start;
}

/** Rows [from, to) as classic-level batches of WRITES_PER_TURN puts, `sync: false`. Returns elapsed ms. */
export async function writeLevel(db: Level, rows: Rows, from: number, to: number): Promise<number> {
  const inFlight: Array<Promise<void>> = [];
  const start = performance.now();
  for (let i = from; i < to; ) {
    const end = Math.min(to, i + WRITES_PER_TURN);
    const batch: Array<{ type: 'put'; key: Uint8Array; value: Uint8Array }> = [];
    for (; i < end; i++) batch.push({ type: 'put', key: rows.key(i), value: rows.value(i) });
    inFlight.push(db.batch(batch, { sync: false }));
    if (inFlight.length >= WRITE_TURNS_IN_FLIGHT) await inFlight.shift();
    else await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(inFlight);
  return performance.now() - start;
}

/** The value of the one live cell a read returned, or undefined if the partition is absent or has none. */
export function ringtailValue(partition: PartitionUpdate | undefined): Uint8Array | undefined {
  if (partition === undefined) return undefined;
  const live = livePartition(partition, NOW_SEC);
  if (live.rows.length !== 1) return undefined;
  const cells = partition.rows[0]!.cells;
  return cells.length === 1 && cells[0]!.column === COLUMN ? cells[0]!.value : undefined;
}

export function sameBytes(a: Uint8Array | undefined, b: Uint8Array): boolean {
  return a !== undefined && Buffer.from(a.buffer, a.byteOffset, a.length).equals(b);
}

/** Reads `indices` of `rows` back through the engine: each must hold exactly its value. */
export async function checkRingtail(engine: StorageEngine, rows: Rows, indices: Iterable<number>, what: string) {
  for (const i of indices) {
    if (!sameBytes(ringtailValue(await engine.read(TABLE_ID, rows.key(i))), rows.value(i))) {
      throw new Error(`${what}: Ringtail reads row ${i} back wrong`);
    }
  }
}

export async function checkLevel(db: Level, rows: Rows, indices: Iterable<number>, what: string) {
  for (const i of indices) {
    if (!sameBytes(await db.get(rows.key(i)), rows.value(i)))
      throw new Error(`${what}: LevelDB reads row ${i} back wrong`);
  }
}

/** Keys that no row has: each read must find nothing. */
export async function checkAbsent(engine: StorageEngine, db: Level, absent: Rows, what: string) {
  for (let i = 0; i < absent.count; i++) {
    if ((await engine.read(TABLE_ID, absent.key(i))) !== undefined) throw new Error(`${what}: Ringtail finds key ${i}`);
    if ((await db.get(absent.key(i))) !== undefined) throw new Error(`${what}: LevelDB finds absent key ${i}`);
  }
}

export function range(from: number, to: number): number[] {
  return Array.from({ length: to - from }, (_, k) => from + k);
}

/** `n` indices in [0, count), spread evenly (a sample that reaches every SSTable and the memtable). */
export function sample(count: number, n: number): number[] {
  return Array.from({ length: Math.min(n, count) }, (_, k) => Math.floor((k * count) / Math.min(n, count)));
}

/**
 * Removes `directory` and writes back every dirty page, so the next phase does
 * not run behind the page cache's write-back of the one before.
 */
export function settle(directory: string): void {
  rmSync(directory, { recursive: true, force: true });
  writeBack();
}

/** Writes every dirty page back (`sync`), so that what runs next does not pay for what ran before. */
export function writeBack(): void {
  execFileSync('sync');
}

/** Bytes this process has passed to write(2) so far (Linux `/proc/self/io` wchar), or undefined elsewhere. */
export function bytesWrittenByProcess(): number | undefined {
  if (!existsSync('/proc/self/io')) return undefined;
  const match = /^wchar: (\d+)$/m.exec(readFileSync('/proc/self/io', 'utf8'));
  return match === null ? undefined : Number(match[1]);
}

/** Total size of the files under `directory`. */
export function directoryBytes(directory: string): number {
  let total = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    total += entry.isDirectory() ? directoryBytes(path) : statSync(path).size;
  }
  return total;
}

export function mib(bytes: number | undefined): number | undefined {
  return bytes === undefined ? undefined : Math.round((bytes / 2 ** 20) * 10) / 10;
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length % 2 === 1
    ? sorted[sorted.length >> 1]!
    : (sorted[sorted.length / 2 - 1]! + sorted[sorted.length / 2]!) / 2;
}
