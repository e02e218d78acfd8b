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
import { beforeAll, describe, expect, it } from 'vitest';
import { StorageEngine } from '../src/index.js';

const TABLE = 'crash-table';
const SEEDS = 120;
const KEYS = 6;
const COLUMNS = ['a', 'b'];

interface Op {
  key: number;
  column: string;
  ts: number;
  /** undefined: a delete. */
  value: number | undefined;
  acked: boolean;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

function openEngine(runtime: SimulatedRuntime): Promise<StorageEngine> {
  return StorageEngine.open({
    runtime,
    dataDirectory: '/node',
    tables: [{ tableId: TABLE }],
    commitLog: { syncMode: 'batch', segmentSizeBytes: 8 * 1024 },
    memtableFlushBytes: 4 * 1024,
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

/** Writes, flushes and waits at random, then crashes the simulated machine at a random moment. */
async function runUntilCrash(seed: number, random: Random) {
  const fs = new SimFileSystem();
  const runtime = simulatedRuntime(seed, fs);
  const engine = await openEngine(runtime);
  const ops: Op[] = [];
  let ts = 1;
  const nowSec = secondsFromMicros(runtime.clock.nowMicros());
  for (let step = 1 + random.int(80); step > 0; step--) {
    const action = random.int(12);
    if (action < 7) {
      const op: Op = {
        key: random.int(KEYS),
        column: COLUMNS[random.int(COLUMNS.length)]!,
        ts: ts++,
        value: random.int(5) === 0 ? undefined : ts,
        acked: false,
      };
      ops.push(op);
      engine.write(mutationOf(op, nowSec)).then(
        () => {
          op.acked = true;
        },
        () => {},
      );
    } else if (action < 8) {
      engine.flush().catch(() => {});
    } else {
      for (let n = random.int(4); n >= 0; n--) await tick();
    }
  }
  for (let n = random.int(6); n > 0; n--) await Promise.resolve();
  return { ops, crashed: fs.crash({ random, tearLastWrite: true }), seedRuntime: runtime };
}

describe('storage engine crash recovery (simulated file system)', () => {
  beforeAll(() => initChecksums());

  it('keeps every acknowledged write and resurrects no deleted data, through crashes during writes and flushes', async () => {
    const base = Number(process.env.RINGTAIL_SEED ?? (Math.random() * 2 ** 32) >>> 0);
    console.log(`[storage-crash] seed ${base} (rerun with RINGTAIL_SEED=${base})`);
    let withSSTables = 0;
    for (let i = 0; i < SEEDS; i++) {
      const seed = (base + i) >>> 0;
      const random = seededRandom(seed);
      const { ops, crashed } = await runUntilCrash(seed, random);
      const runtime = simulatedRuntime(seed, crashed);
      const engine = await openEngine(runtime);
      if (engine.stats(TABLE).liveSSTables > 0) withSSTables++;
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
            // What is visible was written, and is no older than the last acknowledged operation.
            const source = history.find((o) => o.ts === visible.timestampMicros);
            expect(source?.value, context).toBeDefined();
            expect(visible.timestampMicros, context).toBeGreaterThanOrEqual(lastAcked?.ts ?? 0);
          } else if (lastAcked !== undefined && lastAcked.value !== undefined) {
            // Absent although a write was acknowledged: only a later delete may explain it.
            expect(
              history.some((o) => o.value === undefined && o.ts > lastAcked.ts),
              context,
            ).toBe(true);
          }
        }
      }
      // After close: compactions started at open are stopped and undone by then, as any work under way is.
      await engine.close();
      for (const file of crashed.listFiles()) expect(file, `seed ${seed}`).not.toMatch(/tmp/);
    }
    console.log(`[storage-crash] ${SEEDS} crashes, ${withSSTables} recovered with SSTables on disk`);
    expect(withSSTables).toBeGreaterThan(0);
  });
});
