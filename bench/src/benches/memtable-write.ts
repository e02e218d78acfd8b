/**
 * Memtable write throughput: UPDATES single-row, single-cell partition updates
 * (random 16-byte keys, 100-byte values) applied to a Memtable, against the
 * ceiling for its structure measured in the same run: the same updates set
 * into a plain SortedStringMap under their partition positions, which any
 * memtable must compute and insert. Both sides get the same pre-built
 * updates, as a commit-log replay or the write path hands them over.
 * `details` also has the memtable given each update's encoding as the
 * storage engine gives it (from the commit-log record), the map fed
 * precomputed positions (the structure alone) and partitionPosition alone.
 * Each figure is the median of ROUNDS runs.
 */
import {
  BinaryWriter,
  initChecksums,
  liveCell,
  livePartition,
  type PartitionUpdate,
  partitionPosition,
  seededRandom,
  writePartitionBody,
} from '@ringtail/codec';
import { Memtable, SortedStringMap } from '@ringtail/memtable';
import { type Bench, type BenchResult, formatRate, makeResult } from '../result.js';

const UPDATES = 500_000;
const KEY_BYTES = 16;
const VALUE_BYTES = 100;
const ROUNDS = 3;
const SEED = 0x6d656d77;
const TABLE_ID = '5a1c9e4e-0000-4000-8000-6d656d777274';
const NOW_SEC = 1_700_000_000;
const BASE_TIMESTAMP_MICROS = NOW_SEC * 1_000_000;

function makeUpdates(): PartitionUpdate[] {
  const random = seededRandom(SEED);
  const keyBytes = random.bytes(UPDATES * KEY_BYTES);
  const updates: PartitionUpdate[] = [];
  for (let i = 0; i < UPDATES; i++) {
    const key = keyBytes.slice(i * KEY_BYTES, (i + 1) * KEY_BYTES);
    const cell = liveCell('value', undefined, BASE_TIMESTAMP_MICROS + i, random.bytes(VALUE_BYTES));
    const row = { clustering: '', liveness: undefined, deletion: undefined, cells: [cell], complexDeletions: [] };
    updates.push({
      tableId: TABLE_ID,
      key,
      deletion: undefined,
      staticRow: undefined,
      rows: [row],
      rangeTombstones: [],
    });
  }
  return updates;
}

function fail(what: string): never {
  throw new Error(`memtable-write: ${what}`);
}

/**
 * Before timing: every update lands in its own partition, a scan yields them
 * in strictly increasing position order, each partition reads back its one
 * cell, and the size estimate grows with every write.
 */
function verify(updates: PartitionUpdate[]): void {
  const memtable = new Memtable({ tableId: TABLE_ID });
  const byPosition = new Map<string, PartitionUpdate>();
  let sizeBytes = memtable.sizeBytes;
  for (const update of updates) {
    const deltaBytes = memtable.apply(update);
    if (deltaBytes <= 0) fail('an insert did not grow sizeBytes');
    sizeBytes += deltaBytes;
    byPosition.set(partitionPosition(update.key), update);
  }
  if (memtable.partitionCount !== UPDATES || byPosition.size !== UPDATES) fail('duplicate keys or lost partitions');
  if (memtable.sizeBytes !== sizeBytes) fail('sizeBytes is not the sum of what apply returned');
  memtable.freeze();
  let previous = '';
  let count = 0;
  for (const partition of memtable.scan()) {
    const position = partitionPosition(partition.key);
    if (position <= previous) fail(`scan out of order at partition ${count}`);
    const written = byPosition.get(position) ?? fail('scan yielded a partition never written');
    const live = livePartition(partition, NOW_SEC);
    const cell = live.rows[0]?.cells[0];
    const expected = written.rows[0]!.cells[0]!;
    if (
      live.rows.length !== 1 ||
      cell === undefined ||
      cell.timestampMicros !== expected.timestampMicros ||
      !Buffer.from(cell.value!).equals(expected.value!)
    ) {
      fail(`partition ${count} reads back wrong`);
    }
    previous = position;
    count++;
  }
  if (count !== UPDATES) fail(`scan yielded ${count} partitions`);
}

function timeMemtable(updates: PartitionUpdate[]): number {
  const memtable = new Memtable({ tableId: TABLE_ID });
  const start = performance.now();
  for (let i = 0; i < updates.length; i++) memtable.apply(updates[i]!);
  const elapsedMs = performance.now() - start;
  if (memtable.partitionCount !== UPDATES) fail('memtable lost partitions');
  return (UPDATES * 1000) / elapsedMs;
}

/** As the storage engine applies writes: with each update's encoding, which it has from the commit-log record. */
function timeMemtableWithBodies(updates: PartitionUpdate[], bodies: Uint8Array[]): number {
  const memtable = new Memtable({ tableId: TABLE_ID });
  const start = performance.now();
  for (let i = 0; i < updates.length; i++) memtable.apply(updates[i]!, bodies[i]!);
  const elapsedMs = performance.now() - start;
  if (memtable.partitionCount !== UPDATES) fail('memtable lost partitions');
  return (UPDATES * 1000) / elapsedMs;
}

function timeMap(updates: PartitionUpdate[]): number {
  const map = new SortedStringMap<PartitionUpdate>();
  const start = performance.now();
  for (let i = 0; i < updates.length; i++) {
    const update = updates[i]!;
    map.set(partitionPosition(update.key), update);
  }
  const elapsedMs = performance.now() - start;
  if (map.size !== UPDATES) fail('map lost keys');
  return (UPDATES * 1000) / elapsedMs;
}

function timeMapPrecomputed(updates: PartitionUpdate[], positions: string[]): number {
  const map = new SortedStringMap<PartitionUpdate>();
  const start = performance.now();
  for (let i = 0; i < updates.length; i++) map.set(positions[i]!, updates[i]!);
  const elapsedMs = performance.now() - start;
  if (map.size !== UPDATES) fail('map lost keys');
  return (UPDATES * 1000) / elapsedMs;
}

function timePositions(updates: PartitionUpdate[]): number {
  let chars = 0;
  const start = performance.now();
  for (let i = 0; i < updates.length; i++) chars += partitionPosition(updates[i]!.key).length;
  const elapsedMs = performance.now() - start;
  if (chars !== UPDATES * (8 + KEY_BYTES)) fail('positions of the wrong length');
  return (UPDATES * 1000) / elapsedMs;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1]!;
}

async function run(): Promise<BenchResult> {
  await initChecksums();
  const updates = makeUpdates();
  verify(updates);
  const positions = updates.map((u) => partitionPosition(u.key));
  const bodies = updates.map((u) => {
    const w = new BinaryWriter();
    writePartitionBody(w, u);
    return w.finish();
  });
  // Steadier figures under `node --expose-gc`: each run starts from a collected heap.
  const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const runs: Record<string, number[]> = {
    memtable: [],
    memtableWithBodies: [],
    map: [],
    mapPrecomputed: [],
    positions: [],
  };
  const measure = (name: string, time: () => number) => {
    collect();
    runs[name]!.push(time());
  };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order, so that neither side always runs on the heap the other left behind.
    if (round % 2 === 0) {
      measure('memtable', () => timeMemtable(updates));
      measure('map', () => timeMap(updates));
    } else {
      measure('map', () => timeMap(updates));
      measure('memtable', () => timeMemtable(updates));
    }
    measure('memtableWithBodies', () => timeMemtableWithBodies(updates, bodies));
    measure('mapPrecomputed', () => timeMapPrecomputed(updates, positions));
    measure('positions', () => timePositions(updates));
  }
  const perSecond = Object.fromEntries(Object.entries(runs).map(([name, r]) => [name, Math.round(median(r))]));
  const memtable = perSecond.memtable!;
  const map = perSecond.map!;
  console.table(Object.entries(perSecond).map(([name, value]) => ({ what: name, 'per second': formatRate(value) })));
  const sized = new Memtable({ tableId: TABLE_ID });
  for (const update of updates) sized.apply(update);
  return makeResult({
    name: 'memtable-write',
    metric: 'updates/s',
    value: memtable,
    baseline: { name: 'SortedStringMap.set(partitionPosition(key), update)', value: map },
    params: { updates: UPDATES, keyBytes: KEY_BYTES, valueBytes: VALUE_BYTES, rounds: ROUNDS, seed: SEED },
    details: {
      perSecond,
      ratioToPrecomputedPositions: memtable / perSecond.mapPrecomputed!,
      memtableSizeBytes: sized.sizeBytes,
      sizeBytesPerUpdate: Math.round(sized.sizeBytes / UPDATES),
    },
  });
}

export const memtableWriteBench: Bench = {
  name: 'memtable-write',
  description: `Memtable.apply of ${UPDATES} single-cell updates (${KEY_BYTES}-byte keys, ${VALUE_BYTES}-byte values) vs SortedStringMap.set of their positions`,
  run,
};
