import { describe, expect, it } from 'vitest';
import { CommitLog, type CommitLogPosition, comparePositions } from '../src/index.js';
import {
  digest,
  type PayloadDigest,
  randomSize,
  realRuntime,
  replayDigests,
  seededRandom,
  testSeed,
  useTempDirs,
} from './helpers.js';

const RECORDS = 100_000;
const ROUNDS = 10;
const MAX_PAYLOAD_BYTES = 64 * 1024;
const SEGMENT_SIZE_BYTES = 4 * 1024 * 1024;

describe('commit log round trip', () => {
  const tempDir = useTempDirs();

  it('replays 100k records of 0 B to 64 KiB across many segments, with discards and restarts in between', async () => {
    const seed = testSeed('roundtrip');
    const random = seededRandom(seed);
    const directory = await tempDir();
    const runtime = realRuntime();
    const open = () => CommitLog.open({ runtime, directory, segmentSizeBytes: SEGMENT_SIZE_BYTES });
    let log = await open();
    // Records not yet discarded, in append order, with the position each append resolved to.
    let live: Array<PayloadDigest & { position: CommitLogPosition }> = [];
    let discardedUpTo: CommitLogPosition | undefined;
    let segmentsSeen = 0;

    for (let round = 0; round < ROUNDS; round++) {
      const appends: Array<PromiseLike<CommitLogPosition>> = [];
      const digests: PayloadDigest[] = [];
      for (let i = 0; i < RECORDS / ROUNDS; i++) {
        const payload = random.bytes(randomSize(random, MAX_PAYLOAD_BYTES));
        digests.push(digest(payload));
        appends.push(log.append(payload));
        // Yield now and then so that turns of different sizes are exercised.
        if (random.int(64) === 0) await Promise.resolve();
      }
      const positions = await Promise.all(appends);
      for (let i = 1; i < positions.length; i++) {
        expect(comparePositions(positions[i - 1]!, positions[i]!)).toBeLessThan(0);
      }
      live.push(...digests.map((d, i) => ({ ...d, position: positions[i]! })));
      segmentsSeen = Math.max(segmentsSeen, log.segmentIds.at(-1)! - log.segmentIds[0]! + 1);

      if (round % 3 === 2) {
        await log.close();
        log = await open();
        expect(log.recovery.truncatedTail).toBeUndefined();
      }

      const replayed = await replayDigests(log, discardedUpTo);
      expect(replayed.length).toBe(live.length);
      for (let i = 0; i < live.length; i++) {
        const want = live[i]!;
        const got = replayed[i]!;
        if (got.length !== want.length || got.hash !== want.hash || comparePositions(got.position, want.position)) {
          throw new Error(`record ${i} of round ${round} differs (seed ${seed})`);
        }
      }

      // Discard all but the last ~quarter of what is live, as a flush would.
      const keep = Math.floor(live.length / 4);
      const cut = live[live.length - keep - 1]!.position;
      const segmentsBefore = log.segmentIds.length;
      await log.discardUpTo(cut);
      expect(log.segmentIds.length).toBeLessThan(segmentsBefore);
      discardedUpTo = cut;
      live = live.slice(live.length - keep);
    }
    expect(segmentsSeen).toBeGreaterThan(20);
    await log.close();
  });
});
