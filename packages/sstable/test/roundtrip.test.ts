import {
  type DeletionTime,
  NO_DELETION_TIME,
  NO_TIMESTAMP,
  nodeFileSystem,
  type PartitionUpdate,
  partitionPosition,
  type Random,
  type Row,
  tokenPrefix,
} from '@ringtail/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type ScanRange, SSTableReader, type SSTableStats } from '../src/index.js';
import {
  collect,
  firstDifference,
  randomKey,
  randomPartitions,
  seededRandom,
  TABLE_ID,
  testSeed,
  useTempDirs,
  writeSSTable,
} from './helpers.js';

const RUNS = 4;
const MAX_PARTITIONS = 1500;
const ABSENT_KEYS = 300;
const RANGES_PER_RUN = 6;
/** Blocks this small make tens of thousands of reads and writes: fewer partitions for them. */
const TINY_BLOCK_BYTES = 256;
const TINY_BLOCK_MAX_PARTITIONS = 400;
const SHAPE = { maxRows: 4, bigRows: 100, maxKeyBytes: 200 };

/** The statistics of `updates`, computed the plain way. */
function expectedStats(updates: readonly PartitionUpdate[]): SSTableStats {
  const times: number[] = [];
  const localTimes: number[] = [];
  let rows = 0;
  let cells = 0;
  let tombstones = 0;
  const deletion = (d: DeletionTime | undefined) => {
    if (d === undefined) return;
    tombstones++;
    times.push(d.markedForDeleteAtMicros);
    localTimes.push(d.localDeletionTimeSec);
  };
  const row = (r: Row) => {
    if (r.liveness !== undefined) {
      times.push(r.liveness.timestampMicros);
      if (r.liveness.ttlSec > 0) localTimes.push(r.liveness.localExpirationTimeSec);
    }
    deletion(r.deletion);
    for (const c of r.complexDeletions) deletion(c.deletion);
    for (const c of r.cells) {
      cells++;
      times.push(c.timestampMicros);
      if (c.value === undefined) tombstones++;
      if (c.value === undefined || c.ttlSec > 0) localTimes.push(c.localDeletionTimeSec);
    }
  };
  for (const u of updates) {
    deletion(u.deletion);
    if (u.staticRow !== undefined) row(u.staticRow);
    for (const r of u.rows) row(r);
    rows += u.rows.length;
    for (const rt of u.rangeTombstones) deletion(rt.deletion);
  }
  const min = (xs: number[], none: number) => (xs.length === 0 ? none : xs.reduce((a, b) => Math.min(a, b)));
  const max = (xs: number[], none: number) => (xs.length === 0 ? none : xs.reduce((a, b) => Math.max(a, b)));
  return {
    tableId: TABLE_ID,
    firstKey: updates[0]!.key,
    lastKey: updates.at(-1)!.key,
    minTimestampMicros: min(times, NO_TIMESTAMP),
    maxTimestampMicros: max(times, NO_TIMESTAMP),
    minLocalDeletionTimeSec: min(localTimes, NO_DELETION_TIME),
    maxLocalDeletionTimeSec: max(localTimes, NO_DELETION_TIME),
    partitionCount: updates.length,
    rowCount: rows,
    cellCount: cells,
    tombstoneCount: tombstones,
    dataSizeBytes: 0,
  };
}

/** A scan bound: an existing position, one just past it, a bare token, or none. */
function randomBound(random: Random, positions: readonly string[]): string | undefined {
  const pick = () => positions[random.int(positions.length)]!;
  switch (random.int(5)) {
    case 0:
      return undefined;
    case 1:
      return `${pick()}\x00`;
    case 2:
      return tokenPrefix(BigInt.asUintN(64, BigInt(random.int(2 ** 32)) << 32n));
    default:
      return pick();
  }
}

function inRange(position: string, r: ScanRange): boolean {
  const { fromPosition: from, toPosition: to, fromInclusive = true, toInclusive = false } = r;
  if (from !== undefined && (fromInclusive ? position < from : position <= from)) return false;
  if (to !== undefined && (toInclusive ? position > to : position >= to)) return false;
  return true;
}

describe('SSTable round trip', () => {
  const tempDir = useTempDirs();

  it('reads back thousands of random partitions by key, by absent key, whole and by random ranges', async () => {
    const seed = testSeed('roundtrip');
    const params = fc.record({
      dataSeed: fc.nat(),
      count: fc.oneof(
        { weight: 3, arbitrary: fc.integer({ min: 1000, max: MAX_PARTITIONS }) },
        { weight: 1, arbitrary: fc.integer({ min: 1, max: 40 }) },
      ),
      blockSizeBytes: fc.constantFrom(64, 700, 4096, 65_536),
      summaryInterval: fc.constantFrom(1, 5, 128),
      bloomFpChance: fc.constantFrom(0.001, 0.01, 0.2),
    });
    const fs = nodeFileSystem();
    let generation = 0;
    await fc.assert(
      fc.asyncProperty(params, async (p) => {
        const random = seededRandom(p.dataSeed);
        const count = p.blockSizeBytes < TINY_BLOCK_BYTES ? Math.min(p.count, TINY_BLOCK_MAX_PARTITIONS) : p.count;
        const partitions = randomPartitions(random, count, SHAPE);
        const updates = partitions.map((x) => x.update);
        const directory = await tempDir();
        generation += 1;
        const info = await writeSSTable(fs, directory, generation, updates, p);
        const reader = await SSTableReader.open(fs, directory, generation);
        try {
          expect(firstDifference({ ...reader.stats, dataSizeBytes: 0 }, expectedStats(updates))).toBeUndefined();
          expect(reader.stats.dataSizeBytes).toBe(info.stats.dataSizeBytes);
          expect(reader.sizeBytes).toBe(info.sizeBytes);

          for (const u of updates) expect(firstDifference(await reader.get(u.key), u)).toBeUndefined();
          const present = new Set(partitions.map((x) => x.position));
          for (let i = 0; i < ABSENT_KEYS; i++) {
            const key = randomKey(random, SHAPE.maxKeyBytes);
            if (!present.has(partitionPosition(key))) expect(await reader.get(key)).toBeUndefined();
          }

          expect(firstDifference(await collect(reader.scan()), updates)).toBeUndefined();
          // Views into the blocks read (what compaction asks for) read the same, and stay valid as the scan goes on.
          expect(firstDifference(await collect(reader.scan({}, { views: true })), updates)).toBeUndefined();
          const positions = partitions.map((x) => x.position);
          for (let i = 0; i < RANGES_PER_RUN; i++) {
            const range: ScanRange = {
              fromPosition: randomBound(random, positions),
              fromInclusive: random.int(2) === 0,
              toPosition: randomBound(random, positions),
              toInclusive: random.int(2) === 0,
            };
            const want = partitions.filter((x) => inRange(x.position, range)).map((x) => x.update);
            expect(firstDifference(await collect(reader.scan(range)), want)).toBeUndefined();
          }
          await reader.verify();
        } finally {
          await reader.close();
        }
      }),
      { seed, numRuns: RUNS, verbose: true, endOnFailure: true },
    );
  });
});
