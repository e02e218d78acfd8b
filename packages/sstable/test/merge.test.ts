import {
  isRingtailError,
  mergePartitions,
  type PartitionUpdate,
  partitionPosition,
  SimFileSystem,
} from '@ringtail/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { mergeScans, SSTableReader } from '../src/index.js';
import {
  collect,
  firstDifference,
  randomPartition,
  randomPartitions,
  seededRandom,
  testSeed,
  useTempDirs,
  writeSSTable,
} from './helpers.js';

const SHAPE = { maxRows: 4, bigRows: 20, maxKeyBytes: 16 };

async function* fromArray(items: readonly PartitionUpdate[], onClose?: () => void): AsyncGenerator<PartitionUpdate> {
  try {
    for (const item of items) yield item;
  } finally {
    onClose?.();
  }
}

/** Sources drawn from one key pool, so that keys repeat across them; each sorted by position. */
function randomSources(seed: number, sourceCount: number, poolSize: number): PartitionUpdate[][] {
  const random = seededRandom(seed);
  const pool = randomPartitions(random, poolSize, SHAPE);
  return Array.from({ length: sourceCount }, () =>
    pool.filter(() => random.int(3) === 0).map((p) => randomPartition(random, p.update.key, SHAPE)),
  );
}

/** The model: group by position in source order, fold with mergePartitions, sort. */
function modelMerge(sources: PartitionUpdate[][]): PartitionUpdate[] {
  const byPosition = new Map<string, PartitionUpdate>();
  for (const source of sources) {
    for (const update of source) {
      const position = partitionPosition(update.key);
      const seen = byPosition.get(position);
      byPosition.set(position, seen === undefined ? update : mergePartitions(seen, update));
    }
  }
  return [...byPosition.keys()].sort().map((p) => byPosition.get(p)!);
}

describe('mergeScans', () => {
  useTempDirs();

  it('yields the union in (token, key) order, equal keys merged in source order', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.record({
          seed: fc.nat(),
          sourceCount: fc.integer({ min: 0, max: 6 }),
          poolSize: fc.integer({ min: 1, max: 150 }),
        }),
        async ({ seed, sourceCount, poolSize }) => {
          const sources = randomSources(seed, sourceCount, poolSize);
          const out = { position: '' };
          const merged: PartitionUpdate[] = [];
          const positions: string[] = [];
          for await (const p of mergeScans(
            sources.map((s) => fromArray(s)),
            out,
          )) {
            merged.push(p);
            positions.push(out.position);
          }
          expect(firstDifference(merged, modelMerge(sources))).toBeUndefined();
          expect(positions).toEqual(merged.map((p) => partitionPosition(p.key)));
        },
      ),
      { seed: testSeed('merge'), numRuns: 40 },
    );
  });

  it('merges SSTable scans with an in-memory source', async () => {
    const fs = new SimFileSystem();
    const [a, b, c] = randomSources(11, 3, 400);
    await writeSSTable(fs, '/t', 1, a!, { blockSizeBytes: 1024 });
    await writeSSTable(fs, '/t', 2, b!, { blockSizeBytes: 1024 });
    const r1 = await SSTableReader.open(fs, '/t', 1);
    const r2 = await SSTableReader.open(fs, '/t', 2);
    const merged = await collect(mergeScans([r1.scan(), r2.scan(), fromArray(c!)]));
    const expected = await collect(mergeScans([fromArray(a!), fromArray(b!), fromArray(c!)]));
    expect(firstDifference(merged, expected)).toBeUndefined();
    expect(merged.length).toBeGreaterThan(Math.max(a!.length, b!.length, c!.length));
    await r1.close();
    await r2.close();
  });

  it('refuses a source out of order, and closes every source when stopped early', async () => {
    const [source] = randomSources(12, 1, 20);
    const reversed = [...source!].reverse();
    await expect(collect(mergeScans([fromArray(reversed)]))).rejects.toSatisfy((e) =>
      isRingtailError(e, 'RT_INVALID_ARGUMENT'),
    );
    const closed: number[] = [];
    const sources = randomSources(13, 3, 50).map((s, i) => fromArray(s, () => closed.push(i)));
    for await (const _ of mergeScans(sources)) break;
    expect(closed.sort()).toEqual([0, 1, 2]);
  });
});
