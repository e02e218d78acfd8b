/**
 * Storage-engine write throughput: ROWS single-row writes (random 16-byte key,
 * 100-byte value, one cell) through StorageEngine.write — commit log in group
 * mode, memtable, flushes and compactions in the engine's background workers,
 * as a node runs it — on the real file system,
 * against classic-level (LevelDB) in the same run writing the same keys and
 * values as `db.batch()` of 1,000 puts with `sync: false`. Both sides get
 * 1,000 writes per event-loop turn with up to 64 turns in flight, and are
 * timed until the last write is acknowledged. `ratio` = Ringtail / LevelDB.
 *
 * The sides are not equally durable: an acknowledged Ringtail write has been
 * fdatasynced (group mode), a LevelDB write with `sync: false` only handed to
 * the page cache. The baseline is the one the storage issue names.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initChecksums } from '@ringtail/codec';
import { type Bench, type BenchResult, formatRate, makeResult } from '../result.js';
import {
  bytesWrittenByProcess,
  checkAbsent,
  checkLevel,
  checkRingtail,
  directoryBytes,
  KEY_BYTES,
  mib,
  openLevel,
  openRingtail,
  Rows,
  range,
  sample,
  settle,
  TABLE_ID,
  VALUE_BYTES,
  WRITE_TURNS_IN_FLIGHT,
  WRITES_PER_TURN,
  writeLevel,
  writeRingtail,
} from '../storage-fixture.js';

/**
 * 3M rows: ~670 MB of memtable data in Ringtail's accounting, well past its
 * 256 MiB of memtable space, so that the timed writes include waiting for
 * flushes and compactions (steady state). At 1M rows, everything fits in
 * memtables and the figure would leave the flushes out.
 */
const ROWS = Number(process.env.BENCH_ROWS ?? 3_000_000);
/** Each side runs ROUNDS times, the order alternating; figures are the mean. */
const ROUNDS = 2;
const SEED = 0x73776974;
const VERIFY_ROWS = 5000;

/**
 * Before timing: a few thousand rows written through both sides, part of them
 * flushed to an SSTable, read back through both — before and after a reopen —
 * and compared with what was written; keys never written are found by neither.
 */
async function verify(root: string): Promise<void> {
  const rows = new Rows(VERIFY_ROWS, SEED ^ 1);
  const absent = new Rows(200, SEED ^ 2);
  const half = VERIFY_ROWS >> 1;
  const ringtailDir = join(root, 'verify-ringtail');
  const levelDir = join(root, 'verify-level');
  let engine = await openRingtail(ringtailDir);
  const db = await openLevel(levelDir);
  try {
    await writeRingtail(engine, rows, 0, half);
    await engine.flush();
    await writeRingtail(engine, rows, half, VERIFY_ROWS);
    if (engine.stats(TABLE_ID).liveSSTables !== 1) throw new Error('storage-write: the flush made no SSTable');
    await writeLevel(db, rows, 0, VERIFY_ROWS);
    await checkRingtail(engine, rows, range(0, VERIFY_ROWS), 'storage-write (SSTable + memtable)');
    await checkLevel(db, rows, range(0, VERIFY_ROWS), 'storage-write');
    await checkAbsent(engine, db, absent, 'storage-write');
    await engine.close();
    engine = await openRingtail(ringtailDir);
    await checkRingtail(engine, rows, range(0, VERIFY_ROWS), 'storage-write (after reopen)');
  } finally {
    await engine.close();
    await db.close();
    rmSync(ringtailDir, { recursive: true, force: true });
    rmSync(levelDir, { recursive: true, force: true });
  }
}

interface Phase {
  rowsPerSecond: number;
  details: Record<string, unknown>;
}

async function timeRingtail(directory: string, rows: Rows): Promise<Phase> {
  settle(directory);
  const engine = await openRingtail(directory);
  try {
    const wcharBefore = bytesWrittenByProcess();
    const elapsedMs = await writeRingtail(engine, rows, 0, rows.count);
    const wchar = bytesWrittenByProcess();
    const atEnd = engine.stats(TABLE_ID);
    // After the clock: every row is still readable (a sample, from SSTables and the memtable).
    await checkRingtail(engine, rows, sample(rows.count, 1000), 'storage-write (timed rows)');
    const closeStart = performance.now();
    await engine.flush();
    const flushed = engine.stats(TABLE_ID);
    const flushMs = performance.now() - closeStart;
    return {
      rowsPerSecond: (rows.count * 1000) / elapsedMs,
      details: {
        elapsedMs: Math.round(elapsedMs),
        // Back-pressure bounds what waits to be flushed at the last acknowledgement (memtableSpaceBytes).
        rowsPerSecondThroughFinalFlush: Math.round((rows.count * 1000) / (elapsedMs + flushMs)),
        sstablesWhenAcknowledged: atEnd.liveSSTables,
        memtableMiBWhenAcknowledged: mib(atEnd.memtableBytes + atEnd.flushingMemtableBytes),
        writtenMiB: mib(wchar === undefined || wcharBefore === undefined ? undefined : wchar - wcharBefore),
        finalFlushMs: Math.round(flushMs),
        sstableMiB: mib(flushed.sstableBytes),
        statsAfterFinalFlush: flushed,
      },
    };
  } finally {
    await engine.close();
  }
}

async function timeLevel(directory: string, rows: Rows): Promise<Phase> {
  settle(directory);
  const db = await openLevel(directory);
  try {
    const wcharBefore = bytesWrittenByProcess();
    const elapsedMs = await writeLevel(db, rows, 0, rows.count);
    const wchar = bytesWrittenByProcess();
    await checkLevel(db, rows, sample(rows.count, 1000), 'storage-write (timed rows)');
    const files = db.getProperty('leveldb.num-files-at-level0');
    return {
      rowsPerSecond: (rows.count * 1000) / elapsedMs,
      details: {
        elapsedMs: Math.round(elapsedMs),
        writtenMiB: mib(wchar === undefined || wcharBefore === undefined ? undefined : wchar - wcharBefore),
        level0FilesWhenAcknowledged: Number(files),
        directoryMiB: mib(directoryBytes(directory)),
      },
    };
  } finally {
    await db.close();
  }
}

async function run(): Promise<BenchResult> {
  await initChecksums();
  const root = mkdtempSync(join(tmpdir(), 'ringtail-bench-storage-write-'));
  try {
    await verify(root);
    const rows = new Rows(ROWS, SEED);
    const ringtail: Phase[] = [];
    const level: Phase[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate the order, so that neither side always runs behind the other's leftovers.
      const first = round % 2 === 0;
      if (first) ringtail.push(await timeRingtail(join(root, 'ringtail'), rows));
      level.push(await timeLevel(join(root, 'level'), rows));
      if (!first) ringtail.push(await timeRingtail(join(root, 'ringtail'), rows));
      settle(join(root, 'ringtail'));
      settle(join(root, 'level'));
    }
    const mean = (phases: Phase[]) => phases.reduce((sum, p) => sum + p.rowsPerSecond, 0) / phases.length;
    const value = mean(ringtail);
    const baseline = mean(level);
    console.table(
      ringtail.map((r, i) => ({
        round: i,
        ringtail: formatRate(r.rowsPerSecond),
        'classic-level': formatRate(level[i]!.rowsPerSecond),
        ratio: (r.rowsPerSecond / level[i]!.rowsPerSecond).toFixed(3),
      })),
    );
    return makeResult({
      name: 'storage-write',
      metric: 'rows/s',
      value,
      baseline: { name: 'classic-level batch(1000 puts), sync: false', value: baseline },
      params: {
        rows: ROWS,
        keyBytes: KEY_BYTES,
        valueBytes: VALUE_BYTES,
        commitLogSyncMode: 'group',
        writesPerTurn: WRITES_PER_TURN,
        turnsInFlight: WRITE_TURNS_IN_FLIGHT,
        rounds: ROUNDS,
        seed: SEED,
      },
      details: {
        ringtailRowsPerSecond: ringtail.map((p) => Math.round(p.rowsPerSecond)),
        levelRowsPerSecond: level.map((p) => Math.round(p.rowsPerSecond)),
        ringtail: ringtail.map((p) => p.details),
        level: level.map((p) => p.details),
      },
    });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

export const storageWriteBench: Bench = {
  name: 'storage-write',
  description: `StorageEngine.write of ${ROWS} single-cell rows (${KEY_BYTES}-byte keys, ${VALUE_BYTES}-byte values, group commit) vs classic-level batch(1000), sync: false`,
  run,
};
