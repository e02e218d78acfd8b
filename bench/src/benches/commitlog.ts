/**
 * Commit-log append throughput through the public API, per sync mode, against
 * a raw ceiling measured in the same run: the same 116-byte records copied into
 * a 1 MiB buffer, written with writeSync, fdatasync every 10 ms — the least
 * work any durable log must do. `ratio` = group mode / raw ceiling.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, fdatasyncSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initChecksums, nodeFileSystem, seededRandom, systemRuntime } from '@ringtail/codec';
import { CommitLog, type SyncMode } from '@ringtail/commitlog';
import { type Bench, makeResult } from '../result.js';

const RECORD_BYTES = 116;
const DURATION_MS = Number(process.env.BENCH_DURATION_MS ?? 3000);
/** Appends made in one event-loop turn, and turns allowed in flight: a busy node's many writers. */
const APPENDS_PER_TURN = 1000;
const TURNS_IN_FLIGHT = 64;

function payloads(): Uint8Array[] {
  const random = seededRandom(116);
  return Array.from({ length: 1024 }, () => random.bytes(RECORD_BYTES));
}

/** The ceiling: buffered writeSync of whole MiBs, fdatasync every 10 ms. */
function rawCeiling(directory: string, records: Uint8Array[]): number {
  const fd = openSync(join(directory, 'raw.log'), 'w');
  const buffer = new Uint8Array(1024 * 1024);
  let used = 0;
  let count = 0;
  const start = performance.now();
  let lastSync = start;
  let now = start;
  while (now - start < DURATION_MS) {
    for (let i = 0; i < APPENDS_PER_TURN; i++) {
      if (used + RECORD_BYTES > buffer.length) {
        writeSync(fd, buffer, 0, used);
        used = 0;
      }
      buffer.set(records[count & 1023]!, used);
      used += RECORD_BYTES;
      count++;
    }
    now = performance.now();
    if (now - lastSync >= 10) {
      writeSync(fd, buffer, 0, used);
      used = 0;
      fdatasyncSync(fd);
      lastSync = now;
    }
  }
  writeSync(fd, buffer, 0, used);
  fdatasyncSync(fd);
  const elapsedMs = performance.now() - start;
  closeSync(fd);
  return (count / elapsedMs) * 1000;
}

async function throughput(directory: string, syncMode: SyncMode, records: Uint8Array[]): Promise<number> {
  const log = await CommitLog.open({ runtime: systemRuntime(nodeFileSystem()), directory, syncMode });
  const inFlight: Array<PromiseLike<unknown>> = [];
  let count = 0;
  const start = performance.now();
  while (performance.now() - start < DURATION_MS) {
    let last: PromiseLike<unknown> | undefined;
    for (let i = 0; i < APPENDS_PER_TURN; i++) last = log.append(records[(count + i) & 1023]!);
    count += APPENDS_PER_TURN;
    inFlight.push(last!);
    if (inFlight.length >= TURNS_IN_FLIGHT) await inFlight.shift();
    else await new Promise((resolve) => setImmediate(resolve));
  }
  await Promise.all(inFlight);
  const elapsedMs = performance.now() - start;
  await log.close();
  return (count / elapsedMs) * 1000;
}

/** Before timing: what the benchmark appends must replay intact. */
async function verify(directory: string, records: Uint8Array[]): Promise<void> {
  const runtime = systemRuntime(nodeFileSystem());
  const log = await CommitLog.open({ runtime, directory, syncMode: 'group' });
  await Promise.all(records.map((r) => log.append(r)));
  await log.close();
  const reopened = await CommitLog.open({ runtime, directory });
  let i = 0;
  for await (const record of reopened.replay()) {
    if (!Buffer.from(record.payload).equals(Buffer.from(records[i]!))) throw new Error(`record ${i} replayed wrong`);
    i++;
  }
  await reopened.close();
  if (i !== records.length) throw new Error(`replayed ${i} of ${records.length} records`);
}

export const commitlogBench: Bench = {
  name: 'commitlog',
  description: '116-byte appends/s per sync mode vs buffered writeSync + fdatasync every 10 ms',
  async run() {
    await initChecksums();
    const root = mkdtempSync(join(tmpdir(), 'ringtail-bench-commitlog-'));
    try {
      const records = payloads();
      await verify(join(root, 'verify'), records);
      // Each phase starts with no dirty pages left by the one before (the page
      // cache's write-back would slow whoever runs next), and the ceiling is
      // measured before and after the log, so drift hurts neither side.
      const settle = (dir: string) => {
        rmSync(dir, { recursive: true, force: true });
        execFileSync('sync');
      };
      const rawRuns: number[] = [];
      const perMode: Record<string, number> = {};
      settle(join(root, 'raw'));
      rawRuns.push(rawCeiling(root, records));
      for (const mode of ['periodic', 'group', 'batch'] as const) {
        settle(join(root, 'raw.log'));
        perMode[mode] = await throughput(join(root, mode), mode, records);
        settle(join(root, mode));
      }
      rawRuns.push(rawCeiling(root, records));
      const raw = (rawRuns[0]! + rawRuns[1]!) / 2;
      const group = perMode.group!;
      return makeResult({
        name: 'commitlog',
        metric: 'appends/s',
        value: group,
        baseline: { name: 'raw buffered append + fdatasync/10ms', value: raw },
        params: { recordBytes: RECORD_BYTES, mode: 'group', durationMs: DURATION_MS, appendsPerTurn: APPENDS_PER_TURN },
        details: {
          rawCeilingRuns: rawRuns,
          appendsPerSecond: perMode,
          ratioPerMode: Object.fromEntries(Object.entries(perMode).map(([m, v]) => [m, v / raw])),
        },
      });
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  },
};
