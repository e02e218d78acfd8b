import { type FileSystem, type PartitionUpdate, SimFileSystem, seededRandom } from '@ringtail/codec';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  cleanupIncomplete,
  deleteSSTable,
  listSSTables,
  SSTableReader,
  SSTableWriter,
  type SSTableWriterOptions,
} from '../src/index.js';
import { collect, firstDifference, randomPartitions, testSeed, useTempDirs, writeSSTable } from './helpers.js';
import { InterruptingFileSystem } from './interrupting-fs.js';

const DIRECTORY = '/data/ks/table';
const GENERATION = 1;
const OPTIONS: SSTableWriterOptions = { blockSizeBytes: 512, summaryInterval: 8 };

/** A fresh disk holding the (durable, empty) table directory. */
async function freshDisk(): Promise<SimFileSystem> {
  const sim = new SimFileSystem();
  await sim.mkdir(DIRECTORY);
  for (const dir of ['/', '/data', '/data/ks']) await sim.syncDir(dir);
  return sim;
}

/** Writes the SSTable; on a failure, aborts the writer (as the storage engine would) and rethrows. */
async function writeOrAbort(fs: FileSystem, updates: readonly PartitionUpdate[]): Promise<void> {
  let writer: SSTableWriter | undefined;
  try {
    writer = await SSTableWriter.create(fs, DIRECTORY, GENERATION, OPTIONS);
    for (const update of updates) await writer.append(update);
    await writer.finish();
  } catch (error) {
    await writer?.abort();
    throw error;
  }
}

/** After a restart: clean up, then the SSTable is absent (and nothing of it is left) or whole. */
async function expectAbsentOrWhole(fs: SimFileSystem, updates: readonly PartitionUpdate[], context: string) {
  await cleanupIncomplete(fs, DIRECTORY);
  const generations = await listSSTables(fs, DIRECTORY);
  const files = fs.listFiles().filter((f) => f.startsWith(`${DIRECTORY}/`));
  expect(
    files.filter((f) => f.includes('tmp-')),
    context,
  ).toEqual([]);
  if (generations.length === 0) {
    expect(files, context).toEqual([]);
    return false;
  }
  expect(generations, context).toEqual([GENERATION]);
  expect(files.length, context).toBe(6);
  const reader = await SSTableReader.open(fs, DIRECTORY, GENERATION);
  expect(firstDifference(await collect(reader.scan()), updates), context).toBeUndefined();
  await reader.verify();
  await reader.close();
  return true;
}

describe('SSTable crash atomicity (simulated file system)', () => {
  useTempDirs();
  let updates: PartitionUpdate[];
  let totalCalls: number;

  beforeAll(async () => {
    updates = randomPartitions(seededRandom(5), 120, { maxRows: 2, bigRows: 30, maxKeyBytes: 24 }).map((p) => p.update);
    const counting = new InterruptingFileSystem(await freshDisk(), Number.POSITIVE_INFINITY, 'fail');
    await writeOrAbort(counting, updates);
    totalCalls = counting.calls;
    expect(totalCalls).toBeGreaterThan(50);
  });

  it('a crash before any file-system call of the writer leaves the SSTable absent or whole', async () => {
    const random = seededRandom(testSeed('crash-write'));
    let present = 0;
    for (let stopAt = 1; stopAt <= totalCalls + 1; stopAt++) {
      const sim = await freshDisk();
      const fs = new InterruptingFileSystem(sim, stopAt, { crash: random });
      let finished = false;
      await writeOrAbort(fs, updates).then(
        () => {
          finished = true;
        },
        () => undefined,
      );
      const restarted = fs.crashed ?? sim.crash({ random, tearLastWrite: true });
      const context = `crash before call ${stopAt} of ${totalCalls}`;
      const whole = await expectAbsentOrWhole(restarted, updates, context);
      if (finished) expect(whole, `${context}: finish() resolved, so the SSTable must survive`).toBe(true);
      if (whole) present++;
    }
    console.log(`[crash-write] ${totalCalls + 1} crash points: SSTable whole after ${present}, absent after the rest`);
    expect(present).toBeGreaterThan(0);
    expect(present).toBeLessThan(totalCalls + 1);
  });

  it('a failed call makes append or finish reject; abort() then leaves nothing, even across a crash', async () => {
    const random = seededRandom(testSeed('fail-write'));
    for (let stopAt = 1; stopAt <= totalCalls; stopAt++) {
      const sim = await freshDisk();
      const fs = new InterruptingFileSystem(sim, stopAt, 'fail');
      const context = `failure of call ${stopAt} of ${totalCalls}`;
      await expect(writeOrAbort(fs, updates), context).rejects.toThrow(/injected failure/);
      expect(
        sim.listFiles().filter((f) => f.startsWith(`${DIRECTORY}/`)),
        context,
      ).toEqual([]);
      const restarted = sim.crash({ random, tearLastWrite: true });
      expect(await expectAbsentOrWhole(restarted, updates, `${context}, then a crash`)).toBe(false);
    }
  });

  it('a crash part-way through deleteSSTable leaves the SSTable whole or gone', async () => {
    const random = seededRandom(testSeed('crash-delete'));
    let gone = 0;
    const deleteCalls = 1 + 1 + 5 + 1;
    for (let stopAt = 1; stopAt <= deleteCalls + 1; stopAt++) {
      for (let repeat = 0; repeat < 4; repeat++) {
        const sim = await freshDisk();
        await writeSSTable(sim, DIRECTORY, GENERATION, updates, OPTIONS);
        const fs = new InterruptingFileSystem(sim, stopAt, { crash: random });
        await deleteSSTable(fs, DIRECTORY, GENERATION).catch(() => undefined);
        const restarted = fs.crashed ?? sim.crash({ random });
        const whole = await expectAbsentOrWhole(restarted, updates, `delete, crash before call ${stopAt}`);
        if (!whole) gone++;
      }
    }
    expect(gone).toBeGreaterThan(0);
  });
});
