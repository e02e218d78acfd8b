/** ALTER TABLE's storage settings take effect on an open engine: compaction and gc_grace_seconds. */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  cellTombstone,
  initChecksums,
  isRingtailError,
  liveCell,
  type Mutation,
  nodeFileSystem,
  systemRuntime,
} from '@ringtail/codec';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { StorageEngine } from '../src/index.js';

const TABLE = 'events';
const dirs: string[] = [];
beforeAll(() => initChecksums());
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});

function cellWrite(i: number, deleted: boolean): Mutation {
  const key = new TextEncoder().encode(`key-${i}`);
  const cell = deleted
    ? cellTombstone('v', undefined, 2000, Math.floor(Date.now() / 1000))
    : liveCell('v', undefined, 1000, key);
  const row = { clustering: '', liveness: undefined, deletion: undefined, cells: [cell], complexDeletions: [] };
  return {
    updates: [{ tableId: TABLE, key, deletion: undefined, staticRow: undefined, rows: [row], rangeTombstones: [] }],
  };
}

async function waitFor(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('StorageEngine.alterTable', () => {
  it('turns compaction on and changes gc_grace_seconds without a restart', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ringtail-alter-'));
    dirs.push(dir);
    const off = { class: 'SizeTieredCompactionStrategy', enabled: false } as const;
    const engine = await StorageEngine.open({
      runtime: systemRuntime(nodeFileSystem()),
      dataDirectory: dir,
      tables: [{ tableId: TABLE, compaction: off }],
      commitLog: { syncMode: 'batch' },
    });
    try {
      // Four SSTables: a row in each, then its cell deleted (a tombstone, 1 second old at most).
      for (let i = 0; i < 4; i++) {
        await engine.write(cellWrite(i, false));
        await engine.write(cellWrite(i, true));
        await engine.flush(TABLE);
      }
      expect(engine.stats(TABLE).liveSSTables).toBe(4);
      expect(engine.stats(TABLE).sstableTombstones).toBe(4);

      expect(() => engine.alterTable({ tableId: TABLE, gcGraceSeconds: -1 })).toThrow(/gcGraceSeconds/);
      try {
        engine.alterTable({ tableId: 'nope' });
        expect.unreachable();
      } catch (error) {
        expect(isRingtailError(error, 'RT_NOT_FOUND')).toBe(true);
      }

      // Compaction on: the size-tiered strategy merges the four at once, keeping the young tombstones.
      engine.alterTable({ tableId: TABLE, compaction: { class: 'SizeTieredCompactionStrategy' } });
      await waitFor(() => engine.stats(TABLE).liveSSTables === 1, 'the background compaction');
      expect(engine.stats(TABLE).sstableTombstones).toBe(4);

      // gc_grace_seconds 0: the next compaction purges them.
      engine.alterTable({ tableId: TABLE, gcGraceSeconds: 0, compaction: { class: 'SizeTieredCompactionStrategy' } });
      await new Promise((resolve) => setTimeout(resolve, 1100)); // tombstones' local deletion time in the past
      await engine.compact(TABLE, { major: true });
      expect(engine.stats(TABLE)).toMatchObject({ sstableTombstones: 0, partitionCountEstimate: 0 });
    } finally {
      await engine.close();
    }
  });
});
