import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CorruptionError,
  type FileSystem,
  nodeFileSystem,
  type PartitionUpdate,
  type Random,
  SimFileSystem,
} from '@ringtail/codec';
import { beforeAll, describe, expect, it } from 'vitest';
import { type Component, SSTableReader, sstableFileName } from '../src/index.js';
import { firstDifference, randomPartitions, seededRandom, testSeed, useTempDirs, writeSSTable } from './helpers.js';
import { type Layout, readLayout } from './layout.js';

const GENERATION = 3;
const PARTITIONS = 400;
const TRIALS_PER_COMPONENT = 40;
/** Of the trials, this many run on the real file system; the rest on the simulated one, for speed. */
const REAL_FS_TRIALS = 3;
/** Unaffected partitions read back per trial (all of them would be slow and prove little more). */
const SAMPLED_INTACT = 25;
const COMPONENTS: Component[] = ['Data', 'Index', 'Summary', 'Filter', 'Statistics', 'TOC'];

type Files = Map<Component, Uint8Array>;

async function caught(work: () => Promise<unknown>): Promise<unknown> {
  try {
    await work();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe('SSTable under damage', () => {
  const tempDir = useTempDirs();
  let files: Files;
  let layout: Layout;
  let partitions: Array<{ position: string; update: PartitionUpdate }>;

  beforeAll(async () => {
    partitions = randomPartitions(seededRandom(77), PARTITIONS, { maxRows: 6, bigRows: 60, maxKeyBytes: 64 });
    const fs = new SimFileSystem();
    await writeSSTable(
      fs,
      '/t',
      GENERATION,
      partitions.map((p) => p.update),
      { blockSizeBytes: 1024, summaryInterval: 16 },
    );
    files = new Map();
    for (const c of COMPONENTS) files.set(c, await fs.readFile(`/t/${sstableFileName(GENERATION, c)}`));
    layout = readLayout(files.get('Data')!, files.get('Index')!);
    expect(layout.partitions.map((p) => p.position)).toEqual(partitions.map((p) => p.position));
    expect(layout.dataBlocks.length).toBeGreaterThan(50);
    expect(layout.partitions.some((p) => p.dataBlocks.length > 1)).toBe(true);
    expect(layout.indexBlocks.length).toBe(PARTITIONS / 16);
  });

  async function place(trial: number, damaged: Files): Promise<{ fs: FileSystem; directory: string }> {
    if (trial < REAL_FS_TRIALS) {
      const directory = await tempDir();
      await mkdir(directory, { recursive: true });
      for (const [c, bytes] of damaged) await writeFile(join(directory, sstableFileName(GENERATION, c)), bytes);
      return { fs: nodeFileSystem(), directory };
    }
    const fs = new SimFileSystem();
    await fs.mkdir('/t');
    for (const [c, bytes] of damaged) {
      const handle = await fs.open(`/t/${sstableFileName(GENERATION, c)}`, 'wx');
      await handle.write(bytes, 0);
      await handle.close();
    }
    return { fs, directory: '/t' };
  }

  function flip(random: Random, component: Component): { damaged: Files; at: number } {
    const damaged = new Map([...files].map(([c, b]) => [c, b.slice()]));
    const bytes = damaged.get(component)!;
    const at = random.int(bytes.length);
    bytes[at]! ^= 1 << random.int(8);
    return { damaged, at };
  }

  function expectCorruption(error: unknown, file: string, offset: number | undefined, context: string): void {
    expect(error, context).toBeInstanceOf(CorruptionError);
    const c = error as CorruptionError;
    expect(c.file, `${context}: ${c.message}`).toBe(file);
    if (offset !== undefined) expect(c.offset, `${context}: ${c.message}`).toBe(offset);
  }

  /** Reads the partitions a flip must break (expecting the error) and a sample of those it must not. */
  async function checkReads(
    random: Random,
    reader: SSTableReader,
    broken: (p: Layout['partitions'][number]) => boolean,
    file: string,
    offset: number,
    context: string,
  ): Promise<void> {
    let intact = 0;
    for (const [i, p] of layout.partitions.entries()) {
      const isBroken = broken(p);
      if (!isBroken && random.int(PARTITIONS) >= SAMPLED_INTACT) continue;
      const key = partitions[i]!.update.key;
      if (isBroken) {
        expectCorruption(await caught(() => reader.get(key)), file, offset, `${context}, partition ${i}`);
      } else {
        expect(firstDifference(await reader.get(key), partitions[i]!.update), `${context}, partition ${i}`).toBe(
          undefined,
        );
        intact++;
      }
    }
    expect(intact, context).toBeGreaterThan(0);
    // A scan yields every partition before the first broken one, then fails.
    const firstBroken = layout.partitions.findIndex(broken);
    let yielded = 0;
    const error = await caught(async () => {
      for await (const p of reader.scan()) {
        expect(firstDifference(p, partitions[yielded]!.update), context).toBeUndefined();
        yielded++;
      }
    });
    expectCorruption(error, file, offset, `${context}, scan`);
    expect(yielded, context).toBe(firstBroken);
  }

  for (const component of COMPONENTS) {
    const title =
      component === 'Data' || component === 'Index'
        ? `a flipped bit in ${component} fails the reads it touches, names file and block, spares the rest`
        : `a flipped bit in ${component} fails open() with a CorruptionError naming the file`;
    it(title, async () => {
      const random = seededRandom(testSeed(`flip-${component}`));
      for (let trial = 0; trial < TRIALS_PER_COMPONENT; trial++) {
        const { damaged, at } = flip(random, component);
        const { fs, directory } = await place(trial, damaged);
        const path = join(directory, sstableFileName(GENERATION, component)).replaceAll('\\', '/');
        const context = `${component} trial ${trial}, flip at ${at}`;
        const headerBytes = component === 'Data' ? 16 : component === 'Index' ? 12 : Number.POSITIVE_INFINITY;
        if (at < headerBytes) {
          const error = await caught(() => SSTableReader.open(fs, directory, GENERATION));
          expectCorruption(error, path, component === 'TOC' ? undefined : 0, context);
          continue;
        }
        const reader = await SSTableReader.open(fs, directory, GENERATION);
        const blocks = component === 'Data' ? layout.dataBlocks : layout.indexBlocks;
        const hit = blocks.find((b) => b.start <= at && at < b.end)!;
        const broken =
          component === 'Data'
            ? (p: Layout['partitions'][number]) => p.dataBlocks.includes(hit.start)
            : (p: Layout['partitions'][number]) => p.indexBlock === hit.start;
        await checkReads(random, reader, broken, path, hit.start, context);
        expectCorruption(await caught(() => reader.verify()), path, hit.start, `${context}, verify`);
        await reader.close();
      }
    });
  }

  it('refuses a component that is missing, truncated or from another SSTable', async () => {
    const fs = new SimFileSystem();
    const updates = partitions.map((p) => p.update);
    await writeSSTable(fs, '/t', GENERATION, updates);
    // The same partitions under another table id of the same length: a Statistics file of the same size.
    const otherTable = updates.map((u) => ({ ...u, tableId: u.tableId.replace(/^./, 'x') }));
    await writeSSTable(fs, '/t', GENERATION + 1, otherTable);
    const path = (g: number, c: Component) => `/t/${sstableFileName(g, c)}`;
    const replace = async (c: Component, bytes: Uint8Array) => {
      const handle = await fs.open(path(GENERATION, c), 'w+');
      await handle.write(bytes, 0);
      await handle.close();
    };
    const filter = await fs.readFile(path(GENERATION, 'Filter'));
    await replace('Filter', filter.subarray(0, filter.length - 1));
    let error = await caught(() => SSTableReader.open(fs, '/t', GENERATION));
    expectCorruption(error, path(GENERATION, 'Filter'), filter.length - 1, 'truncated');
    await replace('Filter', filter);

    const stats = await fs.readFile(path(GENERATION, 'Statistics'));
    const otherStats = await fs.readFile(path(GENERATION + 1, 'Statistics'));
    expect(otherStats.length).toBe(stats.length);
    await replace('Statistics', otherStats);
    error = await caught(() => SSTableReader.open(fs, '/t', GENERATION));
    expectCorruption(error, path(GENERATION, 'Statistics'), 0, 'from another SSTable');
    await replace('Statistics', stats);

    await fs.unlink(path(GENERATION, 'Index'));
    error = await caught(() => SSTableReader.open(fs, '/t', GENERATION));
    expectCorruption(error, path(GENERATION, 'Index'), 0, 'missing');
  });
});
