import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initChecksums, liveCell, nodeFileSystem, type PartitionUpdate, partitionPosition } from '@ringtail/codec';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BlockCache, SSTableReader, SSTableWriter } from '../src/index.js';

beforeAll(() => initChecksums());
const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe('BlockCache', () => {
  it('evicts the least recently used entries past its capacity, and keeps owners apart', () => {
    const cache = new BlockCache(100);
    cache.set(1, 0, bytes(40, 1));
    cache.set(1, 40, bytes(40, 2));
    expect(cache.get(1, 0)?.[0]).toBe(1); // now the most recently used
    cache.set(2, 0, bytes(40, 3)); // over capacity: (1, 40) goes
    expect(cache.get(1, 40)).toBeUndefined();
    expect(cache.get(1, 0)?.[0]).toBe(1);
    expect(cache.get(2, 0)?.[0]).toBe(3);
    cache.set(3, 0, bytes(101, 4)); // larger than the whole cache: not kept
    expect(cache.get(3, 0)).toBeUndefined();
    expect(cache.stats()).toMatchObject({ capacityBytes: 100, sizeBytes: 80, entries: 2, hits: 3, misses: 2 });
    cache.set(1, 0, bytes(10, 5)); // replacing an entry accounts for the old one
    expect(cache.stats().sizeBytes).toBe(50);
    expect(() => new BlockCache(-1)).toThrow(/capacity/);
    const off = new BlockCache(0);
    off.set(1, 0, bytes(1, 1));
    expect(off.get(1, 0)).toBeUndefined();
  });

  it('serves point reads from cached Index and Data blocks with the same answers, and scans past it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ringtail-block-cache-'));
    dirs.push(dir);
    const fs = nodeFileSystem();
    const encoder = new TextEncoder();
    const partitions: PartitionUpdate[] = Array.from({ length: 3000 }, (_, i) => ({
      tableId: 't',
      key: encoder.encode(`key-${i}`),
      deletion: undefined,
      staticRow: undefined,
      rows: [
        {
          clustering: '',
          liveness: undefined,
          deletion: undefined,
          cells: [liveCell('v', undefined, 1, encoder.encode(`value-${i}`.repeat(5)))],
          complexDeletions: [],
        },
      ],
      rangeTombstones: [],
    }));
    partitions.sort((a, b) => (partitionPosition(a.key) < partitionPosition(b.key) ? -1 : 1));
    const writer = await SSTableWriter.create(fs, dir, 1);
    for (const p of partitions) await writer.append(p);
    await writer.finish();
    const indexCache = new BlockCache(1 << 20);
    const dataCache = new BlockCache(1 << 20);
    const cached = await SSTableReader.open(fs, dir, 1, { indexCache, dataCache });
    const plain = await SSTableReader.open(fs, dir, 1);
    try {
      for (let round = 0; round < 2; round++) {
        for (let i = 0; i < partitions.length; i += 7) {
          expect(await cached.get(partitions[i]!.key)).toEqual(await plain.get(partitions[i]!.key));
        }
      }
      const afterGets = { index: indexCache.stats(), data: dataCache.stats() };
      expect(afterGets.index.hits).toBeGreaterThan(afterGets.index.misses);
      expect(afterGets.data.hits).toBeGreaterThan(afterGets.data.misses);
      let scanned = 0;
      for await (const _ of cached.scan()) scanned++;
      expect(scanned).toBe(partitions.length);
      expect(dataCache.stats().misses).toBe(afterGets.data.misses);
    } finally {
      await cached.close();
      await plain.close();
    }
  });
});
