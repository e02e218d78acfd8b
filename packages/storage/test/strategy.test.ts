/**
 * Table-driven tests of the compaction strategies: the cases live in
 * testdata/size-tiered.txt and testdata/time-window.txt (see their headers).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { type CompactionOptions, resolveCompactionOptions } from '../src/compaction/options.js';
import { estimatePendingCompactions, type SSTableDescriptor, selectCompaction } from '../src/compaction/strategy.js';

interface Case {
  readonly line: number;
  readonly title: string;
  readonly command: string;
  readonly input: string[];
  readonly expected: string[];
}

/** Splits a testdata file into cases: comment lines, a command, input lines, `----`, expected lines, a blank line. */
function parseCases(path: string): Case[] {
  const lines = readFileSync(path, 'utf8').split('\n');
  const cases: Case[] = [];
  let title = '';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === '') continue;
    if (line.startsWith('#')) {
      title = line.slice(1).trim();
      continue;
    }
    const start = i;
    const input: string[] = [];
    while (lines[++i]!.trim() !== '----') input.push(lines[i]!.trim());
    const expected: string[] = [];
    while (i + 1 < lines.length && lines[i + 1]!.trim() !== '') expected.push(lines[++i]!.trim());
    cases.push({ line: start + 1, title, command: line, input, expected });
  }
  return cases;
}

const SIZE_UNITS: Record<string, number> = { '': 1, KiB: 1024, MiB: 1024 ** 2, GiB: 1024 ** 3 };
const TIME_UNITS_SEC: Record<string, number> = { d: 86_400, h: 3600, m: 60, s: 1 };

function parseSize(text: string): number {
  const match = /^(\d+)(KiB|MiB|GiB)?$/.exec(text);
  if (match === null) throw new Error(`bad size ${text}`);
  return Number(match[1]) * SIZE_UNITS[match[2] ?? '']!;
}

/** `2d3h10m` → microseconds since the epoch. */
function parseTimeMicros(text: string): number {
  let seconds = 0;
  const rest = text.replace(/(\d+)([dhms])/g, (_, n: string, unit: string) => {
    seconds += Number(n) * TIME_UNITS_SEC[unit]!;
    return '';
  });
  if (rest !== '' || text === '') throw new Error(`bad time ${text}`);
  return seconds * 1_000_000;
}

function run(c: Case): string[] {
  const [kind, ...settings] = c.command.split(/\s+/);
  const fields: Record<string, string> = {};
  for (const s of settings) {
    const [name, value] = s.split('=');
    fields[name!] = value!;
  }
  const nowMicros = fields.now === undefined ? 0 : parseTimeMicros(fields.now);
  delete fields.now;
  const typed: Record<string, string | number> = {};
  for (const [name, value] of Object.entries(fields)) typed[name] = Number.isNaN(Number(value)) ? value : Number(value);
  const options = {
    class: kind === 'stcs' ? 'SizeTieredCompactionStrategy' : 'TimeWindowCompactionStrategy',
    ...typed,
  } as CompactionOptions;
  const sstables: SSTableDescriptor[] = c.input.map((line) => {
    const [generation, size, maxTimestamp] = line.split(/\s+/);
    const maxTimestampMicros = maxTimestamp === undefined ? 0 : parseTimeMicros(maxTimestamp);
    return {
      generation: Number(generation),
      sizeBytes: parseSize(size!),
      stats: { minTimestampMicros: maxTimestampMicros - 1, maxTimestampMicros },
    };
  });
  const resolved = resolveCompactionOptions(options);
  const selected = selectCompaction(resolved, sstables, nowMicros)
    .map((s) => s.generation)
    .sort((a, b) => a - b);
  return [
    `select: ${selected.length === 0 ? 'none' : selected.join(' ')}`,
    `pending: ${estimatePendingCompactions(resolved, sstables, nowMicros)}`,
  ];
}

for (const file of ['size-tiered.txt', 'time-window.txt']) {
  describe(`compaction strategy cases in testdata/${file}`, () => {
    const cases = parseCases(join(import.meta.dirname, 'testdata', file));
    it('has cases', () => expect(cases.length).toBeGreaterThan(5));
    for (const c of cases) {
      it(`line ${c.line}: ${c.title}`, () => expect(run(c)).toEqual(c.expected));
    }
  });
}

describe('compaction options', () => {
  it.each([
    [{ class: 'SizeTieredCompactionStrategy', minThreshold: 1 }, /minThreshold/],
    [{ class: 'SizeTieredCompactionStrategy', minThreshold: 8, maxThreshold: 4 }, /maxThreshold/],
    [{ class: 'SizeTieredCompactionStrategy', bucketLow: 1.2 }, /bucketLow/],
    [{ class: 'SizeTieredCompactionStrategy', bucketHigh: 0.9 }, /bucketHigh/],
    [{ class: 'SizeTieredCompactionStrategy', minSSTableSizeBytes: -1 }, /minSSTableSizeBytes/],
    [{ class: 'TimeWindowCompactionStrategy', windowUnit: 'WEEKS' }, /windowUnit/],
    [{ class: 'TimeWindowCompactionStrategy', windowSize: 0 }, /windowSize/],
    [{ class: 'TimeWindowCompactionStrategy', windowSize: 1e9 }, /too long/],
    [{ class: 'LeveledCompactionStrategy' }, /unknown class/],
  ])('refuses %j', (options, message) => {
    expect(() => resolveCompactionOptions(options as CompactionOptions)).toThrow(message);
  });

  it('defaults to size-tiered with Cassandra’s settings', () => {
    expect(resolveCompactionOptions(undefined)).toEqual({
      class: 'SizeTieredCompactionStrategy',
      enabled: true,
      minThreshold: 4,
      maxThreshold: 32,
      bucketLow: 0.5,
      bucketHigh: 1.5,
      minSSTableSizeBytes: 50 * 1024 * 1024,
    });
    const twcs = resolveCompactionOptions({ class: 'TimeWindowCompactionStrategy', minThreshold: 2 });
    expect(twcs).toMatchObject({ windowSizeMicros: 86_400_000_000, minThreshold: 2, maxThreshold: 32 });
  });
});
