/**
 * Writes wait for memtable space: a writer faster than flushing cannot grow
 * memtables without bound, waiting writes keep their order, and a failing
 * flush fails the waiting writes instead of hanging them — without losing the
 * memtable it could not write.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type FileSystem,
  initChecksums,
  isRingtailError,
  liveCell,
  livePartition,
  type Mutation,
  nodeFileSystem,
  SimFileSystem,
  systemRuntime,
} from '@ringtail/codec';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StorageEngine, type StorageOptions } from '../src/index.js';

const TABLE = 'users';
const dirs: string[] = [];
beforeAll(() => initChecksums());
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const keyOf = (i: number) => new TextEncoder().encode(`key-${i.toString().padStart(7, '0')}`);

const expectedValue = (i: number) => `value-${i}-${'x'.repeat(80)}`;

function put(i: number): Mutation {
  const cell = liveCell('v', undefined, 1000 + i, new TextEncoder().encode(expectedValue(i)));
  const row = { clustering: '', liveness: undefined, deletion: undefined, cells: [cell], complexDeletions: [] };
  return {
    updates: [
      { tableId: TABLE, key: keyOf(i), deletion: undefined, staticRow: undefined, rows: [row], rangeTombstones: [] },
    ],
  };
}

async function readValue(engine: StorageEngine, i: number): Promise<string | undefined> {
  const partition = await engine.read(TABLE, keyOf(i));
  const cell = partition === undefined ? undefined : livePartition(partition, 0).rows[0]?.cells[0];
  return cell === undefined ? undefined : new TextDecoder().decode(cell.value);
}

function options(fs: FileSystem, dataDirectory: string, extra: Partial<StorageOptions>): StorageOptions {
  return {
    runtime: systemRuntime(fs),
    dataDirectory,
    tables: [{ tableId: TABLE, compaction: { class: 'SizeTieredCompactionStrategy', enabled: false } }],
    commitLog: { syncMode: 'batch' },
    ...extra,
  };
}

function memtableBytes(engine: StorageEngine): number {
  const stats = engine.stats(TABLE);
  return stats.memtableBytes + stats.flushingMemtableBytes;
}

describe('write back-pressure', () => {
  it('keeps memtables within memtableSpaceBytes while a writer outruns flushing, and loses nothing', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ringtail-backpressure-'));
    dirs.push(dir);
    const spaceBytes = 256 * 1024;
    let engine = await StorageEngine.open(
      options(nodeFileSystem(), dir, { memtableFlushBytes: 64 * 1024, memtableSpaceBytes: spaceBytes }),
    );
    const rows = 6000;
    let mostBytes = 0;
    let waited = 0;
    const completed: number[] = [];
    // All writes at once: far more than memtable space holds, so most of them wait.
    await Promise.all(
      Array.from({ length: rows }, (_, i) =>
        engine.write(put(i)).then(() => {
          completed.push(i);
          mostBytes = Math.max(mostBytes, memtableBytes(engine));
          if (engine.stats(TABLE).liveSSTables > 0) waited++;
        }),
      ),
    );
    // One write's worth of slack: the write that crosses the bound is applied whole.
    expect(mostBytes).toBeLessThan(spaceBytes + 4096);
    expect(waited).toBeGreaterThan(rows / 2);
    // Waiting writes were let in in arrival order; group commit acknowledges in append order.
    expect(completed).toEqual(Array.from({ length: rows }, (_, i) => i));
    expect(engine.stats(TABLE).liveSSTables).toBeGreaterThan(4);
    await engine.close();
    engine = await StorageEngine.open(options(nodeFileSystem(), dir, {}));
    for (let i = 0; i < rows; i += 37) expect(await readValue(engine, i)).toBe(expectedValue(i));
    expect(await readValue(engine, rows - 1)).toBe(expectedValue(rows - 1));
    await engine.close();
  });

  it('lets waiting writes in as soon as one queued memtable is flushed, not when the whole queue is', async () => {
    // Every SSTable's Data file waits at a gate until the test opens it.
    const sim = new SimFileSystem();
    const gates = new Map<number, { opened: Promise<void>; open: () => void }>();
    const gate = (generation: number) => {
      let entry = gates.get(generation);
      if (entry === undefined) {
        let open!: () => void;
        const opened = new Promise<void>((resolve) => {
          open = resolve;
        });
        entry = { opened, open };
        gates.set(generation, entry);
      }
      return entry;
    };
    const fs: FileSystem = Object.create(sim);
    fs.open = async (path, mode) => {
      const generation = /tmp-rt-(\d+)-Data/.exec(path)?.[1];
      if (generation !== undefined) await gate(Number(generation)).opened;
      return sim.open(path, mode);
    };
    const extra = { memtableFlushBytes: 16 * 1024, memtableSpaceBytes: 64 * 1024 };
    const engine = await StorageEngine.open(options(fs, '/data', extra));
    let written = 0;
    const writes = Array.from({ length: 2000 }, (_, i) => engine.write(put(i)).then(() => written++));
    const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
    // The first flush is held at its gate; more memtables queue behind it until the space is full.
    while (memtableBytes(engine) < 64 * 1024 - 4096) await settle();
    // Until the writes let in so far are all acknowledged: the rest wait for space.
    for (let last = -1; last !== written; ) {
      last = written;
      await settle();
      await settle();
    }
    const before = written;
    expect(before).toBeLessThan(2000);
    gate(1).open();
    // With the later flushes still held, the space the first one freed lets waiting writes in.
    for (let i = 0; i < 100 && written === before; i++) await settle();
    expect(written).toBeGreaterThan(before);
    expect(engine.stats(TABLE).liveSSTables).toBe(1);
    for (let g = 2; g <= 200; g++) gate(g).open();
    await Promise.all(writes);
    expect(await readValue(engine, 1999)).toBe(expectedValue(1999));
    await engine.close();
  });

  it('refuses writes past maxBlockedWrites with LIMIT_EXCEEDED, and fails waiting writes on close', async () => {
    const fs = new SimFileSystem();
    const engine = await StorageEngine.open(
      options(fs, '/data', { memtableFlushBytes: 1 << 20, memtableSpaceBytes: 2048, maxBlockedWrites: 10 }),
    );
    // Far more than memtable space at once: 10 wait for the flush, the rest are refused.
    const outcomes = await Promise.allSettled(Array.from({ length: 50 }, (_, i) => engine.write(put(i))));
    const refused = outcomes.filter((o) => o.status === 'rejected');
    expect(refused.length).toBeGreaterThan(0);
    expect(outcomes.length - refused.length).toBeGreaterThanOrEqual(10);
    for (const o of refused)
      expect(isRingtailError((o as PromiseRejectedResult).reason, 'RT_LIMIT_EXCEEDED')).toBe(true);

    // More than memtable space again, and close() before the flush they wait for can end.
    const blocked = Array.from({ length: 40 }, (_, i) =>
      engine.write(put(200 + i)).then(
        () => 'written',
        (e: unknown) => e,
      ),
    );
    await engine.close();
    const settled = await Promise.all(blocked);
    const closed = settled.filter((s) => isRingtailError(s, 'RT_CLOSED'));
    const refusedAgain = settled.filter((s) => isRingtailError(s, 'RT_LIMIT_EXCEEDED'));
    const written = settled.filter((s) => s === 'written');
    expect(closed.length + refusedAgain.length + written.length).toBe(settled.length);
    expect(closed.length).toBe(10);
  });

  it('fails waiting writes when a flush fails, retries that memtable first, and keeps its rows', async () => {
    const fs = new SimFileSystem();
    const extra = { memtableFlushBytes: 4096, memtableSpaceBytes: 8192 };
    let engine = await StorageEngine.open(options(fs, '/data', extra));
    const healDisk = fs.injectFault({ op: 'write', path: /Data\.db/ });
    const outcomes = await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        engine.write(put(i)).then(
          () => 'written',
          (e: unknown) => e,
        ),
      ),
    );
    const written = outcomes.flatMap((o, i) => (o === 'written' ? [i] : []));
    const failed = outcomes.filter((o) => o !== 'written');
    expect(failed.length).toBeGreaterThan(0);
    for (const error of failed) expect(isRingtailError(error, 'RT_IO')).toBe(true);
    expect(engine.stats(TABLE).liveSSTables).toBe(0);

    healDisk();
    // A flush attempt that was writing when the disk healed may still fail the first write that waits on it;
    // after that, the next write that finds no space retries the failed memtable before any later one.
    for (let attempt = 0; ; attempt++) {
      try {
        await engine.write(put(1000));
        break;
      } catch (error) {
        expect(isRingtailError(error, 'RT_IO')).toBe(true);
        expect(attempt).toBeLessThan(3);
      }
    }
    for (let i = 1001; i < 1100; i++) await engine.write(put(i));
    expect(engine.stats(TABLE).liveSSTables).toBeGreaterThan(0);
    await engine.close();
    engine = await StorageEngine.open(options(fs, '/data', extra));
    for (const i of [...written, ...Array.from({ length: 100 }, (_, k) => 1000 + k)]) {
      expect(await readValue(engine, i)).toBe(expectedValue(i));
    }
    await engine.close();
  });

  it('truncate deletes the SSTables written behind a failed flush, which a restart would otherwise bring back', async () => {
    const fs = new SimFileSystem();
    let engine = await StorageEngine.open(options(fs, '/data', {}));
    // The first memtable's SSTable (generation 1, and 3 on its retry) cannot be written; the second's (2) can.
    const healDisk = fs.injectFault({ op: 'write', path: /tmp-rt-[13]-Data/ });
    for (let i = 0; i < 10; i++) await engine.write(put(i));
    await expect(engine.flush(TABLE)).rejects.toSatisfy((e) => isRingtailError(e, 'RT_IO'));
    for (let i = 10; i < 20; i++) await engine.write(put(i));
    await expect(engine.flush(TABLE)).rejects.toSatisfy((e) => isRingtailError(e, 'RT_IO'));
    // The second memtable's SSTable is written (in the background) though it cannot go live before the first.
    for (let i = 0; i < 200 && !fs.listFiles().some((f) => f.endsWith('rt-2-TOC.txt')); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(fs.listFiles().some((f) => f.endsWith('rt-2-TOC.txt'))).toBe(true);
    expect(engine.stats(TABLE).liveSSTables).toBe(0);
    await engine.truncate(TABLE);
    expect(fs.listFiles().filter((f) => /rt-\d+-/.test(f))).toEqual([]);
    await engine.close();
    healDisk();
    engine = await StorageEngine.open(options(fs, '/data', {}));
    for (const i of [0, 9, 10, 19]) expect(await readValue(engine, i)).toBeUndefined();
    await engine.close();
  });

  it('truncate keeps the writes made while it runs, even when their memtable is flushed meanwhile', async () => {
    // The Data file of the first SSTable waits at a gate, holding the truncate behind that flush.
    const sim = new SimFileSystem();
    let openGate!: () => void;
    const gate = new Promise<void>((resolve) => {
      openGate = resolve;
    });
    const fs: FileSystem = Object.create(sim);
    fs.open = async (path, mode) => {
      if (/tmp-rt-1-Data/.test(path)) await gate;
      return sim.open(path, mode);
    };
    let engine = await StorageEngine.open(options(fs, '/data', {}));
    for (let i = 0; i < 10; i++) await engine.write(put(i));
    const firstFlush = engine.flush(TABLE);
    const truncating = engine.truncate(TABLE);
    for (let i = 100; i < 110; i++) await engine.write(put(i));
    const secondFlush = engine.flush(TABLE); // written at once, made live after the first
    openGate();
    await Promise.all([firstFlush, truncating, secondFlush]);
    for (const i of [0, 9]) expect(await readValue(engine, i)).toBeUndefined();
    for (const i of [100, 109]) expect(await readValue(engine, i)).toBe(expectedValue(i));
    expect(engine.stats(TABLE).liveSSTables).toBe(1);
    await engine.close();
    engine = await StorageEngine.open(options(sim, '/data', {}));
    for (const i of [0, 9]) expect(await readValue(engine, i)).toBeUndefined();
    for (const i of [100, 109]) expect(await readValue(engine, i)).toBe(expectedValue(i));
    await engine.close();
  });

  it('refuses writes, rather than flush in circles, when empty memtables alone fill the space', async () => {
    const fs = new SimFileSystem();
    const tables = ['a', 'b', 'c'].map((tableId) => ({ tableId }));
    const engine = await StorageEngine.open({ ...options(fs, '/data', { memtableSpaceBytes: 1000 }), tables });
    try {
      const cell = liveCell('v', undefined, 1, new Uint8Array(1));
      const row = { clustering: '', liveness: undefined, deletion: undefined, cells: [cell], complexDeletions: [] };
      const update = { tableId: 'a', key: keyOf(1), deletion: undefined, staticRow: undefined, rows: [row] };
      await expect(engine.write({ updates: [{ ...update, rangeTombstones: [] }] })).rejects.toThrow(/too small/);
    } finally {
      await engine.close();
    }
  });
});
