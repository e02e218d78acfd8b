import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ErrorCodes, initChecksums, isRingtailError, liveCell, nodeFileSystem } from '@ringtail/codec';
import { Memtable } from '@ringtail/memtable';
import { SSTableReader } from '@ringtail/sstable';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { WorkerExecutor } from '../src/background/executor.js';

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

function frozenMemtable(partitions: number): Memtable {
  const memtable = new Memtable({ tableId: TABLE });
  for (let i = 0; i < partitions; i++) {
    const cells = [liveCell('v', undefined, 1000 + i, Uint8Array.of(i & 0xff, 1, 2))];
    const row = { clustering: '', liveness: undefined, deletion: undefined, cells, complexDeletions: [] };
    const key = Uint8Array.of(i >> 8, i & 0xff);
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

  it('fails the jobs still running when it is closed, and starts afresh for the next', async () => {
    const { dir, executor } = await setup();
    const running = executor.flush({ directory: dir, generation: 1, partitions: frozenMemtable(3000).encoded() });
    await executor.close();
    expect(isRingtailError(await running.catch((e) => e), ErrorCodes.CLOSED)).toBe(true);
    await executor.flush({ directory: join(dir, 'again'), generation: 1, partitions: frozenMemtable(5).encoded() });
    expect((await readdir(join(dir, 'again'))).some((f) => f.endsWith('TOC.txt'))).toBe(true);
  });
});
