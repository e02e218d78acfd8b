import { type PartitionUpdate, partitionPosition, SimFileSystem } from '@ringtail/codec';
import { describe, expect, it } from 'vitest';
import { filterShape } from '../src/bloom.js';
import { SSTableReader } from '../src/index.js';
import { seededRandom, TABLE_ID, testSeed, useTempDirs, writeSSTable } from './helpers.js';

const PRESENT = 20_000;
const ABSENT = 100_000;

function counterKey(i: number): Uint8Array {
  return new Uint8Array([i >>> 24, (i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff]);
}

function emptyPartition(key: Uint8Array): PartitionUpdate {
  return { tableId: TABLE_ID, key, deletion: undefined, staticRow: undefined, rows: [], rangeTombstones: [] };
}

/** Writes `keys` as an SSTable with `fpChance` and returns the opened reader. */
async function sstableOf(keys: Uint8Array[], fpChance: number): Promise<SSTableReader> {
  const fs = new SimFileSystem();
  const sorted = keys.map((key) => ({ key, position: partitionPosition(key) }));
  sorted.sort((a, b) => (a.position < b.position ? -1 : 1));
  await writeSSTable(
    fs,
    '/t',
    1,
    sorted.map((k) => emptyPartition(k.key)),
    { bloomFpChance: fpChance, expectedPartitions: keys.length },
  );
  return SSTableReader.open(fs, '/t', 1);
}

describe('bloom filter', () => {
  useTempDirs();

  for (const fpChance of [0.1, 0.01, 0.001]) {
    it(`has no false negatives and a false-positive rate within 2x of ${fpChance} (counter keys)`, async () => {
      const keys = Array.from({ length: PRESENT }, (_, i) => counterKey(i));
      const reader = await sstableOf(keys, fpChance);
      for (const key of keys) expect(reader.mightContain(key)).toBe(true);
      let falsePositives = 0;
      for (let i = PRESENT; i < PRESENT + ABSENT; i++) if (reader.mightContain(counterKey(i))) falsePositives++;
      const rate = falsePositives / ABSENT;
      console.log(`[bloom ${fpChance}] counter keys: false-positive rate ${rate} over ${ABSENT} absent keys`);
      expect(rate).toBeLessThanOrEqual(2 * fpChance);
      expect(rate).toBeGreaterThanOrEqual(fpChance / 2);
      await reader.close();
    });
  }

  it('has no false negatives and a false-positive rate within 2x of 0.01 (random keys of random sizes)', async () => {
    const random = seededRandom(testSeed('bloom-random'));
    const present = new Map<string, Uint8Array>();
    while (present.size < PRESENT) {
      const key = random.bytes(1 + random.int(40));
      present.set(partitionPosition(key), key);
    }
    const reader = await sstableOf([...present.values()], 0.01);
    for (const key of present.values()) expect(reader.mightContain(key)).toBe(true);
    let falsePositives = 0;
    let absent = 0;
    while (absent < ABSENT) {
      const key = random.bytes(1 + random.int(40));
      if (present.has(partitionPosition(key))) continue;
      absent++;
      if (reader.mightContain(key)) falsePositives++;
    }
    const rate = falsePositives / ABSENT;
    console.log(`[bloom 0.01] random keys: false-positive rate ${rate} over ${ABSENT} absent keys`);
    expect(rate).toBeLessThanOrEqual(0.02);
    expect(rate).toBeGreaterThanOrEqual(0.005);
    await reader.close();
  });

  it('is sized from the partition count', () => {
    expect(filterShape(1, 0.01)).toEqual({ bitCount: 64, hashCount: 7 });
    expect(filterShape(100_000, 0.01)).toEqual({ bitCount: 958_506, hashCount: 7 });
    expect(filterShape(1000, 0.1).hashCount).toBe(3);
    expect(filterShape(1e12, 0.01).bitCount).toBe(2 ** 31);
  });
});
