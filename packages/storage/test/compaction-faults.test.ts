import { initChecksums } from '@ringtail/codec';
import { beforeAll, describe, expect, it } from 'vitest';
import { Harness, MANUAL, row, TABLE, update, value } from './compaction-harness.js';

describe('compaction when the disk fails', () => {
  beforeAll(() => initChecksums());

  async function threeSSTables(): Promise<Harness> {
    const h = await new Harness({ tableId: TABLE, compaction: MANUAL }).open();
    for (let round = 1; round <= 3; round++) {
      for (let k = 0; k < 20; k++) await h.write(update(k, [row(round, [value(round)])]));
      await h.engine.flush();
    }
    return h;
  }

  it('undoes a compaction whose output cannot be written, and compacts again later', async () => {
    const h = await threeSSTables();
    const heal = h.simulated.injectFault({ op: 'write', path: /tmp-rt-4-Data/, times: 1 });
    await expect(h.engine.compact(TABLE, { major: true })).rejects.toThrow();
    heal();
    expect(await h.generations()).toEqual([1, 2, 3]);
    expect(h.leftovers()).toEqual([]);
    expect(await h.visible(4)).toHaveLength(3);
    await h.engine.compact(TABLE, { major: true });
    expect(await h.generations()).toEqual([5]);
    expect(await h.visible(4)).toHaveLength(3);
    await h.engine.close();
  });

  it('rolls back a compaction whose commit fails, and compacts again later', async () => {
    const h = await threeSSTables();
    h.failRenames.add(2); // 1: the log, 2: its commit
    await expect(h.engine.compact(TABLE, { major: true })).rejects.toThrow(/injected/);
    expect(await h.generations()).toEqual([1, 2, 3]);
    expect(h.leftovers()).toEqual([]);
    await h.engine.compact(TABLE, { major: true });
    expect(await h.generations()).toEqual([5]);
    await h.engine.close();
  });

  it('stops compacting when a failed commit cannot be rolled back either; the next start-up settles it', async () => {
    const h = await threeSSTables();
    h.failRenames.add(2).add(3); // the commit, then the rollback
    await expect(h.engine.compact(TABLE, { major: true })).rejects.toThrow(/could not commit/);
    await expect(h.engine.compact(TABLE, { major: true })).rejects.toThrow(/in doubt/);
    await h.write(update(30, [row(0, [value(9)])]));
    expect(await h.visible(4)).toHaveLength(3);
    expect(await h.visible(30)).toHaveLength(1);
    await h.engine.close();
    await h.open();
    // The log on disk was not committed, but the output is complete: it replaces the inputs.
    expect(await h.generations()).toEqual([4]);
    expect(h.leftovers()).toEqual([]);
    expect(await h.visible(4)).toHaveLength(3);
    expect(await h.visible(30)).toHaveLength(1);
    await h.engine.compact(TABLE, { major: true });
    await h.engine.close();
  });
});
