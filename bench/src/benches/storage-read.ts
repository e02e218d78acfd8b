/**
 * Storage-engine point reads: ROWS single-cell rows (random 16-byte keys,
 * 100-byte values) are written through StorageEngine.write and flushed — the
 * default 64 MiB memtable flush size leaves about a dozen SSTables, which
 * stay, compaction being disabled for the table — and the
 * same rows into classic-level (LevelDB); both are closed and reopened. Then
 * READS point reads of random keys, ABSENT_PERCENT of them keys never
 * written, through StorageEngine.read against classic-level `get` of the
 * same keys in the same order, READS_PER_TURN per event-loop turn with up to
 * READ_TURNS_IN_FLIGHT turns in flight. `ratio` = Ringtail reads/s / LevelDB reads/s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initChecksums, seededRandom } from '@ringtail/codec';
import type { StorageEngine } from '@ringtail/storage';
import { type Bench, type BenchResult, formatRate, makeResult } from '../result.js';
import {
  checkAbsent,
  checkLevel,
  checkRingtail,
  directoryBytes,
  KEY_BYTES,
  type Level,
  median,
  mib,
  openLevel,
  openRingtail,
  type RingtailOptions,
  Rows,
  ringtailValue,
  sample,
  TABLE_ID,
  VALUE_BYTES,
  writeBack,
  writeLevel,
  writeRingtail,
} from '../storage-fixture.js';

const ROWS = Number(process.env.BENCH_ROWS ?? 1_000_000);
const READS = Number(process.env.BENCH_READS ?? 100_000);
const ABSENT_PERCENT = 10;
const READS_PER_TURN = 100;
const READ_TURNS_IN_FLIGHT = 8;
/** Each side reads ROUNDS times, the order alternating; figures are the median. */
const ROUNDS = 3;
/** Untimed reads first, so that neither side pays for first touches (LevelDB opens its tables lazily). */
const WARM_UP_READS = 10_000;
const SEED = 0x73726561;
/** Compaction off, so that the flushed SSTables stay as they are and nothing runs beside the reads. */
const RINGTAIL_OPTIONS: RingtailOptions = { compaction: { class: 'SizeTieredCompactionStrategy', enabled: false } };

/** `reads` keys to read, in order: row i for i >= 0, absent key -1 - i for i < 0. */
function readOrder(rows: number, absentKeys: number, reads: number, seed: number): Int32Array {
  const random = seededRandom(seed);
  const order = new Int32Array(reads);
  for (let n = 0; n < reads; n++) {
    order[n] = random.int(100) < ABSENT_PERCENT ? -1 - random.int(absentKeys) : random.int(rows);
  }
  return order;
}

interface ReadPhase {
  readsPerSecond: number;
  found: number;
}

/** `keyOf(n)` for each read of `order`; `read` resolves to the value found, or undefined. */
async function timeReads(
  order: Int32Array,
  keyOf: (index: number) => Uint8Array,
  read: (key: Uint8Array) => Promise<Uint8Array | undefined>,
): Promise<ReadPhase> {
  let found = 0;
  let valueBytes = 0;
  const count = (value: Uint8Array | undefined) => {
    if (value !== undefined) {
      found++;
      valueBytes += value.length;
    }
  };
  const inFlight: Array<Promise<unknown>> = [];
  const start = performance.now();
  for (let n = 0; n < order.length; ) {
    const end = Math.min(order.length, n + READS_PER_TURN);
    const turn: Array<Promise<void>> = [];
    for (; n < end; n++) turn.push(read(keyOf(order[n]!)).then(count));
    inFlight.push(Promise.all(turn));
    if (inFlight.length >= READ_TURNS_IN_FLIGHT) await inFlight.shift();
    else await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(inFlight);
  const elapsedMs = performance.now() - start;
  if (valueBytes !== found * VALUE_BYTES) throw new Error('storage-read: a value of the wrong size');
  return { readsPerSecond: (order.length * 1000) / elapsedMs, found };
}

async function load(root: string, rows: Rows): Promise<Record<string, unknown>> {
  const engine = await openRingtail(join(root, 'ringtail'), RINGTAIL_OPTIONS);
  let ringtailLoadMs: number;
  try {
    ringtailLoadMs = await writeRingtail(engine, rows, 0, rows.count);
    const flushStart = performance.now();
    await engine.flush();
    ringtailLoadMs += performance.now() - flushStart;
  } finally {
    await engine.close();
  }
  writeBack();
  const db = await openLevel(join(root, 'level'));
  let levelLoadMs: number;
  try {
    levelLoadMs = await writeLevel(db, rows, 0, rows.count);
  } finally {
    await db.close();
  }
  writeBack();
  return {
    ringtailLoadRowsPerSecond: Math.round((rows.count * 1000) / ringtailLoadMs),
    levelLoadRowsPerSecond: Math.round((rows.count * 1000) / levelLoadMs),
    ringtailDirectoryMiB: mib(directoryBytes(join(root, 'ringtail'))),
    levelDirectoryMiB: mib(directoryBytes(join(root, 'level'))),
  };
}

/** LevelDB's files per level, from its `leveldb.stats` table. */
function levelFiles(db: Level): Record<string, number> {
  const files: Record<string, number> = {};
  for (const line of db.getProperty('leveldb.stats').split('\n')) {
    const match = /^\s*(\d+)\s+(\d+)\s/.exec(line);
    if (match !== null) files[`L${match[1]}`] = Number(match[2]);
  }
  return files;
}

async function run(): Promise<BenchResult> {
  await initChecksums();
  const root = mkdtempSync(join(tmpdir(), 'ringtail-bench-storage-read-'));
  let engine: StorageEngine | undefined;
  let db: Level | undefined;
  try {
    const rows = new Rows(ROWS, SEED);
    const absent = new Rows(10_000, SEED ^ 2);
    const loaded = await load(root, rows);
    engine = await openRingtail(join(root, 'ringtail'), RINGTAIL_OPTIONS);
    db = await openLevel(join(root, 'level'));
    // Before timing: both hold every row sampled, exactly, and neither any key never written.
    const checked = sample(rows.count, 2000);
    await checkRingtail(engine, rows, checked, 'storage-read');
    await checkLevel(db, rows, checked, 'storage-read');
    await checkAbsent(engine, db, new Rows(200, SEED ^ 2), 'storage-read');
    const stats = engine.stats(TABLE_ID);
    if (stats.memtableBytes > 1024) throw new Error('storage-read: rows left in the memtable after the flush');

    const order = readOrder(rows.count, absent.count, READS, SEED ^ 3);
    const keyOf = (i: number) => (i >= 0 ? rows.key(i) : absent.key(-1 - i));
    const ringtailEngine = engine;
    const levelDb = db;
    const ringtailRead = async (key: Uint8Array) => ringtailValue(await ringtailEngine.read(TABLE_ID, key));
    const levelRead = (key: Uint8Array) => levelDb.get(key);
    const warmUp = readOrder(rows.count, absent.count, WARM_UP_READS, SEED ^ 4);
    await timeReads(warmUp, keyOf, ringtailRead);
    await timeReads(warmUp, keyOf, levelRead);
    const ringtail: ReadPhase[] = [];
    const level: ReadPhase[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order, so that neither side always reads first.
      if (round % 2 === 0) ringtail.push(await timeReads(order, keyOf, ringtailRead));
      level.push(await timeReads(order, keyOf, levelRead));
      if (round % 2 === 1) ringtail.push(await timeReads(order, keyOf, ringtailRead));
    }
    const present = order.reduce((n, i) => n + (i >= 0 ? 1 : 0), 0);
    for (const phase of [...ringtail, ...level]) {
      if (phase.found !== present) throw new Error(`storage-read: found ${phase.found} of ${present} keys`);
    }
    const middle = (phases: ReadPhase[]) => median(phases.map((p) => p.readsPerSecond));
    console.table(
      ringtail.map((r, i) => ({
        round: i,
        ringtail: formatRate(r.readsPerSecond),
        'classic-level': formatRate(level[i]!.readsPerSecond),
        ratio: (r.readsPerSecond / level[i]!.readsPerSecond).toFixed(3),
      })),
    );
    return makeResult({
      name: 'storage-read',
      metric: 'reads/s',
      value: middle(ringtail),
      baseline: { name: 'classic-level get', value: middle(level) },
      params: {
        rows: ROWS,
        reads: READS,
        absentPercent: ABSENT_PERCENT,
        keyBytes: KEY_BYTES,
        valueBytes: VALUE_BYTES,
        memtableFlushBytes: 'default (64 MiB)',
        compaction: 'disabled',
        readsPerTurn: READS_PER_TURN,
        turnsInFlight: READ_TURNS_IN_FLIGHT,
        rounds: ROUNDS,
        warmUpReads: WARM_UP_READS,
        seed: SEED,
      },
      details: {
        ringtailReadsPerSecond: ringtail.map((p) => Math.round(p.readsPerSecond)),
        levelReadsPerSecond: level.map((p) => Math.round(p.readsPerSecond)),
        sstables: stats.liveSSTables,
        sstableMiB: mib(stats.sstableBytes),
        levelFiles: levelFiles(db),
        ...loaded,
      },
    });
  } finally {
    await engine?.close();
    await db?.close();
    rmSync(root, { recursive: true, force: true });
  }
}

export const storageReadBench: Bench = {
  name: 'storage-read',
  description: `StorageEngine.read of ${READS} random keys (${ABSENT_PERCENT}% absent) after ${ROWS} rows written and flushed vs classic-level get`,
  run,
};
