import { type Random, SimFileSystem, seededRandom, simulatedRuntime } from '@ringtail/codec';
import { describe, expect, it } from 'vitest';
import { type AppendTicket, CommitLog, type CommitLogPosition, comparePositions, type SyncMode } from '../src/index.js';
import { digest, type PayloadDigest, randomSize, replayDigests, testSeed, useTempDirs } from './helpers.js';

const SEEDS_PER_MODE = 150;
const DIRECTORY = '/data/commitlog';

interface Appended extends PayloadDigest {
  acked: boolean;
  ticket: AppendTicket;
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

/** One run: random appends, waits and clock moves, then a crash at a random point; returns what must survive. */
async function runUntilCrash(seed: number, mode: SyncMode) {
  const random: Random = seededRandom(seed);
  const fs = new SimFileSystem();
  const runtime = simulatedRuntime(seed, fs);
  const log = await CommitLog.open({
    runtime,
    directory: DIRECTORY,
    syncMode: mode,
    segmentSizeBytes: 8 * 1024,
    groupWindowMs: 10,
    syncPeriodMs: 50,
  });
  const appended: Appended[] = [];
  let discardedUpTo: CommitLogPosition | undefined;
  let firstKept = 0;
  const steps = 1 + random.int(60);
  for (let step = 0; step < steps; step++) {
    const action = random.int(10);
    if (action < 5) {
      for (let n = 1 + random.int(20); n > 0; n--) {
        const payload = random.bytes(randomSize(random, 1500));
        const ticket = log.append(payload);
        const entry: Appended = { ...digest(payload), acked: false, ticket };
        appended.push(entry);
        ticket.then(
          () => {
            entry.acked = true;
          },
          () => {},
        );
      }
    } else if (action < 8) {
      for (let n = random.int(4); n >= 0; n--) await tick();
    } else if (action < 9) {
      runtime.timers.advance(random.int(60));
    } else {
      const acked = appended.findLastIndex((a) => a.acked);
      const target = random.int(acked + 2) - 1;
      if (target >= firstKept) {
        discardedUpTo = appended[target]!.ticket.position;
        firstKept = target + 1;
        log.discardUpTo(discardedUpTo).catch(() => {});
      }
    }
  }
  // Crash between microtasks too, so that some crashes fall between a write and its fsync.
  for (let n = random.int(8); n > 0; n--) await Promise.resolve();
  // In periodic mode, what the last completed fsync covered must survive; in the others, every ack.
  const synced = log.syncedPosition;
  const mustSurvive = appended.filter((a) =>
    mode === 'periodic' ? a.ticket.segmentId >= 0 && comparePositions(a.ticket.position, synced) <= 0 : a.acked,
  ).length;
  const crashed = fs.crash({ random, tearLastWrite: true, keepUnsyncedProbability: 0.6 });
  return { appended, mustSurvive, discardedUpTo, firstKept, crashed, runtime };
}

describe('commit log crash recovery (simulated file system)', () => {
  useTempDirs();

  for (const mode of ['batch', 'group', 'periodic'] as const) {
    it(`keeps every acknowledged append through a crash at a random point (${mode})`, async () => {
      const base = testSeed(`crash-${mode}`);
      let tornTails = 0;
      for (let i = 0; i < SEEDS_PER_MODE; i++) {
        const seed = (base + i) >>> 0;
        const { appended, mustSurvive, discardedUpTo, firstKept: first, crashed } = await runUntilCrash(seed, mode);
        const reopened = await CommitLog.open({
          runtime: simulatedRuntime(seed, crashed),
          directory: DIRECTORY,
          segmentSizeBytes: 8 * 1024,
        });
        if (reopened.recovery.truncatedTail !== undefined) tornTails++;
        const replayed = await replayDigests(reopened, discardedUpTo);
        // Survivors are a contiguous run of what was appended, ending no earlier than the last required one.
        const context = `seed ${seed} (${mode}): ${replayed.length} replayed, ${mustSurvive} required, first ${first}`;
        expect(first, context).toBeGreaterThanOrEqual(0);
        expect(first + replayed.length, context).toBeGreaterThanOrEqual(mustSurvive);
        for (let j = 0; j < replayed.length; j++) {
          const want = appended[first + j];
          expect(
            want !== undefined && want.hash === replayed[j]!.hash && want.length === replayed[j]!.length,
            context,
          ).toBe(true);
        }
        // No file is left that recovery would not account for.
        for (const file of crashed.listFiles()) expect(file, context).toMatch(/\/(LOCK|CommitLog-1-\d+\.log)$/);
        await reopened.close();
      }
      console.log(`[crash-${mode}] ${SEEDS_PER_MODE} crashes, ${tornTails} torn tails cut`);
      expect(tornTails).toBeGreaterThan(0);
    });
  }
});
