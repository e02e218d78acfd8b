import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  initChecksums,
  nodeFileSystem,
  type Random,
  type Runtime,
  seededRandom,
  systemRuntime,
  xxhash32,
} from '@ringtail/codec';
import { afterEach, beforeAll } from 'vitest';
import type { CommitLog, ReplayedRecord } from '../src/index.js';

/** Registers checksum initialisation and temp-dir cleanup for a test file; returns a temp-dir factory. */
export function useTempDirs(): () => Promise<string> {
  const dirs: string[] = [];
  beforeAll(() => initChecksums());
  afterEach(async () => {
    for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
  });
  return async () => {
    const dir = await mkdtemp(join(tmpdir(), 'ringtail-commitlog-'));
    dirs.push(dir);
    return dir;
  };
}

export function realRuntime(): Runtime {
  return systemRuntime(nodeFileSystem());
}

/** A seed from RINGTAIL_SEED or a fresh one; printed so a failure can be replayed. */
export function testSeed(label: string): number {
  const fromEnv = process.env.RINGTAIL_SEED;
  const seed = fromEnv === undefined ? (Math.random() * 2 ** 32) >>> 0 : Number(fromEnv);
  console.log(`[${label}] seed ${seed} (rerun with RINGTAIL_SEED=${seed})`);
  return seed;
}

/**
 * A payload size in [0, maxBytes], log-uniform so that small records are
 * common and the largest still appear.
 */
export function randomSize(random: Random, maxBytes: number): number {
  if (random.int(20) === 0) return random.int(2) === 0 ? 0 : maxBytes;
  return Math.min(maxBytes, Math.floor(Math.exp(random.next() * Math.log(maxBytes + 1))) - 1);
}

/** What a test remembers about a payload: enough to recognise it, not the bytes. */
export interface PayloadDigest {
  length: number;
  hash: number;
}

export function digest(payload: Uint8Array): PayloadDigest {
  return { length: payload.length, hash: xxhash32(payload) };
}

/** Replays the whole log, digesting each record. */
export async function replayDigests(
  log: CommitLog,
  from?: Parameters<CommitLog['replay']>[0],
): Promise<Array<PayloadDigest & Pick<ReplayedRecord, 'segmentId' | 'offset' | 'position'>>> {
  const out: Array<PayloadDigest & Pick<ReplayedRecord, 'segmentId' | 'offset' | 'position'>> = [];
  for await (const r of log.replay(from)) {
    out.push({ ...digest(r.payload), segmentId: r.segmentId, offset: r.offset, position: r.position });
  }
  return out;
}

export { seededRandom };
