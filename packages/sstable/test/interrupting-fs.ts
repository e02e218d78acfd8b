import {
  ErrorCodes,
  type FileHandle,
  type FileSystem,
  type Random,
  RingtailError,
  type SimFileSystem,
} from '@ringtail/codec';

/**
 * A FileSystem over a SimFileSystem that counts every call (file-system and
 * handle methods alike) and, at call number `stopAt`, either crashes the
 * simulated machine (keeping a seeded random share of what was not synced) or
 * fails that one call with an I/O error. The call that is stopped has no
 * effect. `stopAt` beyond the last call changes nothing.
 */
export class InterruptingFileSystem implements FileSystem {
  calls = 0;
  /** The file system a restart finds, once crashed. */
  crashed: SimFileSystem | undefined;

  constructor(
    private readonly sim: SimFileSystem,
    private readonly stopAt: number,
    private readonly mode: { crash: Random } | 'fail',
  ) {}

  /** Counts a call; throws if it is the one to stop (or the machine is down). */
  private tick(what: string): void {
    this.calls += 1;
    if (this.crashed !== undefined) throw new RingtailError(ErrorCodes.CLOSED, 'crashed');
    if (this.calls !== this.stopAt) return;
    if (this.mode === 'fail') throw new RingtailError(ErrorCodes.IO, `injected failure of ${what}`);
    this.crashed = this.sim.crash({ random: this.mode.crash, keepUnsyncedProbability: 0.5, tearLastWrite: true });
    throw new RingtailError(ErrorCodes.CLOSED, `crash before ${what}`);
  }

  async open(path: string, mode: Parameters<FileSystem['open']>[1]): Promise<FileHandle> {
    this.tick(`open ${path}`);
    return this.wrap(await this.sim.open(path, mode));
  }

  private wrap(handle: FileHandle): FileHandle {
    const tick = (what: string) => this.tick(`${what} ${handle.path}`);
    return {
      path: handle.path,
      write: async (data, position) => {
        tick('write');
        return handle.write(data, position);
      },
      writeSync: (data, position) => {
        tick('writeSync');
        handle.writeSync(data, position);
      },
      read: async (buffer, offset, length, position) => {
        tick('read');
        return handle.read(buffer, offset, length, position);
      },
      readSync: (buffer, offset, length, position) => {
        tick('readSync');
        return handle.readSync(buffer, offset, length, position);
      },
      size: async () => {
        tick('size');
        return handle.size();
      },
      truncate: async (lengthBytes) => {
        tick('truncate');
        return handle.truncate(lengthBytes);
      },
      datasync: async () => {
        tick('datasync');
        return handle.datasync();
      },
      sync: async () => {
        tick('sync');
        return handle.sync();
      },
      close: async () => {
        tick('close');
        return handle.close();
      },
    };
  }

  async readFile(path: string): Promise<Uint8Array> {
    this.tick(`readFile ${path}`);
    return this.sim.readFile(path);
  }

  async rename(from: string, to: string): Promise<void> {
    this.tick(`rename ${from}`);
    return this.sim.rename(from, to);
  }

  async unlink(path: string): Promise<void> {
    this.tick(`unlink ${path}`);
    return this.sim.unlink(path);
  }

  async readdir(dir: string): Promise<string[]> {
    this.tick(`readdir ${dir}`);
    return this.sim.readdir(dir);
  }

  async mkdir(dir: string): Promise<void> {
    this.tick(`mkdir ${dir}`);
    return this.sim.mkdir(dir);
  }

  async rmrf(dir: string): Promise<void> {
    this.tick(`rmrf ${dir}`);
    return this.sim.rmrf(dir);
  }

  async stat(path: string): Promise<Awaited<ReturnType<FileSystem['stat']>>> {
    this.tick(`stat ${path}`);
    return this.sim.stat(path);
  }

  async syncDir(dir: string): Promise<void> {
    this.tick(`syncDir ${dir}`);
    return this.sim.syncDir(dir);
  }

  async lock(path: string): Promise<Awaited<ReturnType<FileSystem['lock']>>> {
    this.tick(`lock ${path}`);
    return this.sim.lock(path);
  }
}
