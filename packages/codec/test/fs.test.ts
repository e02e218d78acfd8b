import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ErrorCodes, isRingtailError } from '../src/errors.js';
import { nodeFileSystem } from '../src/runtime/node-fs.js';
import { SimFileSystem } from '../src/runtime/sim-fs.js';
import { fsConformanceSuite } from './fs-conformance.js';

async function tempDir(): Promise<string> {
  return mkdtemp(join(tmpdir(), 'ringtail-fs-'));
}

fsConformanceSuite('nodeFileSystem', async () => {
  const root = await tempDir();
  return { fs: nodeFileSystem(), root, cleanup: () => rm(root, { recursive: true, force: true }) };
});

fsConformanceSuite('nodeFileSystem (blocking)', async () => {
  const root = await tempDir();
  return {
    fs: nodeFileSystem({ blocking: true }),
    root,
    cleanup: () => rm(root, { recursive: true, force: true }),
  };
});

fsConformanceSuite('SimFileSystem (absolute paths)', async () => {
  const fs = new SimFileSystem();
  await fs.mkdir('/data/node1');
  return { fs, root: '/data/node1', cleanup: async () => undefined };
});

fsConformanceSuite('SimFileSystem (relative paths)', async () => {
  const fs = new SimFileSystem();
  await fs.mkdir('data');
  return { fs, root: 'data', cleanup: async () => undefined };
});

describe('nodeFileSystem lock across processes', () => {
  let root: string;
  let child: ChildProcess | undefined;

  beforeEach(async () => {
    root = await tempDir();
  });
  afterEach(async () => {
    if (child?.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await once(child, 'exit');
    }
    await rm(root, { recursive: true, force: true });
  });

  /** A live process other than this one, standing in for another Ringtail holding the lock. */
  async function startHolder(): Promise<ChildProcess & { pid: number }> {
    const holder = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60_000)'], { stdio: 'ignore' });
    await once(holder, 'spawn');
    child = holder;
    return holder as ChildProcess & { pid: number };
  }

  it('refuses a lock file naming a live process, then takes it over once that process is dead', async () => {
    const lockPath = join(root, 'LOCK');
    const holder = await startHolder();
    await writeFile(lockPath, `${holder.pid}\n`);
    const fs = nodeFileSystem();

    const refused = await fs.lock(lockPath).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isRingtailError(refused, ErrorCodes.LOCKED)).toBe(true);
    expect((refused as Error).message).toContain(lockPath);
    expect((refused as Error).message).toContain(String(holder.pid));

    holder.kill('SIGKILL');
    await once(holder, 'exit');
    const lock = await fs.lock(lockPath);
    expect((await readFile(lockPath, 'utf8')).trim()).toBe(String(process.pid));
    await lock.release();
    expect(await fs.stat(lockPath)).toBeUndefined();
  });

  it.each([
    ['empty', ''],
    ['garbage', 'not a pid\n'],
    ['a process group', '0\n'],
    ['this very process, left by an earlier one with the same pid', `${process.pid}\n`],
  ])('takes over a stale lock file holding %s', async (_what, content) => {
    const lockPath = join(root, 'LOCK');
    await writeFile(lockPath, content);
    const lock = await nodeFileSystem().lock(lockPath);
    expect((await readFile(lockPath, 'utf8')).trim()).toBe(String(process.pid));
    await lock.release();
  });

  it('excludes a second instance in the same process', async () => {
    const lockPath = join(root, 'LOCK');
    const lock = await nodeFileSystem().lock(lockPath);
    const [first, second] = await Promise.allSettled([
      nodeFileSystem().lock(lockPath),
      nodeFileSystem().lock(lockPath),
    ]);
    for (const outcome of [first, second]) {
      expect(outcome.status).toBe('rejected');
      expect(isRingtailError((outcome as PromiseRejectedResult).reason, ErrorCodes.LOCKED)).toBe(true);
    }
    await lock.release();
  });

  it('lets exactly one of two concurrent lockers in this process win', async () => {
    const lockPath = join(root, 'LOCK');
    const fs = nodeFileSystem();
    const outcomes = await Promise.allSettled([fs.lock(lockPath), fs.lock(lockPath)]);
    const won = outcomes.filter((o) => o.status === 'fulfilled');
    expect(won).toHaveLength(1);
    await (won[0] as PromiseFulfilledResult<{ release(): Promise<void> }>).value.release();
  });
});
