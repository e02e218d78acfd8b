import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type Cell,
  type ComplexDeletion,
  cellTombstone,
  type DeletionTime,
  expiringCell,
  type FileSystem,
  initChecksums,
  type LivenessInfo,
  liveCell,
  NO_DELETION_TIME,
  type PartitionUpdate,
  partitionPosition,
  type Random,
  type RangeTombstone,
  type Row,
  seededRandom,
} from '@ringtail/codec';
import { afterEach, beforeAll } from 'vitest';
import { type SSTableInfo, SSTableWriter, type SSTableWriterOptions } from '../src/index.js';

export const TABLE_ID = '5a1c3f2e-0d4b-4e8a-9c7f-1b2d3e4f5a6b';
const NOW_SEC = 1_750_000_000;
const BASE_MICROS = 1_750_000_000_000_000;

/** Registers checksum initialisation and temp-dir cleanup for a test file; returns a temp-dir factory. */
export function useTempDirs(): () => Promise<string> {
  const dirs: string[] = [];
  beforeAll(() => initChecksums());
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ringtail-sstable-'));
    dirs.push(dir);
    return dir;
  };
}

/** A seed from RINGTAIL_SEED or a fresh one; printed so a failure can be replayed. */
export function testSeed(label: string): number {
  const fromEnv = process.env.RINGTAIL_SEED;
  const seed = fromEnv === undefined ? (Math.random() * 2 ** 32) >>> 0 : Number(fromEnv);
  console.log(`[${label}] seed ${seed} (rerun with RINGTAIL_SEED=${seed})`);
  return seed;
}

/** A size in [0, max], log-uniform: small is common, the largest still appears. */
export function randomSize(random: Random, max: number): number {
  return Math.min(max, Math.floor(Math.exp(random.next() * Math.log(max + 1))) - 1);
}

function latin1(bytes: Uint8Array): string {
  let s = '';
  for (const b of bytes) s += String.fromCharCode(b);
  return s;
}

/** Sorted distinct random latin1 strings (clusterings, paths); a small alphabet now and then, so prefixes collide. */
function sortedStrings(random: Random, count: number, maxLength: number): string[] {
  const set = new Set<string>();
  const narrow = random.int(2) === 0;
  for (let i = 0; i < count * 2 && set.size < count; i++) {
    const bytes = random.bytes(1 + random.int(maxLength));
    if (narrow) for (let j = 0; j < bytes.length; j++) bytes[j] = 0x40 + (bytes[j]! % 3);
    set.add(latin1(bytes));
  }
  return [...set].sort();
}

function timestamp(random: Random): number {
  const r = random.int(50);
  if (r === 0) return -random.int(1_000_000);
  if (r === 1) return 0;
  return BASE_MICROS + random.int(2 ** 31) * 1000 + random.int(1000);
}

function deletion(random: Random): DeletionTime {
  return { markedForDeleteAtMicros: timestamp(random), localDeletionTimeSec: NOW_SEC - random.int(1_000_000) };
}

function cell(random: Random, column: string, path: string | undefined): Cell {
  const ts = timestamp(random);
  const kind = random.int(10);
  if (kind < 2) return cellTombstone(column, path, ts, NOW_SEC - random.int(100_000));
  const value = random.bytes(random.int(40) === 0 ? randomSize(random, 6000) : random.int(24));
  if (kind < 4) return expiringCell(column, path, ts, value, 1 + random.int(100_000), NOW_SEC - random.int(100_000));
  return liveCell(column, path, ts, value);
}

const SIMPLE_COLUMNS = ['a', 'b', 'cé', 'value'];
const COLLECTION_COLUMNS = ['list', 'map', 'set'];

export function randomRow(random: Random, clustering: string): Row {
  let liveness: LivenessInfo | undefined;
  if (random.int(2) === 0) {
    const ttlSec = random.int(4) === 0 ? 1 + random.int(86_400) : 0;
    const localExpirationTimeSec = ttlSec > 0 ? NOW_SEC + ttlSec : NO_DELETION_TIME;
    liveness = { timestampMicros: timestamp(random), ttlSec, localExpirationTimeSec };
  }
  const cells: Cell[] = [];
  const complexDeletions: ComplexDeletion[] = [];
  for (const column of [...SIMPLE_COLUMNS, ...COLLECTION_COLUMNS].sort()) {
    if (random.int(3) === 0) continue;
    if (!COLLECTION_COLUMNS.includes(column)) {
      cells.push(cell(random, column, undefined));
      continue;
    }
    if (random.int(5) === 0) complexDeletions.push({ column, deletion: deletion(random) });
    for (const path of sortedStrings(random, random.int(5), 6)) cells.push(cell(random, column, path));
  }
  return {
    clustering,
    liveness,
    deletion: random.int(8) === 0 ? deletion(random) : undefined,
    cells,
    complexDeletions,
  };
}

function rangeTombstones(random: Random): RangeTombstone[] {
  const out: RangeTombstone[] = [];
  for (let n = random.int(4); n > 0; n--) {
    const [a, b] = sortedStrings(random, 2, 4);
    if (a === undefined || b === undefined) continue;
    const start = random.int(6) === 0 ? '' : a;
    out.push({ start, end: b, deletion: deletion(random) });
  }
  return out;
}

export interface PartitionShape {
  /** Largest row count of an ordinary partition; now and then one gets `bigRows`. */
  maxRows: number;
  bigRows: number;
  maxKeyBytes: number;
}

export const DEFAULT_SHAPE: PartitionShape = { maxRows: 12, bigRows: 300, maxKeyBytes: 300 };

export function randomKey(random: Random, maxKeyBytes: number): Uint8Array {
  return random.bytes(random.int(3) === 0 ? random.int(4) : randomSize(random, maxKeyBytes));
}

export function randomPartition(
  random: Random,
  key: Uint8Array,
  shape: PartitionShape = DEFAULT_SHAPE,
): PartitionUpdate {
  const rowCount = random.int(60) === 0 ? shape.bigRows : random.int(shape.maxRows + 1);
  const rows = sortedStrings(random, rowCount, 12).map((c) => randomRow(random, c));
  return {
    tableId: TABLE_ID,
    key,
    deletion: random.int(10) === 0 ? deletion(random) : undefined,
    staticRow: random.int(5) === 0 ? randomRow(random, '') : undefined,
    rows,
    rangeTombstones: random.int(8) === 0 ? rangeTombstones(random) : [],
  };
}

/** `count` partitions with distinct random keys, sorted by partition position. */
export function randomPartitions(
  random: Random,
  count: number,
  shape: PartitionShape = DEFAULT_SHAPE,
): Array<{ position: string; update: PartitionUpdate }> {
  const byPosition = new Map<string, Uint8Array>();
  while (byPosition.size < count) {
    const key = randomKey(random, shape.maxKeyBytes);
    byPosition.set(partitionPosition(key), key);
  }
  return [...byPosition.keys()]
    .sort()
    .map((position) => ({ position, update: randomPartition(random, byPosition.get(position)!, shape) }));
}

export async function writeSSTable(
  fs: FileSystem,
  directory: string,
  generation: number,
  updates: readonly PartitionUpdate[],
  options?: SSTableWriterOptions,
): Promise<SSTableInfo> {
  const writer = await SSTableWriter.create(fs, directory, generation, options);
  for (const update of updates) await writer.append(update);
  return writer.finish();
}

export async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of iterable) out.push(item);
  return out;
}

export { seededRandom };

/**
 * Where `actual` first differs from `expected`, or undefined if they are equal
 * (plain objects, arrays, Uint8Arrays, primitives; an absent property equals
 * undefined). Much faster than toEqual on megabytes of partitions.
 */
export function firstDifference(actual: unknown, expected: unknown, path = '$'): string | undefined {
  if (Object.is(actual, expected)) return undefined;
  if (actual instanceof Uint8Array && expected instanceof Uint8Array) {
    if (actual.length !== expected.length) return `${path}: length ${actual.length} != ${expected.length}`;
    for (let i = 0; i < actual.length; i++) if (actual[i] !== expected[i]) return `${path}[${i}]`;
    return undefined;
  }
  if (typeof actual !== 'object' || typeof expected !== 'object' || actual === null || expected === null) {
    return `${path}: ${String(actual)} != ${String(expected)}`;
  }
  if (Array.isArray(actual) !== Array.isArray(expected)) return `${path}: array vs non-array`;
  if (Array.isArray(actual) && Array.isArray(expected) && actual.length !== expected.length) {
    return `${path}: length ${actual.length} != ${expected.length}`;
  }
  const a = actual as Record<string, unknown>;
  const e = expected as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(e)])) {
    const d = firstDifference(a[key], e[key], `${path}.${key}`);
    if (d !== undefined) return d;
  }
  return undefined;
}
