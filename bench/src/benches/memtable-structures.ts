import { type Random, seededRandom } from '@ringtail/codec';
import { DEFAULT_NODE_CAPACITY, SortedStringMap } from '@ringtail/memtable';
import { type Bench, type BenchResult, formatRate, makeResult } from '../result.js';

/**
 * The ordered map under the memtable. Inserts KEY_COUNT random 16-byte keys,
 * then looks each up once in a shuffled order, into:
 * - SortedStringMap (a B+tree over latin1 strings) at several node capacities;
 * - the same at the default capacity, decoding each key from a Buffer inside
 *   the timed loop (the cost a caller holding Buffers pays), and on keys that
 *   share their first 8 bytes (its numeric key prefixes never decide);
 * - the baseline: a skiplist keyed by Buffer, ordered by Buffer.compare, the
 *   naive first design; and the same skiplist over latin1 strings, to split
 *   the gain between the comparison and the structure.
 * Lookups use key objects distinct from the inserted ones, as a read would.
 * Each figure is the median of ROUNDS runs.
 */

const KEY_COUNT = 500_000;
const KEY_BYTES = 16;
const SHARED_PREFIX_BYTES = 8;
/** Runs of each B+tree variant; the skiplists, ten times slower, run once, long enough to average themselves. */
const ROUNDS = 3;
const SKIPLIST_VERIFY_KEYS = 20_000;
const NODE_CAPACITIES = [16, 32, 64, 128, 256];
const SEED = 0x6d656d74;

// ---- baseline: a skiplist (LevelDB's memtable structure, p = 1/4) ----

const SKIP_MAX_LEVEL = 12; // 4^12 = 16M > KEY_COUNT

interface SkipList<K> {
  readonly size: number;
  set(key: K, value: number): void;
  get(key: K): number | undefined;
  keys(): Generator<K>;
}

/**
 * A class per key type, with the comparison fixed in its closure, so that V8
 * specialises each one: the Buffer baseline is not slowed by also having seen
 * strings.
 */
function skipListClass<K>(compare: (a: K, b: K) => number): new (random: Random) => SkipList<K> {
  class SkipNode {
    constructor(
      readonly key: K,
      public value: number,
      readonly next: Array<SkipNode | null>,
    ) {}
  }
  return class implements SkipList<K> {
    private readonly head = new SkipNode(undefined as K, 0, new Array<SkipNode | null>(SKIP_MAX_LEVEL).fill(null));
    private readonly update = new Array<SkipNode>(SKIP_MAX_LEVEL).fill(this.head);
    private level = 1;
    size = 0;

    constructor(private readonly random: Random) {}

    set(key: K, value: number): void {
      let node = this.head;
      for (let l = this.level - 1; l >= 0; l--) {
        let next = node.next[l] as SkipNode | null;
        while (next !== null && compare(next.key, key) < 0) {
          node = next;
          next = node.next[l] as SkipNode | null;
        }
        this.update[l] = node;
      }
      const found = node.next[0] as SkipNode | null;
      if (found !== null && compare(found.key, key) === 0) {
        found.value = value;
        return;
      }
      let height = 1;
      while (height < SKIP_MAX_LEVEL && this.random.next() < 0.25) height++;
      for (; this.level < height; this.level++) this.update[this.level] = this.head;
      const inserted = new SkipNode(key, value, new Array<SkipNode | null>(height).fill(null));
      for (let l = 0; l < height; l++) {
        const before = this.update[l] as SkipNode;
        inserted.next[l] = before.next[l] as SkipNode | null;
        before.next[l] = inserted;
      }
      this.size++;
    }

    get(key: K): number | undefined {
      let node = this.head;
      for (let l = this.level - 1; l >= 0; l--) {
        let next = node.next[l] as SkipNode | null;
        while (next !== null) {
          const c = compare(next.key, key);
          if (c === 0) return next.value;
          if (c > 0) break;
          node = next;
          next = node.next[l] as SkipNode | null;
        }
      }
      return undefined;
    }

    *keys(): Generator<K> {
      for (let node = this.head.next[0] as SkipNode | null; node !== null; node = node.next[0] as SkipNode | null) {
        yield node.key;
      }
    }
  };
}

const BufferSkipList = skipListClass<Buffer>(Buffer.compare);
const StringSkipList = skipListClass<string>((a, b) => (a < b ? -1 : a > b ? 1 : 0));

// ---- keys ----

interface KeySet {
  /** Views of the key bytes; key i has value i. */
  buffers: Buffer[];
  strings: string[];
  /** Lookup j is key order[j], as objects distinct from the inserted ones. */
  order: number[];
  lookupBuffers: Buffer[];
  lookupStrings: string[];
}

function makeKeys(random: Random, sharedPrefixBytes: number): KeySet {
  const bytes = Buffer.from(random.bytes(KEY_COUNT * KEY_BYTES));
  for (let i = 0; i < KEY_COUNT; i++) bytes.fill(0x5a, i * KEY_BYTES, i * KEY_BYTES + sharedPrefixBytes);
  const copy = Buffer.from(bytes);
  const order = Array.from({ length: KEY_COUNT }, (_, i) => i);
  for (let i = KEY_COUNT - 1; i > 0; i--) {
    const j = random.int(i + 1);
    [order[i], order[j]] = [order[j] as number, order[i] as number];
  }
  const at = (buffer: Buffer, i: number): Buffer => buffer.subarray(i * KEY_BYTES, (i + 1) * KEY_BYTES);
  const keys: KeySet = {
    buffers: Array.from({ length: KEY_COUNT }, (_, i) => at(bytes, i)),
    strings: Array.from({ length: KEY_COUNT }, (_, i) => at(bytes, i).toString('latin1')),
    order,
    lookupBuffers: order.map((i) => at(copy, i)),
    lookupStrings: order.map((i) => at(copy, i).toString('latin1')),
  };
  if (new Set(keys.strings).size !== KEY_COUNT) throw new Error('memtable-structures: duplicate random keys');
  return keys;
}

// ---- timing; each run also checks what it timed ----

interface Figures {
  insertsPerSec: number;
  lookupsPerSec: number;
}

/** Every lookup finds its key, whose value is its index: the sum of all values. */
const EXPECTED_LOOKUP_SUM = (KEY_COUNT * (KEY_COUNT - 1)) / 2;

function checked(name: string, size: number, lookupSum: number, insertMs: number, lookupMs: number): Figures {
  if (size !== KEY_COUNT || lookupSum !== EXPECTED_LOOKUP_SUM) {
    throw new Error(`memtable-structures: ${name} lost keys (size ${size}, lookup sum ${lookupSum})`);
  }
  return { insertsPerSec: (KEY_COUNT * 1000) / insertMs, lookupsPerSec: (KEY_COUNT * 1000) / lookupMs };
}

function timeTree(name: string, nodeCapacity: number, keys: string[], lookups: string[]): Figures {
  const map = new SortedStringMap<number>({ nodeCapacity });
  const t0 = performance.now();
  for (let i = 0; i < keys.length; i++) map.set(keys[i] as string, i);
  const t1 = performance.now();
  let sum = 0;
  for (let i = 0; i < lookups.length; i++) sum += map.get(lookups[i] as string) ?? Number.NaN;
  const t2 = performance.now();
  return checked(name, map.size, sum, t1 - t0, t2 - t1);
}

function timeTreeDecoding(name: string, nodeCapacity: number, keys: Buffer[], lookups: Buffer[]): Figures {
  const map = new SortedStringMap<number>({ nodeCapacity });
  const t0 = performance.now();
  for (let i = 0; i < keys.length; i++) map.set((keys[i] as Buffer).toString('latin1'), i);
  const t1 = performance.now();
  let sum = 0;
  for (let i = 0; i < lookups.length; i++) sum += map.get((lookups[i] as Buffer).toString('latin1')) ?? Number.NaN;
  const t2 = performance.now();
  return checked(name, map.size, sum, t1 - t0, t2 - t1);
}

function timeSkipList<K>(
  name: string,
  SkipListClass: new (random: Random) => SkipList<K>,
  keys: K[],
  lookups: K[],
): Figures {
  const list = new SkipListClass(seededRandom(SEED));
  const t0 = performance.now();
  for (let i = 0; i < keys.length; i++) list.set(keys[i] as K, i);
  const t1 = performance.now();
  let sum = 0;
  for (let i = 0; i < lookups.length; i++) sum += list.get(lookups[i] as K) ?? Number.NaN;
  const t2 = performance.now();
  return checked(name, list.size, sum, t1 - t0, t2 - t1);
}

/**
 * Before anything is timed: the B+tree holds every key with its value and
 * yields them strictly ascending in Buffer.compare order (latin1 `<` is byte
 * order); the skiplist, on a prefix of the keys, too. Timed runs then check
 * their size and that every lookup found its value.
 */
function verify(keys: KeySet): void {
  const fail = (what: string): never => {
    throw new Error(`memtable-structures: ${what}`);
  };
  const map = new SortedStringMap<number>();
  for (let i = 0; i < KEY_COUNT; i++) map.set(keys.strings[i] as string, i);
  map.assertInvariants();
  const byteOrder = keys.order.toSorted((a, b) => Buffer.compare(keys.buffers[a] as Buffer, keys.buffers[b] as Buffer));
  let count = 0;
  for (const [key, value] of map) {
    if (value !== byteOrder[count]) fail(`B+tree and Buffer.compare orders differ at entry ${count}`);
    if (keys.strings[value] !== key) fail(`B+tree value mismatch at entry ${count}`);
    count++;
  }
  if (count !== KEY_COUNT) fail(`B+tree yielded ${count} entries`);
  for (let j = 0; j < KEY_COUNT; j++) {
    if (map.get(keys.lookupStrings[j] as string) !== keys.order[j]) fail(`B+tree lookup ${j} missed`);
  }
  const list = new BufferSkipList(seededRandom(SEED));
  for (let i = 0; i < SKIPLIST_VERIFY_KEYS; i++) list.set(keys.buffers[i] as Buffer, i);
  let previous: Buffer | undefined;
  count = 0;
  for (const key of list.keys()) {
    if (previous !== undefined && Buffer.compare(previous, key) >= 0) fail('skiplist out of order');
    const value = list.get(Buffer.from(key)) ?? fail('skiplist lookup missed');
    if (keys.buffers[value] !== key) fail('skiplist value mismatch');
    previous = key;
    count++;
  }
  if (count !== SKIPLIST_VERIFY_KEYS || list.size !== count) fail(`skiplist holds ${count} entries`);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[sorted.length >> 1] as number;
}

const BASELINE = 'skiplist+Buffer.compare';
const CHOSEN = `btree-${DEFAULT_NODE_CAPACITY}`;

async function run(): Promise<BenchResult> {
  const random = seededRandom(SEED);
  const keys = makeKeys(random, 0);
  const sharedPrefixKeys = makeKeys(random, SHARED_PREFIX_BYTES);
  verify(keys);
  // Steadier figures under `node --expose-gc`: each run starts from a collected heap.
  const collect = (globalThis as { gc?: () => void }).gc ?? (() => {});
  const samples = new Map<string, Figures[]>();
  const measure = (name: string, time: (name: string) => Figures): void => {
    collect();
    const figures = time(name);
    samples.set(name, [...(samples.get(name) ?? []), figures]);
  };
  for (let round = 0; round < ROUNDS; round++) {
    // Alternate the order of the capacities so none always runs on the heap another left behind.
    const capacities = round % 2 === 0 ? NODE_CAPACITIES : NODE_CAPACITIES.toReversed();
    for (const capacity of capacities) {
      measure(`btree-${capacity}`, (n) => timeTree(n, capacity, keys.strings, keys.lookupStrings));
    }
    measure(`${CHOSEN}+latin1-decode`, (n) =>
      timeTreeDecoding(n, DEFAULT_NODE_CAPACITY, keys.buffers, keys.lookupBuffers),
    );
    measure(`${CHOSEN}/shared-${SHARED_PREFIX_BYTES}-byte-prefix`, (n) =>
      timeTree(n, DEFAULT_NODE_CAPACITY, sharedPrefixKeys.strings, sharedPrefixKeys.lookupStrings),
    );
  }
  measure(BASELINE, (n) => timeSkipList(n, BufferSkipList, keys.buffers, keys.lookupBuffers));
  measure('skiplist+latin1-string', (n) => timeSkipList(n, StringSkipList, keys.strings, keys.lookupStrings));
  const structures: Record<string, Figures> = {};
  for (const [name, runs] of samples) {
    structures[name] = {
      insertsPerSec: Math.round(median(runs.map((r) => r.insertsPerSec))),
      lookupsPerSec: Math.round(median(runs.map((r) => r.lookupsPerSec))),
    };
  }
  console.table(
    Object.entries(structures).map(([name, f]) => ({
      structure: name,
      'inserts/s': formatRate(f.insertsPerSec),
      'lookups/s': formatRate(f.lookupsPerSec),
    })),
  );
  const chosen = structures[CHOSEN] as Figures;
  const baseline = structures[BASELINE] as Figures;
  return makeResult({
    name: 'memtable-structures',
    metric: 'inserts/s',
    value: chosen.insertsPerSec,
    baseline: { name: 'skiplist keyed by Buffer, Buffer.compare', value: baseline.insertsPerSec },
    params: {
      keys: KEY_COUNT,
      keyBytes: KEY_BYTES,
      nodeCapacity: DEFAULT_NODE_CAPACITY,
      btreeRounds: ROUNDS,
      skiplistRounds: 1,
      seed: SEED,
    },
    details: { structures, lookupRatio: chosen.lookupsPerSec / baseline.lookupsPerSec },
  });
}

export const memtableStructuresBench: Bench = {
  name: 'memtable-structures',
  description: `B+tree over latin1 strings vs skiplist over Buffers: ${KEY_COUNT} random ${KEY_BYTES}-byte keys inserted, then looked up`,
  run,
};
