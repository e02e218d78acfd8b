import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CorruptionError,
  initChecksums,
  isRingtailError,
  liveCell,
  livePartition,
  type Mutation,
  nodeFileSystem,
  type PartitionUpdate,
  partitionPosition,
  systemRuntime,
} from '@ringtail/codec';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StorageEngine, type StorageOptions } from '../src/index.js';

const dirs: string[] = [];
beforeAll(() => initChecksums());
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'ringtail-storage-'));
  dirs.push(dir);
  return dir;
}

const keyOf = (i: number) => new TextEncoder().encode(`key-${i.toString().padStart(6, '0')}`);

function put(tableId: string, i: number, value: string, ts = 1000 + i): Mutation {
  const update: PartitionUpdate = {
    tableId,
    key: keyOf(i),
    deletion: undefined,
    staticRow: undefined,
    rows: [
      {
        clustering: '',
        liveness: undefined,
        deletion: undefined,
        cells: [liveCell('v', undefined, ts, new TextEncoder().encode(value))],
        complexDeletions: [],
      },
    ],
    rangeTombstones: [],
  };
  return { updates: [update] };
}

async function readValue(engine: StorageEngine, tableId: string, i: number): Promise<string | undefined> {
  const partition = await engine.read(tableId, keyOf(i));
  if (partition === undefined) return undefined;
  const cell = livePartition(partition, 0).rows[0]?.cells[0];
  return cell === undefined ? undefined : new TextDecoder().decode(cell.value);
}

function options(dataDirectory: string, extra: Partial<StorageOptions> = {}): StorageOptions {
  return {
    runtime: systemRuntime(nodeFileSystem()),
    dataDirectory,
    // Compaction is tested on its own; here it would only make SSTable counts depend on timing.
    tables: [
      { tableId: 'users', compaction: { class: 'SizeTieredCompactionStrategy', enabled: false } },
      { tableId: 'events', compaction: { class: 'SizeTieredCompactionStrategy', enabled: false } },
    ],
    commitLog: { syncMode: 'batch', segmentSizeBytes: 64 * 1024 },
    ...extra,
  };
}

describe('storage engine on the real file system', () => {
  it.each([
    ['on its own thread', false],
    ['in the background worker', true],
  ])(
    'flushes at the memtable size (%s), scans in token order across memtable and SSTables, and survives a restart',
    async (_where, backgroundWorker) => {
      const dir = await tempDir();
      let engine = await StorageEngine.open(options(dir, { memtableFlushBytes: 16 * 1024, backgroundWorker }));
      await Promise.all(Array.from({ length: 2000 }, (_, i) => engine.write(put('users', i, `v${i}`))));
      await engine.flush('users');
      const stats = engine.stats('users');
      expect(stats.liveSSTables).toBeGreaterThan(3);
      expect(stats.partitionCountEstimate).toBeGreaterThanOrEqual(2000);
      await Promise.all(Array.from({ length: 100 }, (_, i) => engine.write(put('users', i, `w${i}`))));

      const positions: string[] = [];
      for await (const p of engine.scan('users')) positions.push(partitionPosition(p.key));
      expect(positions.length).toBe(2000);
      expect([...positions].sort()).toEqual(positions);

      await engine.close();
      engine = await StorageEngine.open(options(dir, { backgroundWorker }));
      expect(await readValue(engine, 'users', 5)).toBe('w5');
      expect(await readValue(engine, 'users', 1999)).toBe('v1999');
      expect(await readValue(engine, 'users', 2000)).toBeUndefined();
      await engine.close();
    },
  );

  it('reports a flush the worker could not write, keeps the data, and flushes it once it can', async () => {
    const dir = await tempDir();
    const engine = await StorageEngine.open(options(dir, { backgroundWorker: true }));
    await Promise.all(Array.from({ length: 300 }, (_, i) => engine.write(put('users', i, `v${i}`))));
    // The table's directory becomes a file: the worker cannot create the SSTable there.
    const tableDir = join(dir, 'data', 'users');
    await rm(tableDir, { recursive: true });
    await writeFile(tableDir, 'not a directory');
    await expect(engine.flush('users')).rejects.toSatisfy((e) => isRingtailError(e, 'RT_IO'));
    expect(await readValue(engine, 'users', 7)).toBe('v7');
    await rm(tableDir);
    await mkdir(tableDir);
    await engine.flush('users');
    expect(engine.stats('users').liveSSTables).toBe(1);
    expect(engine.stats('users').memtableBytes + engine.stats('users').flushingMemtableBytes).toBeLessThan(1024);
    expect(await readValue(engine, 'users', 299)).toBe('v299');
    await engine.close();
  });

  it('flushes the oldest table when the commit log passes its limit, and discards the flushed segments', async () => {
    const dir = await tempDir();
    const engine = await StorageEngine.open(options(dir, { commitLogFlushBytes: 256 * 1024 }));
    for (let batch = 0; batch < 20; batch++) {
      await Promise.all(
        Array.from({ length: 200 }, (_, i) => engine.write(put('events', batch * 200 + i, 'x'.repeat(100)))),
      );
    }
    await engine.flush(); // lets background flushes settle
    expect(engine.stats('events').liveSSTables).toBeGreaterThan(0);
    expect(engine.commitLogBytes).toBeLessThan(512 * 1024);
    expect(await readValue(engine, 'events', 3999)).toBe('x'.repeat(100));
    await engine.close();
  });

  it('truncate removes every row for good: replay does not bring them back', async () => {
    const dir = await tempDir();
    let engine = await StorageEngine.open(options(dir));
    for (let i = 0; i < 50; i++) await engine.write(put('users', i, 'old'));
    await engine.flush('users');
    for (let i = 50; i < 60; i++) await engine.write(put('users', i, 'old'));
    await engine.write(put('events', 1, 'kept'));
    await engine.truncate('users');
    expect(engine.stats('users').liveSSTables).toBe(0);
    expect(await readValue(engine, 'users', 3)).toBeUndefined();
    await engine.write(put('users', 3, 'new'));
    await engine.close();

    engine = await StorageEngine.open(options(dir));
    expect(await readValue(engine, 'users', 3)).toBe('new');
    expect(await readValue(engine, 'users', 55)).toBeUndefined();
    expect(await readValue(engine, 'events', 1)).toBe('kept');
    await engine.close();
  });

  it('applies no write the commit log refuses: not now, not after a restart', async () => {
    const dir = await tempDir();
    let engine = await StorageEngine.open(options(dir));
    // Segments of 64 KiB take records of at most half a segment.
    await expect(engine.write(put('users', 1, 'x'.repeat(40 * 1024)))).rejects.toSatisfy((e) =>
      isRingtailError(e, 'RT_LIMIT_EXCEEDED'),
    );
    await engine.write(put('users', 2, 'small'));
    expect(await readValue(engine, 'users', 1)).toBeUndefined();
    expect(engine.stats('users').partitionCountEstimate).toBe(1);
    await engine.close();
    engine = await StorageEngine.open(options(dir));
    expect(await readValue(engine, 'users', 1)).toBeUndefined();
    expect(await readValue(engine, 'users', 2)).toBe('small');
    await engine.close();
  });

  it('drop removes the table directory, and replay skips the dropped table', async () => {
    const dir = await tempDir();
    let engine = await StorageEngine.open(options(dir));
    await engine.write(put('events', 1, 'e'));
    await engine.flush('events');
    await engine.write(put('events', 2, 'e'));
    await engine.dropTable('events');
    expect(await readdir(join(dir, 'data'))).toEqual(['users']);
    await expect(engine.write(put('events', 3, 'e'))).rejects.toSatisfy((e) => isRingtailError(e, 'RT_NOT_FOUND'));
    await engine.close();

    engine = await StorageEngine.open(options(dir, { tables: [{ tableId: 'users' }] }));
    expect(engine.replayReport.skippedUnknownTable).toBeGreaterThan(0);
    await engine.createTable({ tableId: 'events' });
    expect(await readValue(engine, 'events', 2)).toBeUndefined();
    await engine.close();
  });

  it('refuses a malformed write before it reaches the commit log', async () => {
    const dir = await tempDir();
    let engine = await StorageEngine.open(options(dir));
    const bad = put('users', 1, 'x');
    const row = bad.updates[0]!.rows[0]!;
    const unordered: Mutation = {
      updates: [
        {
          ...bad.updates[0]!,
          rows: [
            { ...row, clustering: '\x40b' },
            { ...row, clustering: '\x40a' },
          ],
        },
      ],
    };
    await expect(engine.write(unordered)).rejects.toSatisfy((e) => isRingtailError(e, 'RT_INVALID_ARGUMENT'));
    await engine.close();
    engine = await StorageEngine.open(options(dir)); // replay would refuse such a record
    expect(engine.replayReport.records).toBe(0);
    await engine.close();
  });

  it('a corrupt SSTable block fails the reads that need it with a CorruptionError; other partitions still read', async () => {
    const dir = await tempDir();
    let engine = await StorageEngine.open(options(dir));
    const count = 3000;
    await Promise.all(Array.from({ length: count }, (_, i) => engine.write(put('users', i, `value-${i}`.repeat(5)))));
    await engine.flush('users');
    await engine.close();

    const tableDir = join(dir, 'data', 'users');
    const dataFile = (await readdir(tableDir)).find((f) => f.endsWith('-Data.db'))!;
    const bytes = await readFile(join(tableDir, dataFile));
    bytes[Math.floor(bytes.length / 2)]! ^= 0x10;
    await writeFile(join(tableDir, dataFile), bytes);

    engine = await StorageEngine.open(options(dir));
    const outcome: Array<{ position: string; failed: boolean }> = [];
    for (let i = 0; i < count; i++) {
      let failed = false;
      try {
        expect(await readValue(engine, 'users', i)).toBe(`value-${i}`.repeat(5));
      } catch (error) {
        expect(error).toBeInstanceOf(CorruptionError);
        expect((error as CorruptionError).file).toContain(dataFile);
        failed = true;
      }
      outcome.push({ position: partitionPosition(keyOf(i)), failed });
    }
    // The failures are the partitions of one block: one run in (token, key) order.
    outcome.sort((a, b) => (a.position < b.position ? -1 : 1));
    const first = outcome.findIndex((o) => o.failed);
    const last = outcome.findLastIndex((o) => o.failed);
    expect(first).toBeGreaterThanOrEqual(0);
    expect(outcome.slice(first, last + 1).every((o) => o.failed)).toBe(true);
    expect(last - first + 1).toBeLessThan(count / 2);
    await engine.close();
  });
});
