import {
  cellTombstone,
  initChecksums,
  liveCell,
  livePartition,
  type PartitionUpdate,
  SimFileSystem,
  simulatedRuntime,
} from '@ringtail/codec';
import { beforeAll, describe, expect, it } from 'vitest';
import { StorageEngine } from '../src/index.js';

const TABLE = 'recovery-table';

function mutation(cell: PartitionUpdate['rows'][number]['cells'][number]): { updates: PartitionUpdate[] } {
  const row = { clustering: '', liveness: undefined, deletion: undefined, cells: [cell], complexDeletions: [] };
  return {
    updates: [
      {
        tableId: TABLE,
        key: new Uint8Array([1]),
        deletion: undefined,
        staticRow: undefined,
        rows: [row],
        rangeTombstones: [],
      },
    ],
  };
}

describe('recovery', () => {
  beforeAll(() => initChecksums());

  // The commit log removes empty trailing segments at open and takes the next segment id from the clock;
  // with the clock where it was (or stepped back), ids go backwards, and a flushed position saved in a
  // removed segment lies past every new record. Replay must not skip them.
  it('replays writes made after a restart whose flushed position lies past the new commit-log segments', async () => {
    const fs = new SimFileSystem();
    const runtime = simulatedRuntime(1, fs); // a clock that does not move between restarts
    const open = () =>
      StorageEngine.open({
        runtime,
        dataDirectory: '/node',
        tables: [{ tableId: TABLE }],
        commitLog: { syncMode: 'batch' },
      });
    let engine = await open();
    await engine.write(mutation(cellTombstone('a', undefined, 1, 100)));
    await engine.close();
    engine = await open();
    await engine.flush(); // flushed position: the start of the (empty) active segment
    await engine.close();
    engine = await open(); // that segment is removed as empty
    await engine.write(mutation(liveCell('a', undefined, 2, new Uint8Array([7]))));
    await engine.close();
    engine = await open();
    expect(engine.replayReport.applied).toBe(1);
    const partition = await engine.read(TABLE, new Uint8Array([1]));
    expect(livePartition(partition!, 0).rows[0]?.cells.map((c) => c.value?.[0])).toEqual([7]);
    await engine.close();
  });
});
