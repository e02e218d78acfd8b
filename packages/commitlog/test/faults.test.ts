import { isRingtailError, SimFileSystem, simulatedRuntime } from '@ringtail/codec';
import { describe, expect, it } from 'vitest';
import { CommitLog, type SyncMode } from '../src/index.js';
import { replayDigests, useTempDirs } from './helpers.js';

const DIRECTORY = '/log';
const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

async function openLog(fs: SimFileSystem, syncMode: SyncMode) {
  const runtime = simulatedRuntime(1, fs);
  const log = await CommitLog.open({ runtime, directory: DIRECTORY, syncMode, segmentSizeBytes: 8 * 1024 });
  for (let i = 0; i < 5; i++) await tick(); // the next segment is prepared (and fsynced) in the background
  return { log, runtime };
}

describe('commit log I/O failures', () => {
  useTempDirs();

  it('a failed write rejects the appends of that write and every later one, and keeps what was durable', async () => {
    const fs = new SimFileSystem();
    const { log } = await openLog(fs, 'batch');
    await log.append(new Uint8Array([1, 2, 3]));
    const remove = fs.injectFault({ op: 'write', error: 'ENOSPC', times: 1, afterBytes: 5 });
    const failed = log.append(new Uint8Array(100));
    await expect(failed).rejects.toSatisfy((e) => isRingtailError(e, 'RT_IO'));
    remove();
    await expect(log.append(new Uint8Array(1))).rejects.toSatisfy((e) => isRingtailError(e, 'RT_IO'));
    await expect(log.sync()).rejects.toSatisfy((e) => isRingtailError(e, 'RT_IO'));
    await log.close();

    // The half-written record is a torn tail: cut on reopen, the durable record kept.
    const { log: reopened } = await openLog(fs, 'batch');
    expect(reopened.recovery.truncatedTail).toBeDefined();
    expect((await replayDigests(reopened)).map((r) => r.length)).toEqual([3]);
    await reopened.close();
  });

  it('a failed fsync rejects the appends waiting for it (batch and group)', async () => {
    for (const mode of ['batch', 'group'] as const) {
      const fs = new SimFileSystem();
      const { log, runtime } = await openLog(fs, mode);
      fs.injectFault({ op: 'datasync', times: 1 });
      const a = log.append(new Uint8Array(10));
      const b = log.append(new Uint8Array(20));
      await tick();
      runtime.timers.advance(20);
      await expect(a).rejects.toSatisfy((e) => isRingtailError(e, 'RT_IO'));
      await expect(b).rejects.toSatisfy((e) => isRingtailError(e, 'RT_IO'));
      await log.close();
    }
  });

  it('group mode makes at most one fsync per window, covering every append made before it', async () => {
    const fs = new SimFileSystem();
    const { log, runtime } = await openLog(fs, 'group');
    const before = fs.syncCount;
    let acked = 0;
    const first = log.append(new Uint8Array(1)).then(() => acked++);
    await tick(); // the first write after a quiet spell is fsynced at once
    await first;
    for (let turn = 0; turn < 5; turn++) {
      for (let i = 0; i < 10; i++) void log.append(new Uint8Array(i)).then(() => acked++);
      await tick();
    }
    expect(acked).toBe(1); // the rest wait for the window
    runtime.timers.advance(10);
    await tick();
    await tick();
    expect(acked).toBe(51);
    expect(fs.syncCount - before).toBe(2);
    await log.close();
  });

  it('periodic mode acknowledges on write and fsyncs on its period', async () => {
    const fs = new SimFileSystem();
    const runtime = simulatedRuntime(1, fs);
    const log = await CommitLog.open({ runtime, directory: DIRECTORY, syncMode: 'periodic', syncPeriodMs: 1000 });
    for (let i = 0; i < 5; i++) await tick(); // the next segment is prepared (and fsynced) in the background
    const before = fs.syncCount;
    const position = await log.append(new Uint8Array(7));
    expect(fs.syncCount).toBe(before);
    expect(log.writtenPosition).toEqual(position);
    expect(log.syncedPosition).not.toEqual(position);
    runtime.timers.advance(1000);
    await tick();
    expect(fs.syncCount).toBe(before + 1);
    expect(log.syncedPosition).toEqual(position);
    await log.close();
  });

  it('append and sync after close are refused with CLOSED', async () => {
    const fs = new SimFileSystem();
    const { log } = await openLog(fs, 'periodic');
    await log.close();
    await expect(log.append(new Uint8Array(1))).rejects.toSatisfy((e) => isRingtailError(e, 'RT_CLOSED'));
    await expect(log.sync()).rejects.toSatisfy((e) => isRingtailError(e, 'RT_CLOSED'));
  });
});

describe('commit log segment ids', () => {
  useTempDirs();

  it('only grow across restarts, even past empty segments that recovery removes, whatever the clock says', async () => {
    const fs = new SimFileSystem();
    const seen: number[] = [];
    for (let restart = 0; restart < 4; restart++) {
      // A fresh simulated clock each time: the wall clock stands still (or would have gone back).
      const log = await CommitLog.open({ runtime: simulatedRuntime(1, fs), directory: DIRECTORY, syncMode: 'batch' });
      if (restart === 1) await log.append(new Uint8Array([1]));
      seen.push(log.appendedPosition.segmentId);
      await log.close();
    }
    for (let i = 1; i < seen.length; i++) expect(seen[i]).toBeGreaterThan(seen[i - 1]!);
  });
});
