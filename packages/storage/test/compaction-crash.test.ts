/**
 * Crashes during compaction: random writes, deletes, flushes and compactions
 * (with tombstones past gc grace, so compactions purge), then a crash of the
 * simulated machine at a random moment — most often while a compaction is
 * under way. After a restart every acknowledged write must be there, nothing
 * deleted may come back, every SSTable must open and verify, and no
 * compaction log or temporary file may be left.
 */
import {
  cellTombstone,
  initChecksums,
  liveCell,
  livePartition,
  type PartitionUpdate,
  type Random,
  SimFileSystem,
  type SimulatedRuntime,
  secondsFromMicros,
  seededRandom,
  simulatedRuntime,
} from '@ringtail/codec';
import { listSSTables, SSTableReader } from '@ringtail/sstable';
import { beforeAll, describe, expect, it } from 'vitest';
import { type CompactionOptions, StorageEngine } from '../src/index.js';

const TABLE = 'crash-table';
const DIRECTORY = `/node/data/${TABLE}`;
const SEEDS = 100;
const KEYS = 8;
const COLUMNS = ['a', 'b'];
const GC_GRACE_SECONDS = 5;
const COMPACTION: CompactionOptions = { class: 'SizeTieredCompactionStrategy', minThreshold: 2, maxThreshold: 4 };

interface Op {
  key: number;
  column: string;
  ts: number;
  /** undefined: a delete. */
  value: number | undefined;
  acked: boolean;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function openEngine(runtime: SimulatedRuntime, compaction: CompactionOptions): Promise<StorageEngine> {
  return StorageEngine.open({
    runtime,
    dataDirectory: '/node',
    tables: [{ tableId: TABLE, gcGraceSeconds: GC_GRACE_SECONDS, compaction }],
    commitLog: { syncMode: 'batch', segmentSizeBytes: 8 * 1024 },
    memtableFlushBytes: 3 * 1024,
  });
}

function mutationOf(op: Op, nowSec: number): { updates: PartitionUpdate[] } {
  const cell =
    op.value === undefined
      ? cellTombstone(op.column, undefined, op.ts, nowSec)
      : liveCell(op.column, undefined, op.ts, new Uint8Array([op.value & 0xff, op.value >> 8]));
  const row = { clustering: '', liveness: undefined, deletion: undefined, cells: [cell], complexDeletions: [] };
  return {
    updates: [
      {
        tableId: TABLE,
        key: new Uint8Array([op.key]),
        deletion: undefined,
        staticRow: undefined,
        rows: [row],
        rangeTombstones: [],
      },
    ],
  };
}

async function runUntilCrash(seed: number, random: Random) {
  const fs = new SimFileSystem();
  const runtime = simulatedRuntime(seed, fs);
  const engine = await openEngine(runtime, COMPACTION);
  const ops: Op[] = [];
  let ts = 1;
  for (let step = 20 + random.int(100); step > 0; step--) {
    const action = random.int(20);
    if (action < 11) {
      const op: Op = {
        key: random.int(KEYS),
        column: COLUMNS[random.int(COLUMNS.length)]!,
        ts: ts++,
        value: random.int(4) === 0 ? undefined : ts,
        acked: false,
      };
      ops.push(op);
      engine.write(mutationOf(op, secondsFromMicros(runtime.clock.nowMicros()))).then(
        () => {
          op.acked = true;
        },
        () => {},
      );
    } else if (action < 13) {
      engine.flush().catch(() => {});
    } else if (action < 15) {
      engine.compact(TABLE, { major: random.int(2) === 0 }).catch(() => {});
    } else if (action < 16) {
      runtime.clock.advanceMs(1000 * (1 + random.int(8)));
    } else {
      for (let n = random.int(4); n >= 0; n--) await tick();
    }
  }
  // Most often, crash while a compaction is under way.
  for (let n = 0; n < 200 && !(engine.stats(TABLE).compactionsRunning > 0 && random.int(3) === 0); n++) await tick();
  for (let n = random.int(6); n > 0; n--) await Promise.resolve();
  const duringCompaction = engine.stats(TABLE).compactionsRunning > 0;
  return { ops, crashed: fs.crash({ random, tearLastWrite: true }), duringCompaction };
}

describe('crashes during compaction (simulated file system)', () => {
  beforeAll(() => initChecksums());

  it('lose no acknowledged write, resurrect nothing, and leave no compaction behind', async () => {
    const base = Number(process.env.RINGTAIL_SEED ?? (Math.random() * 2 ** 32) >>> 0);
    console.log(`[compaction-crash] seed ${base} (rerun with RINGTAIL_SEED=${base})`);
    let duringCompaction = 0;
    let logsFound = 0;
    let purged = 0;
    for (let i = 0; i < SEEDS; i++) {
      const seed = (base + i) >>> 0;
      const random = seededRandom(seed);
      const run = await runUntilCrash(seed, random);
      const { ops, crashed } = run;
      if (run.duringCompaction) duringCompaction++;
      if (crashed.listFiles().some((f) => /\/compaction-\d+\.log/.test(f))) logsFound++;

      // Reopened with automatic compaction off, so that what is on disk is what recovery left.
      const runtime = simulatedRuntime(seed, crashed);
      const engine = await openEngine(runtime, { ...COMPACTION, enabled: false });
      for (const file of crashed.listFiles()) {
        expect(file, `seed ${seed}`).not.toMatch(/tmp|\/compaction-\d+\.log/);
      }
      for (const generation of await listSSTables(crashed, DIRECTORY)) {
        const reader = await SSTableReader.open(crashed, DIRECTORY, generation);
        await reader.verify();
        await reader.close();
      }
      const nowSec = secondsFromMicros(runtime.clock.nowMicros());
      for (let key = 0; key < KEYS; key++) {
        const partition = await engine.read(TABLE, new Uint8Array([key]));
        const cells = partition === undefined ? [] : (livePartition(partition, nowSec).rows[0]?.cells ?? []);
        for (const column of COLUMNS) {
          const history = ops.filter((o) => o.key === key && o.column === column);
          const lastAcked = history.filter((o) => o.acked).at(-1);
          const visible = cells.find((c) => c.column === column);
          const context = `seed ${seed}: key ${key} column ${column}, last acked ${JSON.stringify(lastAcked)}, visible ts ${visible?.timestampMicros}`;
          if (visible !== undefined) {
            const source = history.find((o) => o.ts === visible.timestampMicros);
            expect(source?.value, context).toBeDefined();
            expect(visible.timestampMicros, context).toBeGreaterThanOrEqual(lastAcked?.ts ?? 0);
          } else if (lastAcked !== undefined && lastAcked.value !== undefined) {
            expect(
              history.some((o) => o.value === undefined && o.ts > lastAcked.ts),
              context,
            ).toBe(true);
          }
        }
      }
      // Everything still compacts: a major compaction after gc grace purges the deletes, and reads do not change.
      const view = async () => {
        const out: unknown[] = [];
        for (let key = 0; key < KEYS; key++) {
          const p = await engine.read(TABLE, new Uint8Array([key]));
          out.push(p === undefined ? [] : livePartition(p, secondsFromMicros(runtime.clock.nowMicros())).rows);
        }
        return out;
      };
      const tombstonesBefore = engine.stats(TABLE).sstableTombstones;
      runtime.clock.advanceMs(2 * GC_GRACE_SECONDS * 1000);
      const before = await view();
      await engine.flush();
      await engine.compact(TABLE, { major: true });
      expect(await view(), `seed ${seed}`).toEqual(before);
      if (engine.stats(TABLE).sstableTombstones < tombstonesBefore) purged++;
      await engine.close();
    }
    console.log(
      `[compaction-crash] ${SEEDS} crashes: ${duringCompaction} during a compaction, ` +
        `${logsFound} left a compaction log to recover, ${purged} recovered tables purged tombstones afterwards`,
    );
    expect(duringCompaction).toBeGreaterThan(SEEDS / 4);
    expect(logsFound).toBeGreaterThan(SEEDS / 10);
  });
});
