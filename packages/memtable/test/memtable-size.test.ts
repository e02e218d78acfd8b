/**
 * sizeBytes against the memory a memtable really holds: the growth of
 * `heapUsed + arrayBuffers` (values' bytes live outside the heap) between two
 * forced collections, around filling a memtable with one shape of data. The
 * collector is reached without `node --expose-gc`: the flag is set at run
 * time and `gc` taken from a fresh context, which V8 then equips with it.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  type Cell,
  expiringCell,
  initChecksums,
  liveCell,
  NO_DELETION_TIME,
  type PartitionUpdate,
  type Row,
  seededRandom,
} from '@ringtail/codec';
import { beforeAll, describe, expect, it } from 'vitest';
import { Memtable } from '../src/index.js';

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const TABLE = 'size-test';
const NOW = 1_700_000_000;
const TS = NOW * 1_000_000;
const TOLERANCE = 0.3;

beforeAll(() => initChecksums());

function heldBytes(): number {
  gc();
  gc();
  const usage = process.memoryUsage();
  return usage.heapUsed + usage.arrayBuffers;
}

const random = seededRandom(42);

function row(clustering: string, cells: Cell[], insert = false): Row {
  const liveness = insert ? { timestampMicros: TS, ttlSec: 0, localExpirationTimeSec: NO_DELETION_TIME } : undefined;
  return { clustering, liveness, deletion: undefined, cells, complexDeletions: [] };
}

function update(key: Uint8Array, rows: Row[]): PartitionUpdate {
  return { tableId: TABLE, key, deletion: undefined, staticRow: undefined, rows, rangeTombstones: [] };
}

/** Builds a fresh update for write `i`, so that only the memtable keeps what it holds. */
type Shape = (i: number) => PartitionUpdate;

const clusteringOf = (i: number) => `\x40${String.fromCharCode((i >>> 16) & 0xff, (i >>> 8) & 0xff, i & 0xff)}`;
const WIDE_KEY = Uint8Array.of(1, 2, 3);
const OVERWRITTEN_KEYS = Array.from({ length: 10_000 }, () => random.bytes(16));

const shapes: Array<[string, number, Shape]> = [
  [
    'a partition per write, one cell of 100 bytes',
    200_000,
    () => update(random.bytes(16), [row('', [liveCell('value', undefined, TS, random.bytes(100))])]),
  ],
  [
    'inserts: five small columns with liveness, some expiring',
    20_000,
    (i) =>
      update(random.bytes(8), [
        row(
          clusteringOf(i),
          ['a', 'b', 'c', 'd', 'e'].map((c, j) =>
            j === 4
              ? expiringCell(c, undefined, TS, random.bytes(8), 3600, NOW)
              : liveCell(c, undefined, TS, random.bytes(j * 4)),
          ),
          true,
        ),
      ]),
  ],
  [
    'one wide partition, a row per write',
    50_000,
    (i) =>
      update(WIDE_KEY, [row(clusteringOf((i * 7919) % 50_000), [liveCell('v', undefined, TS + i, random.bytes(20))])]),
  ],
  [
    'ten overwrites of each row',
    100_000,
    (i) => update(OVERWRITTEN_KEYS[i % 10_000]!, [row('', [liveCell('v', undefined, TS + i, random.bytes(30))])]),
  ],
  [
    'collection elements',
    10_000,
    () =>
      update(random.bytes(16), [
        {
          ...row(
            '',
            Array.from({ length: 8 }, (_, j) => liveCell('tags', String.fromCharCode(0x40, j), TS, random.bytes(6))),
          ),
          complexDeletions: [
            { column: 'tags', deletion: { markedForDeleteAtMicros: TS - 1, localDeletionTimeSec: NOW } },
          ],
        },
      ]),
  ],
];

describe('Memtable sizeBytes', () => {
  it.each(shapes)('is within 30 percent of the memory held: %s', (_shape, writes, make) => {
    const before = heldBytes();
    const memtable = new Memtable({ tableId: TABLE });
    let returned = memtable.sizeBytes;
    for (let i = 0; i < writes; i++) returned += memtable.apply(make(i));
    const measured = heldBytes() - before;
    expect(memtable.sizeBytes).toBe(returned);
    memtable.assertInvariants();
    const ratio = memtable.sizeBytes / measured;
    expect(ratio, `estimated ${memtable.sizeBytes} B, measured ${measured} B`).toBeGreaterThan(1 - TOLERANCE);
    expect(ratio, `estimated ${memtable.sizeBytes} B, measured ${measured} B`).toBeLessThan(1 + TOLERANCE);
  });
});
