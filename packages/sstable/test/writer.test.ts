import {
  BinaryWriter,
  isRingtailError,
  liveCell,
  nodeFileSystem,
  type PartitionUpdate,
  partitionPosition,
  type Row,
  SimFileSystem,
  writePartitionBody,
  xxhash32,
  xxhash64,
} from '@ringtail/codec';
import { describe, expect, it } from 'vitest';
import {
  cleanupIncomplete,
  deleteSSTable,
  listSSTables,
  SSTableReader,
  SSTableWriter,
  sstableFileName,
} from '../src/index.js';
import {
  collect,
  firstDifference,
  randomPartitions,
  randomRow,
  seededRandom,
  TABLE_ID,
  useTempDirs,
  writeSSTable,
} from './helpers.js';
import { readLayout } from './layout.js';

const invalid = (e: unknown) => isRingtailError(e, 'RT_INVALID_ARGUMENT');

function bodyOf(update: PartitionUpdate): Uint8Array {
  const w = new BinaryWriter();
  writePartitionBody(w, update);
  return w.finish();
}

function partition(key: string, rows: Row[] = []): PartitionUpdate {
  return {
    tableId: TABLE_ID,
    key: new TextEncoder().encode(key),
    deletion: undefined,
    staticRow: undefined,
    rows,
    rangeTombstones: [],
  };
}

/** Partitions with the given keys, in (token, key) order. */
function sortedPartitions(keys: string[]): PartitionUpdate[] {
  return keys.map((k) => partition(k)).sort((a, b) => (partitionPosition(a.key) < partitionPosition(b.key) ? -1 : 1));
}

describe('SSTable writer', () => {
  const tempDir = useTempDirs();

  it('refuses keys out of (token, key) order, duplicates and other tables, and stays usable', async () => {
    const fs = new SimFileSystem();
    const [a, b, c] = sortedPartitions(['a', 'b', 'c']) as [PartitionUpdate, PartitionUpdate, PartitionUpdate];
    const writer = await SSTableWriter.create(fs, '/t', 1);
    await writer.append(b);
    await expect(writer.append(a)).rejects.toSatisfy(invalid);
    await expect(writer.append(b)).rejects.toSatisfy(invalid);
    await expect(writer.append({ ...c, tableId: 'another' })).rejects.toSatisfy(invalid);
    await expect(
      writer.append({ ...c, rows: [randomRow(seededRandom(1), 'y'), randomRow(seededRandom(1), 'x')] }),
    ).rejects.toSatisfy(invalid);
    const badCell = { ...liveCell('v', undefined, 1, new Uint8Array(1)), value: undefined, ttlSec: 5 };
    const badRow: Row = {
      clustering: 'x',
      liveness: undefined,
      deletion: undefined,
      cells: [badCell],
      complexDeletions: [],
    };
    await expect(writer.append({ ...c, rows: [badRow] })).rejects.toSatisfy(invalid);
    await writer.append(c);
    expect(writer.partitionCount).toBe(2);
    await writer.finish();
    const reader = await SSTableReader.open(fs, '/t', 1);
    expect(firstDifference(await collect(reader.scan()), [b, c])).toBeUndefined();
    await reader.close();
  });

  it('writes the same files from encoded partitions, or with positions given, as from the partitions alone', async () => {
    const fs = new SimFileSystem();
    const partitions = randomPartitions(seededRandom(5), 300).map((p) => p.update);
    await writeSSTable(fs, '/t', 1, partitions, { blockSizeBytes: 4096, summaryInterval: 16 });
    const writer = await SSTableWriter.create(fs, '/t', 2, { blockSizeBytes: 4096, summaryInterval: 16 });
    for (const p of partitions) await writer.appendEncoded(TABLE_ID, bodyOf(p));
    await writer.finish();
    // And given each partition's position, as a compaction gives it.
    const positioned = await SSTableWriter.create(fs, '/t', 3, { blockSizeBytes: 4096, summaryInterval: 16 });
    for (const p of partitions) await positioned.append(p, partitionPosition(p.key));
    await positioned.finish();
    for (const component of ['Data', 'Index', 'Summary', 'Filter', 'Statistics', 'TOC'] as const) {
      const one = await fs.readFile(`/t/${sstableFileName(1, component)}`);
      for (const other of [2, 3]) {
        const bytes = await fs.readFile(`/t/${sstableFileName(other, component)}`);
        expect(Buffer.from(bytes).equals(one), `${component} of ${other}`).toBe(true);
      }
    }
  });

  it('refuses malformed or out-of-order encoded partitions, writing nothing of them, and stays usable', async () => {
    const fs = new SimFileSystem();
    const [a, b, c] = sortedPartitions(['a', 'b', 'c']) as [PartitionUpdate, PartitionUpdate, PartitionUpdate];
    const writer = await SSTableWriter.create(fs, '/t', 1);
    await writer.appendEncoded(TABLE_ID, bodyOf(b));
    const body = bodyOf(a);
    for (const bad of [body.subarray(0, body.length - 1), Uint8Array.of(...body, 0), Uint8Array.of(200), body]) {
      await expect(writer.appendEncoded(TABLE_ID, bad)).rejects.toSatisfy(invalid);
    }
    await writer.appendEncoded(TABLE_ID, bodyOf(c));
    await writer.finish();
    const reader = await SSTableReader.open(fs, '/t', 1);
    expect(firstDifference(await collect(reader.scan()), [b, c])).toBeUndefined();
    await reader.close();
  });

  it('refuses an empty SSTable, an existing generation, bad options, and calls after finish', async () => {
    const fs = new SimFileSystem();
    const empty = await SSTableWriter.create(fs, '/t', 1);
    await expect(empty.finish()).rejects.toSatisfy(invalid);
    await empty.abort();
    expect(fs.listFiles()).toEqual([]);

    await writeSSTable(fs, '/t', 1, sortedPartitions(['x']));
    await expect(SSTableWriter.create(fs, '/t', 1)).rejects.toSatisfy((e) => isRingtailError(e, 'RT_ALREADY_EXISTS'));
    for (const options of [
      { blockSizeBytes: 10 },
      { summaryInterval: 0 },
      { bloomFpChance: 1 },
      { bloomFpChance: 0 },
    ]) {
      await expect(SSTableWriter.create(fs, '/t', 2, options)).rejects.toSatisfy(invalid);
    }
    await expect(SSTableWriter.create(fs, '/t', 0)).rejects.toSatisfy(invalid);

    const writer = await SSTableWriter.create(fs, '/t', 2);
    const [p] = sortedPartitions(['y']);
    const pending = writer.append(p!);
    await expect(writer.append(p!)).rejects.toSatisfy(invalid);
    await pending;
    await writer.finish();
    await expect(writer.append(p!)).rejects.toSatisfy((e) => isRingtailError(e, 'RT_CLOSED'));
    await expect(writer.abort()).rejects.toSatisfy(invalid);
    expect(await listSSTables(fs, '/t')).toEqual([1, 2]);
  });

  it('writes a partition far larger than a block across many blocks, and reads it back', async () => {
    const fs = new SimFileSystem();
    const random = seededRandom(9);
    const rows: Row[] = [];
    for (let i = 0; i < 2000; i++) rows.push(randomRow(random, String.fromCharCode(0x40, i >> 8, i & 0xff)));
    const [small1, small2] = sortedPartitions(['s1', 's2']);
    const big = { ...partition('big'), rows };
    const all = [small1!, small2!, big].sort((a, b) => (partitionPosition(a.key) < partitionPosition(b.key) ? -1 : 1));
    await writeSSTable(fs, '/t', 1, all, { blockSizeBytes: 4096 });
    const layout = readLayout(await fs.readFile('/t/rt-1-Data.db'), await fs.readFile('/t/rt-1-Index.db'));
    const bigExtent = layout.partitions.find((p) => p.position === partitionPosition(big.key))!;
    expect(bigExtent.dataBlocks.length).toBeGreaterThan(20);
    const reader = await SSTableReader.open(fs, '/t', 1);
    expect(firstDifference(await reader.get(big.key), big)).toBeUndefined();
    expect(firstDifference(await collect(reader.scan()), all)).toBeUndefined();
    await reader.verify();
    await reader.close();
    await expect(reader.get(big.key)).rejects.toSatisfy((e) => isRingtailError(e, 'RT_CLOSED'));
  });

  it('lays files out as docs/formats/sstable.md says', async () => {
    const directory = await tempDir();
    const fs = nodeFileSystem();
    const updates = randomPartitions(seededRandom(3), 300).map((p) => p.update);
    const info = await writeSSTable(fs, directory, 12, updates, { blockSizeBytes: 2048, summaryInterval: 10 });
    const file = (c: Parameters<typeof sstableFileName>[1]) => fs.readFile(`${directory}/${sstableFileName(12, c)}`);
    const view = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, b.byteLength);

    const data = await file('Data');
    expect(view(data).getUint32(0)).toBe(0x52545344);
    expect(view(data).getUint16(4)).toBe(1);
    expect(view(data).getUint32(8)).toBe(2048);
    expect(view(data).getUint32(12)).toBe(xxhash32(data.subarray(0, 12)));
    const index = await file('Index');
    expect(view(index).getUint32(0)).toBe(0x52545349);
    expect(view(index).getUint32(8)).toBe(xxhash32(index.subarray(0, 8)));
    const layout = readLayout(data, index);
    expect(layout.indexBlocks.length).toBe(30);
    for (const block of layout.dataBlocks) expect(block.end - block.start - 12).toBeLessThanOrEqual(2048);
    expect(layout.partitions.map((p) => p.position)).toEqual(updates.map((u) => partitionPosition(u.key)));

    for (const [c, magic] of [
      ['Summary', 0x52545353],
      ['Filter', 0x52545346],
      ['Statistics', 0x52545354],
    ] as const) {
      const bytes = await file(c);
      expect(view(bytes).getUint32(0)).toBe(magic);
      expect(view(bytes).getUint32(bytes.length - 4)).toBe(xxhash32(bytes.subarray(0, bytes.length - 4)));
    }
    const stats = await file('Statistics');
    expect(Number(view(stats).getBigUint64(40))).toBe(300);

    const toc = new TextDecoder().decode(await file('TOC'));
    const lines = toc.split('\n');
    expect(lines[0]).toBe('ringtail-sstable-toc 1');
    expect(lines[1]).toBe(`Data.db ${data.length} ${xxhash64(data).toString(16).padStart(16, '0')}`);
    const body = new TextEncoder().encode(`${lines.slice(0, 6).join('\n')}\n`);
    expect(lines[6]).toBe(`xxhash64 ${xxhash64(body).toString(16).padStart(16, '0')}`);
    expect(lines[7]).toBe('');
    expect(info.sizeBytes).toBe(info.components.reduce((s, c) => s + c.sizeBytes, toc.length));
  });
});

describe('SSTable directory', () => {
  it('lists generations with a TOC, cleans up the rest, and deletes TOC first', async () => {
    const fs = new SimFileSystem();
    const updates = sortedPartitions(['k1', 'k2', 'k3']);
    await writeSSTable(fs, '/t', 3, updates);
    await writeSSTable(fs, '/t', 10, updates);
    const orphan = await SSTableWriter.create(fs, '/t', 11);
    await orphan.append(updates[0]!);
    const leftovers = ['rt-12-Data.db', 'rt-12-Index.db', 'tmp-rt-13-TOC.txt', 'notes.txt', 'rt-x-Data.db'];
    for (const name of leftovers) await (await fs.open(`/t/${name}`, 'wx')).close();
    expect(await listSSTables(fs, '/t')).toEqual([3, 10]);
    expect(await cleanupIncomplete(fs, '/t')).toEqual([
      'rt-12-Data.db',
      'rt-12-Index.db',
      'tmp-rt-11-Data.db',
      'tmp-rt-11-Index.db',
      'tmp-rt-13-TOC.txt',
    ]);
    expect(await cleanupIncomplete(fs, '/t')).toEqual([]);
    await deleteSSTable(fs, '/t', 3);
    expect(await listSSTables(fs, '/t')).toEqual([10]);
    expect(fs.listFiles().filter((f) => f.includes('rt-3-'))).toEqual([]);
    await expect(SSTableReader.open(fs, '/t', 3)).rejects.toSatisfy((e) => isRingtailError(e, 'RT_NOT_FOUND'));
    expect(fs.listFiles()).toContain('/t/notes.txt');
  });
});
