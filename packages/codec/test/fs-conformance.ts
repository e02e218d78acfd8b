/**
 * One behaviour suite for every FileSystem implementation (real and simulated),
 * so code tested against SimFileSystem meets the same contract on disk.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type ErrorCode, ErrorCodes, RingtailError } from '../src/errors.js';
import { type FileSystem, joinPath } from '../src/runtime/fs.js';

export interface FsUnderTest {
  fs: FileSystem;
  /** An existing, empty directory the suite may fill. */
  root: string;
  cleanup(): Promise<void>;
}

const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);
const text = (s: string): Uint8Array => new TextEncoder().encode(s);

/** Awaits `run` and returns the RingtailError it fails with, after checking its code. */
async function failure(run: () => Promise<unknown>, code: ErrorCode): Promise<RingtailError> {
  const error = await run().then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RingtailError);
  expect((error as RingtailError).code).toBe(code);
  return error as RingtailError;
}

function failureSync(run: () => unknown, code: ErrorCode): RingtailError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(RingtailError);
    expect((error as RingtailError).code).toBe(code);
    return error as RingtailError;
  }
  throw new Error(`expected ${code}, but the call succeeded`);
}

export function fsConformanceSuite(name: string, makeFs: () => Promise<FsUnderTest>): void {
  describe(`FileSystem conformance: ${name}`, () => {
    let subject: FsUnderTest;
    let fs: FileSystem;
    const at = (...parts: string[]): string => joinPath(subject.root, ...parts);

    beforeEach(async () => {
      subject = await makeFs();
      fs = subject.fs;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    describe('open', () => {
      it("'wx' creates a readable and writable file and refuses an existing one", async () => {
        const file = await fs.open(at('a'), 'wx');
        expect(file.path).toBe(at('a'));
        await file.write(text('hi'), 0);
        const back = new Uint8Array(2);
        expect(await file.read(back, 0, 2, 0)).toBe(2);
        expect(back).toEqual(text('hi'));
        await file.close();
        const error = await failure(() => fs.open(at('a'), 'wx'), ErrorCodes.ALREADY_EXISTS);
        expect(error.message).toContain(at('a'));
        expect((error.cause as { code?: string }).code).toBe('EEXIST');
      });

      it("'r' and 'r+' need the file; 'r+' keeps its content", async () => {
        const error = await failure(() => fs.open(at('missing'), 'r'), ErrorCodes.NOT_FOUND);
        expect(error.message).toContain(at('missing'));
        expect((error.cause as { code?: string }).code).toBe('ENOENT');
        await failure(() => fs.open(at('missing'), 'r+'), ErrorCodes.NOT_FOUND);
        const file = await fs.open(at('f'), 'wx');
        await file.write(text('abc'), 0);
        await file.close();
        const again = await fs.open(at('f'), 'r+');
        await again.write(text('X'), 1);
        await again.close();
        expect(await fs.readFile(at('f'))).toEqual(text('aXc'));
      });

      it("'w+' creates a file or truncates an existing one", async () => {
        const created = await fs.open(at('f'), 'w+');
        await created.write(text('hello'), 0);
        await created.close();
        const reopened = await fs.open(at('f'), 'w+');
        expect(await reopened.size()).toBe(0);
        await reopened.close();
        expect(await fs.readFile(at('f'))).toEqual(new Uint8Array(0));
      });

      it('needs the parent directory to exist', async () => {
        await failure(() => fs.open(at('no-dir', 'f'), 'wx'), ErrorCodes.NOT_FOUND);
        await failure(() => fs.open(at('no-dir', 'f'), 'w+'), ErrorCodes.NOT_FOUND);
      });

      it("refuses writes through an 'r' handle with IO", async () => {
        await (await fs.open(at('f'), 'wx')).close();
        const file = await fs.open(at('f'), 'r');
        await failure(() => file.write(text('x'), 0), ErrorCodes.IO);
        await file.close();
      });

      it('rejects an unknown mode and bad positions with INVALID_ARGUMENT', async () => {
        await failure(() => fs.open(at('f'), 'a' as never), ErrorCodes.INVALID_ARGUMENT);
        const file = await fs.open(at('f'), 'wx');
        await failure(() => file.write(text('x'), -1), ErrorCodes.INVALID_ARGUMENT);
        await failure(() => file.read(new Uint8Array(2), 1, 2, 0), ErrorCodes.INVALID_ARGUMENT);
        await file.close();
      });
    });

    describe('file handles', () => {
      it('extends the file on a write past the end, filling the hole with zeros', async () => {
        const file = await fs.open(at('f'), 'wx');
        await file.write(bytes(1, 2), 0);
        await file.write(bytes(9), 5);
        expect(await file.size()).toBe(6);
        await file.close();
        expect(await fs.readFile(at('f'))).toEqual(bytes(1, 2, 0, 0, 0, 9));
      });

      it('reads at and past the end return what is there, then 0', async () => {
        const file = await fs.open(at('f'), 'wx');
        await file.write(text('abcd'), 0);
        const buffer = new Uint8Array(8).fill(0xee);
        expect(await file.read(buffer, 2, 4, 2)).toBe(2);
        expect(buffer).toEqual(bytes(0xee, 0xee, 0x63, 0x64, 0xee, 0xee, 0xee, 0xee));
        expect(await file.read(buffer, 0, 4, 4)).toBe(0);
        expect(await file.read(buffer, 0, 4, 100)).toBe(0);
        expect(await file.read(buffer, 0, 0, 0)).toBe(0);
        await file.close();
      });

      it('writeSync and readSync see the same bytes as their async twins', async () => {
        const file = await fs.open(at('f'), 'wx');
        file.writeSync(text('sync'), 0);
        await file.write(text('ASYNC'), 4);
        file.writeSync(bytes(7), 12);
        const buffer = new Uint8Array(13);
        expect(file.readSync(buffer, 0, 13, 0)).toBe(13);
        expect(buffer).toEqual(Uint8Array.from([...text('syncASYNC'), 0, 0, 0, 7]));
        expect(file.readSync(buffer, 0, 4, 13)).toBe(0);
        await file.close();
      });

      it('truncate shrinks, and growing again exposes zeros, not the old bytes', async () => {
        const file = await fs.open(at('f'), 'wx');
        await file.write(text('abcdef'), 0);
        await file.truncate(2);
        expect(await file.size()).toBe(2);
        await file.truncate(4);
        await file.close();
        expect(await fs.readFile(at('f'))).toEqual(bytes(0x61, 0x62, 0, 0));
      });

      it('datasync and sync succeed and keep the content', async () => {
        const file = await fs.open(at('f'), 'wx');
        await file.write(text('durable'), 0);
        await file.datasync();
        await file.write(text('!'), 7);
        await file.sync();
        await file.close();
        expect(await fs.readFile(at('f'))).toEqual(text('durable!'));
      });

      it('fail with CLOSED after close, and close is idempotent', async () => {
        const file = await fs.open(at('f'), 'wx');
        await file.close();
        await file.close();
        const buffer = new Uint8Array(1);
        await failure(() => file.write(bytes(1), 0), ErrorCodes.CLOSED);
        await failure(() => file.read(buffer, 0, 1, 0), ErrorCodes.CLOSED);
        await failure(() => file.size(), ErrorCodes.CLOSED);
        await failure(() => file.truncate(0), ErrorCodes.CLOSED);
        await failure(() => file.datasync(), ErrorCodes.CLOSED);
        await failure(() => file.sync(), ErrorCodes.CLOSED);
        failureSync(() => file.writeSync(bytes(1), 0), ErrorCodes.CLOSED);
        failureSync(() => file.readSync(buffer, 0, 1, 0), ErrorCodes.CLOSED);
      });

      it('finish the reads and writes in flight when closed, each with its bytes', async () => {
        const file = await fs.open(at('f'), 'wx');
        const block = (i: number) => new Uint8Array(4096).fill(i);
        await Promise.all(Array.from({ length: 32 }, (_, i) => file.write(block(i), i * 4096)));
        const buffers = Array.from({ length: 32 }, () => new Uint8Array(4096));
        const reads = buffers.map((buffer, i) => file.read(buffer, 0, 4096, i * 4096));
        const writes = Array.from({ length: 8 }, (_, i) => file.write(block(100 + i), (32 + i) * 4096));
        await file.close();
        expect(await Promise.all(reads)).toEqual(buffers.map(() => 4096));
        await Promise.all(writes);
        for (const [i, buffer] of buffers.entries()) expect(buffer).toEqual(block(i));
        const content = await fs.readFile(at('f'));
        expect(content.length).toBe(40 * 4096);
        expect(content.subarray(39 * 4096)).toEqual(block(107));
      });

      it('keep writing to the same file after it is renamed', async () => {
        const file = await fs.open(at('old'), 'wx');
        await fs.rename(at('old'), at('new'));
        await file.write(text('moved'), 0);
        await file.close();
        expect(await fs.readFile(at('new'))).toEqual(text('moved'));
      });
    });

    describe('names', () => {
      it('rename replaces an existing target atomically', async () => {
        await writeFile(fs, at('a'), text('new'));
        await writeFile(fs, at('b'), text('old'));
        await fs.rename(at('a'), at('b'));
        expect(await fs.readdir(subject.root)).toEqual(['b']);
        expect(await fs.readFile(at('b'))).toEqual(text('new'));
      });

      it('rename fails with NOT_FOUND for a missing source or target directory', async () => {
        await failure(() => fs.rename(at('missing'), at('b')), ErrorCodes.NOT_FOUND);
        await writeFile(fs, at('a'), text('x'));
        await failure(() => fs.rename(at('a'), at('no-dir', 'b')), ErrorCodes.NOT_FOUND);
        expect(await fs.readFile(at('a'))).toEqual(text('x'));
      });

      it('unlink removes a file; a missing one is NOT_FOUND', async () => {
        await writeFile(fs, at('a'), text('x'));
        await fs.unlink(at('a'));
        expect(await fs.stat(at('a'))).toBeUndefined();
        const error = await failure(() => fs.unlink(at('a')), ErrorCodes.NOT_FOUND);
        expect(error.message).toContain(at('a'));
        await failure(() => fs.readFile(at('a')), ErrorCodes.NOT_FOUND);
      });

      it('readdir lists names sorted by code unit', async () => {
        const names = ['b', 'B', 'a', '_x', '10', '9', 'é', 'Z'];
        for (const n of names) await writeFile(fs, at(n), bytes());
        await fs.mkdir(at('dir'));
        expect(await fs.readdir(subject.root)).toEqual([...names, 'dir'].sort());
        expect(await fs.readdir(at('dir'))).toEqual([]);
        await failure(() => fs.readdir(at('missing')), ErrorCodes.NOT_FOUND);
      });

      it('mkdir creates parents, tolerates an existing directory and refuses a file', async () => {
        await fs.mkdir(at('x', 'y', 'z'));
        await fs.mkdir(at('x', 'y', 'z'));
        await fs.mkdir(at('x'));
        expect(await fs.stat(at('x', 'y', 'z'))).toEqual({ sizeBytes: expect.any(Number), isDirectory: true });
        await writeFile(fs, at('file'), bytes(1));
        await failure(() => fs.mkdir(at('file')), ErrorCodes.ALREADY_EXISTS);
      });

      it('rmrf removes a tree and ignores a missing path', async () => {
        await fs.mkdir(at('t', 'u'));
        await writeFile(fs, at('t', 'u', 'f'), bytes(1));
        await writeFile(fs, at('t', 'g'), bytes(2));
        await fs.rmrf(at('t'));
        expect(await fs.stat(at('t'))).toBeUndefined();
        await fs.rmrf(at('t'));
        await fs.rmrf(at('never', 'was'));
        expect(await fs.readdir(subject.root)).toEqual([]);
      });

      it('stat describes files and directories, and is undefined for nothing', async () => {
        await writeFile(fs, at('f'), bytes(1, 2, 3));
        expect(await fs.stat(at('f'))).toEqual({ sizeBytes: 3, isDirectory: false });
        expect((await fs.stat(subject.root))?.isDirectory).toBe(true);
        expect(await fs.stat(at('missing'))).toBeUndefined();
        expect(await fs.stat(at('f', 'under-a-file'))).toBeUndefined();
      });

      it('syncDir succeeds on a directory and is NOT_FOUND for a missing one', async () => {
        await writeFile(fs, at('f'), bytes(1));
        await fs.syncDir(subject.root);
        await failure(() => fs.syncDir(at('missing')), ErrorCodes.NOT_FOUND);
      });

      it('async methods report failure by rejecting, never by throwing synchronously', async () => {
        const calls: Array<() => Promise<unknown>> = [
          () => fs.open(at('missing'), 'r'),
          () => fs.readFile(at('missing')),
          () => fs.rename(at('missing'), at('b')),
          () => fs.unlink(at('missing')),
          () => fs.readdir(at('missing')),
          () => fs.syncDir(at('missing')),
          () => fs.lock(at('no-dir', 'LOCK')),
        ];
        for (const call of calls) {
          let promise: Promise<unknown> | undefined;
          expect(() => {
            promise = call();
          }).not.toThrow();
          await expect(promise).rejects.toBeInstanceOf(RingtailError);
        }
      });
    });

    describe('lock', () => {
      it('is exclusive until released, release is idempotent, and the path can be locked again', async () => {
        const lock = await fs.lock(at('LOCK'));
        expect(lock.path).toBe(at('LOCK'));
        const error = await failure(() => fs.lock(at('LOCK')), ErrorCodes.LOCKED);
        expect(error.message).toContain(at('LOCK'));
        await lock.release();
        await lock.release();
        const again = await fs.lock(at('LOCK'));
        await again.release();
        expect(await fs.readdir(subject.root)).toEqual([]);
      });

      it('locks different paths independently', async () => {
        const a = await fs.lock(at('A.lock'));
        const b = await fs.lock(at('B.lock'));
        await a.release();
        await b.release();
      });

      it('fails with NOT_FOUND when the directory is missing', async () => {
        await failure(() => fs.lock(at('no-dir', 'LOCK')), ErrorCodes.NOT_FOUND);
      });
    });
  });
}

async function writeFile(fs: FileSystem, path: string, data: Uint8Array): Promise<void> {
  const file = await fs.open(path, 'w+');
  await file.write(data, 0);
  await file.close();
}
