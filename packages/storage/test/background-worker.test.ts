import { spawnSync } from 'node:child_process';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';
import { ErrorCodes, initChecksums, isRingtailError, liveCell, nodeFileSystem, silentLogger } from '@ringtail/codec';
import { Memtable } from '@ringtail/memtable';
import { SSTableReader } from '@ringtail/sstable';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WorkerExecutor } from '../src/background/executor.js';
import { newStopFlag } from '../src/compaction/job.js';

const TABLE = 'background-worker-test';
const dirs: string[] = [];
const executors: WorkerExecutor[] = [];
beforeAll(() => initChecksums());
afterEach(async () => {
  for (const executor of executors.splice(0)) await executor.close();
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function setup(): Promise<{ dir: string; executor: WorkerExecutor }> {
  const dir = await mkdtemp(join(tmpdir(), 'ringtail-background-worker-'));
  dirs.push(dir);
  const executor = new WorkerExecutor();
  executors.push(executor);
  return { dir, executor };
}

function frozenMemtable(partitions: number, first = 0): Memtable {
  const memtable = new Memtable({ tableId: TABLE });
  for (let i = first; i < first + partitions; i++) {
    const cells = [liveCell('v', undefined, 1000 + i, Uint8Array.of(i & 0xff, 1, 2))];
    const row = { clustering: '', liveness: undefined, deletion: undefined, cells, complexDeletions: [] };
    const key = Uint8Array.of(i >> 16, (i >> 8) & 0xff, i & 0xff);
    memtable.apply({
      tableId: TABLE,
      key,
      deletion: undefined,
      staticRow: undefined,
      rows: [row],
      rangeTombstones: [],
    });
  }
  memtable.freeze();
  return memtable;
}

describe('the background worker', () => {
  it('writes an SSTable holding what the memtable held, several jobs at once', async () => {
    const { dir, executor } = await setup();
    const memtables = [frozenMemtable(500), frozenMemtable(20), frozenMemtable(1)];
    await Promise.all(
      memtables.map((memtable, i) =>
        executor.flush({ directory: dir, generation: i + 1, partitions: memtable.encoded() }),
      ),
    );
    for (const [i, memtable] of memtables.entries()) {
      const reader = await SSTableReader.open(nodeFileSystem(), dir, i + 1);
      const scanned = [];
      for await (const p of reader.scan()) scanned.push(p);
      expect(scanned).toEqual([...memtable.scan()]);
      await reader.close();
    }
  });

  it('compacts in a thread of its own: a flush is not held up behind a long compaction', async () => {
    const { dir, executor } = await setup();
    for (let g = 1; g <= 3; g++) {
      await executor.flush({ directory: dir, generation: g, partitions: frozenMemtable(40_000, g * 40_000).encoded() });
    }
    const job = {
      directory: dir,
      inputGenerations: [1, 2, 3],
      outputGeneration: 5,
      nowSec: 2_000_000_000,
      gcGraceSeconds: 0,
      memtableMinTimestampMicros: Number.MAX_SAFE_INTEGER,
      outsideGenerations: [],
      stop: newStopFlag(),
    };
    const order: string[] = [];
    const compaction = executor.compact(job, silentLogger).then((result) => {
      order.push('compaction');
      return result;
    });
    // Once the compaction writes its output (its merge is under way), a flush starts, and is done before it.
    while (!(await readdir(dir)).some((f) => f.includes('-5-Data'))) await setTimeout(5);
    await executor.flush({ directory: dir, generation: 4, partitions: frozenMemtable(10).encoded() });
    order.push('flush');
    expect(await compaction).toEqual({ hasOutput: true, partitionsRead: 120_000, partitionsWritten: 120_000 });
    expect(order).toEqual(['flush', 'compaction']);
    const output = await SSTableReader.open(nodeFileSystem(), dir, 5);
    expect(output.stats.partitionCount).toBe(120_000);
    await output.close();
  });

  it('fails a job with the error code the worker met, leaving no file, and runs the next', async () => {
    const { dir, executor } = await setup();
    const memtable = frozenMemtable(10);
    const encoded = memtable.encoded();
    // An address that points nowhere: the worker's read of the slab refuses it.
    const broken = { ...encoded, addresses: Float64Array.of(encoded.addresses[0]!, 7 * 2 ** 20) };
    const failure = await executor.flush({ directory: dir, generation: 1, partitions: broken }).catch((e) => e);
    expect(isRingtailError(failure, ErrorCodes.INVALID_ARGUMENT)).toBe(true);
    expect(await readdir(dir)).toEqual([]);
    await executor.flush({ directory: dir, generation: 2, partitions: encoded });
    expect((await readdir(dir)).filter((f) => f.endsWith('TOC.txt'))).toHaveLength(1);
  });

  it('fails a job it cannot hand to the worker, alone, and keeps nothing pending', async () => {
    const { dir, executor } = await setup();
    const encoded = frozenMemtable(3).encoded();
    // A function cannot cross to another thread.
    const uncloneable = { ...encoded, extra: () => {} } as unknown as typeof encoded;
    const failure = await executor.flush({ directory: dir, generation: 1, partitions: uncloneable }).catch((e) => e);
    expect(failure).toBeInstanceOf(Error);
    await executor.flush({ directory: dir, generation: 2, partitions: encoded });
    expect((await readdir(dir)).filter((f) => f.endsWith('TOC.txt'))).toEqual(['rt-2-TOC.txt']);
  });

  it('does not keep the process alive once its jobs are done, even after a job it could not post', async () => {
    // A process that never closes its executor must still exit by itself: idle workers are not referenced.
    const { dir } = await setup();
    const dist = (path: string) => pathToFileURL(join(import.meta.dirname, '..', 'dist', path)).href;
    const resolved = (name: string) => pathToFileURL(createRequire(import.meta.url).resolve(name)).href;
    const script = join(dir, 'forgets-to-close.mjs');
    await writeFile(
      script,
      `
      const { WorkerExecutor } = await import(${JSON.stringify(dist('background/executor.js'))});
      const { Memtable } = await import(${JSON.stringify(resolved('@ringtail/memtable'))});
      const { initChecksums, liveCell } = await import(${JSON.stringify(resolved('@ringtail/codec'))});
      await initChecksums();
      const memtable = new Memtable({ tableId: 't' });
      const row = { clustering: '', liveness: undefined, deletion: undefined, complexDeletions: [],
        cells: [liveCell('v', undefined, 1, new Uint8Array(3))] };
      memtable.apply({ tableId: 't', key: new Uint8Array([1]), deletion: undefined, staticRow: undefined,
        rows: [row], rangeTombstones: [] });
      memtable.freeze();
      const encoded = memtable.encoded();
      const executor = new WorkerExecutor();
      const directory = ${JSON.stringify(dir)};
      await executor.flush({ directory, generation: 1, partitions: { ...encoded, f() {} } }).catch(() => {});
      await executor.flush({ directory, generation: 2, partitions: encoded });
      console.log('flushed');
      `,
    );
    const child = spawnSync(process.execPath, [script], {
      cwd: join(import.meta.dirname, '..'),
      timeout: 20_000,
      encoding: 'utf8',
    });
    expect(child.stderr).toBe('');
    expect(child.stdout.trim()).toBe('flushed');
    expect(child.signal).toBeNull();
    expect(child.status).toBe(0);
  });

  it('fails the jobs still running when it is closed, and starts afresh for the next', async () => {
    const { dir, executor } = await setup();
    const running = executor.flush({ directory: dir, generation: 1, partitions: frozenMemtable(3000).encoded() });
    await executor.close();
    expect(isRingtailError(await running.catch((e) => e), ErrorCodes.CLOSED)).toBe(true);
    await executor.flush({ directory: join(dir, 'again'), generation: 1, partitions: frozenMemtable(5).encoded() });
    expect((await readdir(join(dir, 'again'))).some((f) => f.endsWith('TOC.txt'))).toBe(true);
  });
});
