import {
  CLUSTERING_AFTER_PREFIX,
  cellTombstone,
  expiringCell,
  initChecksums,
  joinPath,
  liveCell,
  livePartition,
} from '@ringtail/codec';
import { SSTableReader } from '@ringtail/sstable';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeCompactionLog } from '../src/compaction/compaction-log.js';
import type { CompactionOptions } from '../src/index.js';
import {
  ck,
  GC_GRACE_SECONDS,
  Harness,
  key,
  MANUAL,
  removeTempRoots,
  row,
  TABLE,
  tombstonesIn,
  update,
  value,
} from './compaction-harness.js';

describe.each([
  ['on its own thread, on a simulated disk', 'inline'],
  ['in the background worker, on the real file system', 'worker'],
] as const)('compaction in the storage engine (%s)', (_where, where) => {
  beforeAll(() => initChecksums());
  afterAll(() => removeTempRoots());

  it('keeps a tombstone past gc grace while an SSTable outside the compaction may hold what it shadows', async () => {
    const h = await new Harness({ tableId: TABLE, gcGraceSeconds: GC_GRACE_SECONDS, compaction: MANUAL }, where).open();
    await h.write(update(1, [row(0, [value(100)])]));
    await h.write(update(2, [row(0, [value(100)])]));
    await h.engine.flush(); // generation 1: the data
    await h.write(
      update(1, [row(0, [], { deletion: { markedForDeleteAtMicros: 200, localDeletionTimeSec: h.nowSec } })]),
    );
    await h.engine.flush(); // generation 2: the row deletion
    await h.write(update(3, [row(0, [value(300)])]));
    await h.engine.flush(); // generation 3
    h.advanceSeconds(GC_GRACE_SECONDS * 6);

    await h.engine.compact(TABLE, { generations: [2, 3] });
    expect(await h.generations()).toEqual([1, 4]);
    expect(await h.visible(1)).toEqual([]);
    const output = await SSTableReader.open(h.fs, h.directory, 4);
    expect((await output.get(key(1)))?.rows[0]?.deletion).toEqual({
      markedForDeleteAtMicros: 200,
      localDeletionTimeSec: expect.any(Number),
    });
    await output.close();

    // Once the data is in the compaction too, both go.
    await h.engine.compact(TABLE, { major: true });
    expect(await h.visible(1)).toEqual([]);
    expect(await h.visible(2)).toEqual([[ck(0), [1]]]);
    expect(h.engine.stats(TABLE).sstableTombstones).toBe(0);
    expect((await h.raw()).map((p) => p.key[0])).toEqual(expect.not.arrayContaining([1]));
    await h.engine.close();
  });

  it('purges a tombstone when the SSTables outside hold only newer data for its partition', async () => {
    const h = await new Harness({ tableId: TABLE, gcGraceSeconds: GC_GRACE_SECONDS, compaction: MANUAL }, where).open();
    await h.write(
      update(1, [row(0, [], { deletion: { markedForDeleteAtMicros: 200, localDeletionTimeSec: h.nowSec } })]),
    );
    await h.engine.flush(); // 1: the tombstone
    await h.write(update(1, [row(1, [value(300)])]));
    await h.engine.flush(); // 2: newer data of the same partition
    await h.write(update(2, [row(0, [value(100)])]));
    await h.engine.flush(); // 3: older data, another partition
    h.advanceSeconds(GC_GRACE_SECONDS * 6);
    await h.engine.compact(TABLE, { generations: [1, 3] });
    expect(h.engine.stats(TABLE).sstableTombstones).toBe(0);
    expect(await h.visible(1)).toEqual([[ck(1), [1]]]);
    await h.engine.close();
  });

  it('keeps a tombstone past gc grace while a memtable holds older data of its partition', async () => {
    const h = await new Harness({ tableId: TABLE, gcGraceSeconds: GC_GRACE_SECONDS, compaction: MANUAL }, where).open();
    await h.write(
      update(1, [row(0, [], { deletion: { markedForDeleteAtMicros: 200, localDeletionTimeSec: h.nowSec } })]),
    );
    await h.engine.flush();
    h.advanceSeconds(GC_GRACE_SECONDS * 6);
    await h.write(update(1, [row(0, [value(100)])])); // older than the tombstone, arriving late
    await h.engine.compact(TABLE, { major: true });
    expect(h.engine.stats(TABLE).sstableTombstones).toBe(1);
    expect(await h.visible(1)).toEqual([]);
    await h.engine.flush();
    expect(await h.visible(1)).toEqual([]);
    await h.engine.close();
    await h.open(); // and after a restart
    expect(await h.visible(1)).toEqual([]);
    await h.engine.close();
  });

  it('purges every kind of tombstone past gc grace in a major compaction, and reads do not change', async () => {
    const h = await new Harness({ tableId: TABLE, gcGraceSeconds: GC_GRACE_SECONDS, compaction: MANUAL }, where).open();
    const deletion = (ts: number) => ({ markedForDeleteAtMicros: ts, localDeletionTimeSec: h.nowSec });
    for (let k = 0; k < 6; k++) {
      await h.write(
        update(
          k,
          [0, 1, 2, 3].map((c) => row(c, [value(10, c), liveCell('w', undefined, 10, new Uint8Array([9]))])),
        ),
      );
    }
    await h.engine.flush();
    await h.write(update(0, [], { deletion: deletion(20) })); // partition
    await h.write(update(1, [row(1, [], { deletion: deletion(20) })])); // row
    await h.write(
      update(2, [], {
        rangeTombstones: [{ start: ck(1), end: ck(2) + CLUSTERING_AFTER_PREFIX, deletion: deletion(20) }],
      }),
    );
    await h.write(update(3, [row(2, [cellTombstone('v', undefined, 20, h.nowSec)])])); // cell
    await h.write(update(4, [row(3, [expiringCell('v', undefined, 20, new Uint8Array([7]), 5, h.nowSec)])])); // TTL
    await h.write(update(5, [row(0, [value(30, 5)])], { deletion: deletion(20) })); // partition, then newer data
    await h.engine.flush();
    h.advanceSeconds(GC_GRACE_SECONDS * 2);

    const before = await Promise.all([0, 1, 2, 3, 4, 5].map((k) => h.visible(k)));
    expect(tombstonesIn(await h.raw())).toBeGreaterThan(0);
    await h.engine.compact(TABLE, { major: true });
    expect(await h.generations()).toEqual([3]);
    const raw = await h.raw();
    expect(tombstonesIn(raw)).toBe(0);
    expect(h.engine.stats(TABLE).sstableTombstones).toBe(0);
    expect(raw.map((p) => p.key[0])).not.toContain(0); // a deleted partition is dropped whole
    expect(await Promise.all([0, 1, 2, 3, 4, 5].map((k) => h.visible(k)))).toEqual(before);
    const full = (c: number): [string, number[]] => [ck(c), [c, 9]];
    expect(before).toEqual([
      [],
      [full(0), full(2), full(3)],
      [full(0), full(3)],
      [full(0), full(1), [ck(2), [9]], full(3)],
      [full(0), full(1), full(2), [ck(3), [9]]],
      [[ck(0), [5]]],
    ]);
    await h.engine.close();
  });

  it('keeps tombstones inside gc grace', async () => {
    const h = await new Harness({ tableId: TABLE, gcGraceSeconds: GC_GRACE_SECONDS, compaction: MANUAL }, where).open();
    await h.write(update(1, [row(0, [value(10)])]));
    await h.engine.flush();
    await h.write(update(1, [], { deletion: { markedForDeleteAtMicros: 20, localDeletionTimeSec: h.nowSec } }));
    await h.engine.flush();
    h.advanceSeconds(GC_GRACE_SECONDS);
    await h.engine.compact(TABLE, { major: true });
    const raw = await h.raw();
    expect(raw).toHaveLength(1);
    expect(raw[0]!.deletion?.markedForDeleteAtMicros).toBe(20);
    expect(raw[0]!.rows).toEqual([]); // what it shadows is gone already
    await h.engine.close();
  });

  it('lets a scan that began before a compaction finish on the SSTables it started with', async () => {
    const h = await new Harness({ tableId: TABLE, compaction: MANUAL }, where).open();
    for (let round = 1; round <= 3; round++) {
      for (let k = 0; k < 40; k++) await h.write(update(k, [row(0, [value(round, round)])]));
      await h.engine.flush();
    }
    const scan = h.engine.scan(TABLE);
    const seen: number[] = [];
    const first = await scan.next();
    seen.push(livePartition(first.value!, h.nowSec).rows[0]!.cells[0]!.value![0]!);
    await h.engine.compact(TABLE, { major: true });
    expect(await h.generations()).toEqual([4]); // the inputs' files are gone, their open handles still read
    for await (const p of scan) seen.push(livePartition(p, h.nowSec).rows[0]!.cells[0]!.value![0]!);
    expect(seen).toEqual(Array(40).fill(3));
    // A read that starts now uses the output.
    expect(await h.visible(7)).toEqual([[ck(0), [3]]]);
    await h.engine.close();
  });

  it('compacts in the background after flushes, and counts what it did', async () => {
    const compaction: CompactionOptions = { class: 'SizeTieredCompactionStrategy', minThreshold: 2 };
    const h = await new Harness({ tableId: TABLE, compaction }, where).open();
    for (let round = 1; round <= 5; round++) {
      for (let k = 0; k < 10; k++) await h.write(update(k, [row(round, [value(round)])]));
      await h.engine.flush();
    }
    await h.engine.compact(TABLE); // queued behind the background ones: returns when they are done
    const stats = h.engine.stats(TABLE);
    expect(stats.liveSSTables).toBe(1);
    expect(stats.compactionsCompleted).toBeGreaterThanOrEqual(1);
    expect(stats.pendingCompactions).toBe(0);
    expect(stats.compactionsRunning).toBe(0);
    expect(await h.visible(3)).toHaveLength(5);
    await h.engine.close();
  });

  it('estimates pending compactions when automatic compaction is off', async () => {
    const h = await new Harness({ tableId: TABLE, compaction: { ...MANUAL, minThreshold: 2 } }, where).open();
    for (let round = 1; round <= 4; round++) {
      await h.write(update(1, [row(round, [value(round)])]));
      await h.engine.flush();
    }
    expect(h.engine.stats(TABLE)).toMatchObject({ liveSSTables: 4, pendingCompactions: 1, compactionsCompleted: 0 });
    await h.engine.compact(TABLE);
    expect(h.engine.stats(TABLE)).toMatchObject({ liveSSTables: 1, pendingCompactions: 0, compactionsCompleted: 1 });
    await h.engine.close();
  });

  it('time-window: merges each past window into one SSTable and leaves the current window below its threshold', async () => {
    const compaction: CompactionOptions = {
      class: 'TimeWindowCompactionStrategy',
      windowUnit: 'MINUTES',
      enabled: false,
    };
    const h = await new Harness({ tableId: TABLE, compaction }, where).open();
    for (let window = 0; window < 3; window++) {
      for (let flush = 0; flush < 2; flush++) {
        await h.write(update(window * 2 + flush, [row(0, [value(h.runtime.clock.nowMicros())])]));
        await h.engine.flush();
      }
      h.advanceSeconds(60);
    }
    await h.write(update(9, [row(0, [value(h.runtime.clock.nowMicros())])]));
    await h.engine.flush();
    expect(h.engine.stats(TABLE).pendingCompactions).toBe(3);
    await h.engine.compact(TABLE);
    const live = await Promise.all((await h.generations()).map((g) => SSTableReader.open(h.fs, h.directory, g)));
    expect(live.map((r) => r.stats.partitionCount)).toEqual([1, 2, 2, 2]);
    for (const r of live) await r.close();
    await h.engine.close();
  });

  it('close() stops a compaction under way and undoes it; nothing is lost', async () => {
    const h = await new Harness({ tableId: TABLE, compaction: MANUAL }, where).open();
    for (let round = 1; round <= 3; round++) {
      for (let k = 0; k < 200; k++) await h.write(update(k, [row(round, [value(round)])]));
      await h.engine.flush();
    }
    const compacting = h.engine.compact(TABLE, { major: true }).catch((e: unknown) => e);
    await new Promise((resolve) => setImmediate(resolve));
    await h.engine.close();
    expect(await compacting).toMatchObject({ code: 'RT_CLOSED', message: expect.stringMatching(/stopped/) });
    expect(h.leftovers()).toEqual([]);
    expect(await h.generations()).toEqual([1, 2, 3]);
    await h.open();
    expect(await h.visible(150)).toHaveLength(3);
    await h.engine.close();
  });

  it('truncate waits for a compaction under way, and the compaction brings nothing back', async () => {
    const h = await new Harness({ tableId: TABLE, compaction: MANUAL }, where).open();
    for (let round = 1; round <= 3; round++) {
      for (let k = 0; k < 100; k++) await h.write(update(k, [row(round, [value(round)])]));
      await h.engine.flush();
    }
    const compacting = h.engine.compact(TABLE, { major: true }).catch((e: unknown) => e);
    await new Promise((resolve) => setImmediate(resolve));
    await h.engine.truncate(TABLE);
    await compacting;
    expect(await h.generations()).toEqual([]);
    expect(await h.visible(5)).toEqual([]);
    await h.engine.close();
    await h.open();
    expect(await h.visible(5)).toEqual([]);
    await h.engine.close();
  });

  it('finishes a compaction found in its log at start-up, or undoes it', async () => {
    const h = await new Harness({ tableId: TABLE, compaction: MANUAL }, where).open();
    for (let round = 1; round <= 3; round++) {
      await h.write(update(1, [row(round, [value(round)])]));
      await h.engine.flush();
    }
    await h.engine.close();
    // Not committed, and the output never got its TOC: the inputs stay.
    await writeCompactionLog(h.fs, h.directory, { outputGeneration: 7, inputGenerations: [1, 2], committed: false });
    await h.fs.open(joinPath(h.directory, 'compaction-8.log.tmp'), 'w+').then((f) => f.close());
    await h.open();
    expect(await h.generations()).toEqual([1, 2, 3]);
    await h.engine.close();
    // The output is complete (generation 3 stands in for it): the inputs that remain go.
    await writeCompactionLog(h.fs, h.directory, { outputGeneration: 3, inputGenerations: [1, 2, 9], committed: false });
    await h.open();
    expect(await h.generations()).toEqual([3]);
    expect(await h.visible(1)).toEqual([[ck(3), [1]]]);
    await h.engine.close();
    expect(h.leftovers()).toEqual([]);
  });

  it('refuses bad compaction requests', async () => {
    const h = await new Harness({ tableId: TABLE, compaction: MANUAL }, where).open();
    await h.write(update(1, [row(0, [value(1)])]));
    await h.engine.flush();
    await expect(h.engine.compact(TABLE, { generations: [42] })).rejects.toThrow(/no SSTable 42/);
    await expect(h.engine.compact(undefined, { generations: [1] })).rejects.toThrow(/needs a table/);
    await expect(h.engine.compact(TABLE, { major: true, generations: [1] })).rejects.toThrow(/exclude/);
    await expect(
      h.engine.createTable({ tableId: 'bad', compaction: { class: 'SizeTieredCompactionStrategy', minThreshold: 1 } }),
    ).rejects.toThrow(/minThreshold/);
    await expect(h.engine.createTable({ tableId: 'bad', gcGraceSeconds: -1 })).rejects.toThrow(/gcGraceSeconds/);
    await h.engine.close();
  });
});
