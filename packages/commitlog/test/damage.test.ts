import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CorruptionError, isRingtailError, type Runtime, SimFileSystem, simulatedRuntime } from '@ringtail/codec';
import { beforeAll, describe, expect, it } from 'vitest';
import { CommitLog, HEADER_BYTES } from '../src/index.js';
import {
  digest,
  type PayloadDigest,
  realRuntime,
  replayDigests,
  seededRandom,
  testSeed,
  useTempDirs,
} from './helpers.js';

const TRIALS = 1000;
/** Of the trials, this many run on the real file system; the rest on the simulated one, for speed. */
const REAL_FS_TRIALS = 25;

interface Layout {
  files: Array<{ name: string; bytes: Uint8Array; globalStart: number }>;
  /** Every record, in order, with where it sits. */
  records: Array<PayloadDigest & { file: number; start: number; end: number; globalStart: number }>;
  totalBytes: number;
}

describe('commit log under damage', () => {
  const tempDir = useTempDirs();
  let layout: Layout;
  const runtime = realRuntime();

  beforeAll(async () => {
    const random = seededRandom(1234);
    const directory = await tempDir();
    const log = await CommitLog.open({ runtime, directory, segmentSizeBytes: 16 * 1024 });
    const digests: PayloadDigest[] = [];
    const appends = [];
    for (let i = 0; i < 300; i++) {
      const payload = random.bytes(random.int(2048));
      digests.push(digest(payload));
      appends.push(log.append(payload));
      if (i % 7 === 0) await Promise.all(appends);
    }
    await Promise.all(appends);
    const replayed = await replayDigests(log);
    await log.close();
    const names = (await readdir(directory)).filter((n) => n.endsWith('.log'));
    names.sort((a, b) => Number(a.split('-')[2]!.split('.')[0]) - Number(b.split('-')[2]!.split('.')[0]));
    const files: Layout['files'] = [];
    let globalStart = 0;
    for (const name of names) {
      const bytes = new Uint8Array(await readFile(join(directory, name)));
      files.push({ name, bytes, globalStart });
      globalStart += bytes.length;
    }
    const fileIndex = (segmentId: number) => files.findIndex((f) => f.name.endsWith(`-${segmentId}.log`));
    layout = {
      files,
      totalBytes: globalStart,
      records: replayed.map((r, i) => {
        expect(r.hash).toBe(digests[i]!.hash);
        const file = fileIndex(r.segmentId);
        return {
          ...digests[i]!,
          file,
          start: r.offset,
          end: r.position.offset,
          globalStart: files[file]!.globalStart + r.offset,
        };
      }),
    };
    expect(files.length).toBeGreaterThan(10);
  });

  /** Lays the files out as a log directory: on disk for the first trials, in memory for the rest. */
  async function writeLog(
    trial: number,
    files: Array<{ name: string; bytes: Uint8Array }>,
  ): Promise<{ directory: string; runtime: Runtime }> {
    if (trial < REAL_FS_TRIALS) {
      const directory = await tempDir();
      await mkdir(directory, { recursive: true });
      for (const f of files) await writeFile(join(directory, f.name), f.bytes);
      return { directory, runtime };
    }
    const fs = new SimFileSystem();
    const directory = '/log';
    await fs.mkdir(directory);
    for (const f of files) {
      const handle = await fs.open(join(directory, f.name), 'wx');
      await handle.write(f.bytes, 0);
      await handle.close();
    }
    return { directory, runtime: simulatedRuntime(trial, fs) };
  }

  it('cut at 1,000 random offsets: replay yields exactly the records that end before the cut', async () => {
    const random = seededRandom(testSeed('truncate'));
    for (let trial = 0; trial < TRIALS; trial++) {
      const cut = random.int(layout.totalBytes + 1);
      const kept = layout.files
        .filter((f) => f.globalStart < cut)
        .map((f) => ({ name: f.name, bytes: f.bytes.subarray(0, Math.min(f.bytes.length, cut - f.globalStart)) }));
      const { directory, runtime } = await writeLog(trial, kept);
      const log = await CommitLog.open({ runtime, directory, segmentSizeBytes: 16 * 1024 });
      const replayed = await replayDigests(log);
      await log.close();
      const expected = layout.records.filter((r) => r.globalStart - r.start + r.end <= cut);
      expect(replayed.map((r) => r.hash)).toEqual(expected.map((r) => r.hash));
    }
  });

  it('one flipped bit before the last record, 1,000 times: detected, located, never yielded', async () => {
    const random = seededRandom(testSeed('bitflip'));
    const lastRecordStart = layout.records.at(-1)!.globalStart;
    for (let trial = 0; trial < TRIALS; trial++) {
      const at = random.int(lastRecordStart);
      const fileIdx = layout.files.findLastIndex((f) => f.globalStart <= at);
      const target = layout.files[fileIdx]!;
      const local = at - target.globalStart;
      const damaged = layout.files.map((f) => ({ name: f.name, bytes: f.bytes.slice() }));
      damaged[fileIdx]!.bytes[local]! ^= 1 << random.int(8);
      const hit = layout.records.find((r) => r.file === fileIdx && r.start <= local && local < r.end);
      const expectedOffset = hit === undefined ? 0 : hit.start;
      expect(hit !== undefined || local < HEADER_BYTES).toBe(true);

      const { directory, runtime } = await writeLog(trial, damaged);
      const log = await CommitLog.open({ runtime, directory, segmentSizeBytes: 16 * 1024 });
      const before: number[] = [];
      let caught: unknown;
      try {
        for await (const r of log.replay()) before.push(digest(r.payload).hash);
      } catch (error) {
        caught = error;
      }
      expect(caught, `trial ${trial}: flip at ${target.name}:${local}`).toBeInstanceOf(CorruptionError);
      const corruption = caught as CorruptionError;
      expect(corruption.file).toBe(join(directory, target.name));
      expect(corruption.offset).toBe(expectedOffset);
      const cleanBefore = layout.records.filter(
        (r) => r.file < fileIdx || (r.file === fileIdx && hit !== undefined && r.end <= hit.start),
      );
      expect(before).toEqual(cleanBefore.map((r) => r.hash));

      // With skipCorruption, everything else is yielded and the damage reported once.
      const skipped: Array<{ file: string; offset: number }> = [];
      const all: number[] = [];
      for await (const r of log.replay(undefined, { skipCorruption: true, onSkip: (s) => skipped.push(s) })) {
        all.push(digest(r.payload).hash);
      }
      expect(skipped).toEqual([
        expect.objectContaining({ file: join(directory, target.name), offset: expectedOffset }),
      ]);
      const survivors = layout.records.filter((r) => (hit === undefined ? r.file !== fileIdx : r !== hit));
      expect(all).toEqual(survivors.map((r) => r.hash));
      await log.close();
    }
  });

  it('refuses a second opener of the same directory and records over the maximum', async () => {
    const directory = await tempDir();
    const log = await CommitLog.open({ runtime, directory, segmentSizeBytes: 16 * 1024 });
    await expect(CommitLog.open({ runtime, directory })).rejects.toSatisfy((e) => isRingtailError(e, 'RT_LOCKED'));
    const tooLarge = log.append(new Uint8Array(8 * 1024 + 1));
    expect(tooLarge.refused).toBe(true);
    await expect(tooLarge).rejects.toSatisfy((e) => isRingtailError(e, 'RT_LIMIT_EXCEEDED'));
    const accepted = log.append(new Uint8Array(8 * 1024));
    expect(accepted.refused).toBe(false);
    await accepted;
    await log.close();
    const reopened = await CommitLog.open({ runtime, directory });
    expect((await replayDigests(reopened)).map((r) => r.length)).toEqual([8 * 1024]);
    await reopened.close();
  });
});
