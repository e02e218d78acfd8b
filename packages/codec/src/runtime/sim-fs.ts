/**
 * An in-memory {@link FileSystem} that models what a crash keeps, after Pebble's
 * `MemFS.CrashClone` and LevelDB's `fault_injection_test`, and injects I/O
 * faults on request. The namespace and the crash model live in sim-fs-tree.ts.
 *
 * Effects apply when a method is called, in call order; async methods still
 * settle on a later microtask, and fail by rejecting, as the real ones do.
 */
import { ErrorCodes, RingtailError } from '../errors.js';
import type { FileHandle, FileLock, FileStat, FileSystem, OpenMode } from './fs.js';
import { checkOpenMode, checkPosition, checkReadArgs, closedHandleError, lockedError } from './node-fs.js';
import type { Random } from './random.js';
import { invalidArgument, parentPath, parsePath, SimDir, SimFile, SimTree, sysFail } from './sim-fs-tree.js';

export interface CrashOptions {
  /** Without it, a crash drops every unsynced write and every unsynced directory change. */
  random?: Random;
  /** Chance that each next pending operation survives, given that the one before it did. Default 0.5. */
  keepUnsyncedProbability?: number;
  /** The first lost write of a file may survive as a random-length prefix of its bytes. */
  tearLastWrite?: boolean;
}

export type FaultOp =
  | 'open'
  | 'write'
  | 'read'
  | 'datasync'
  | 'sync'
  | 'rename'
  | 'unlink'
  | 'syncDir'
  | 'truncate'
  | 'mkdir';

export interface FaultSpec {
  /** 'read' also covers readFile; 'write' covers write and writeSync. */
  op: FaultOp;
  /** Matches the normalised path (for rename, either path). Any path if absent. */
  path?: string | RegExp;
  /** The errno name set as `code` on the cause. Default 'EIO'. */
  error?: 'EIO' | 'ENOSPC';
  /** How many matching operations fail. Default Infinity. */
  times?: number;
  /** For 'write': this many bytes (capped at the write's length) are written before the error. */
  afterBytes?: number;
}

/** Lets other work run while an fsync is "on the disk": a macrotask, as a real fsync's completion is. */
function fsyncLatency(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Bigger simulated files would be a test bug, and would exhaust memory before failing. */
const MAX_SIM_FILE_BYTES = 1 << 30;

interface Fault {
  readonly spec: FaultSpec;
  remaining: number;
}

/** State shared by a SimFileSystem and its handles, which all die together in a crash. */
class SimDisk {
  alive = true;
  syncCount = 0;
  syncDirCount = 0;
  writeCount = 0;
  readonly faults = new Set<Fault>();

  assertAlive(): void {
    if (this.alive) return;
    throw new RingtailError(ErrorCodes.CLOSED, 'simulated file system crashed; use the one crash() returned');
  }

  /** Consumes and returns the first fault matching `op` on one of `paths`. */
  takeFault(op: FaultOp, ...paths: string[]): Fault | undefined {
    for (const fault of this.faults) {
      const want = fault.spec.path;
      const matches = paths.some((p) => want === undefined || (typeof want === 'string' ? want === p : want.test(p)));
      if (fault.spec.op !== op || fault.remaining <= 0 || !matches) continue;
      fault.remaining -= 1;
      return fault;
    }
    return undefined;
  }

  /** Throws if a fault matches. */
  fault(op: FaultOp, syscall: string, ...paths: string[]): void {
    const fault = this.takeFault(op, ...paths);
    if (fault !== undefined) throw sysFail(fault.spec.error ?? 'EIO', syscall, paths[0] ?? '');
  }
}

export class SimFileSystem implements FileSystem {
  private readonly disk = new SimDisk();
  private tree = new SimTree();
  private readonly heldLocks = new Set<string>();

  /** Completed datasync() and sync() calls. */
  get syncCount(): number {
    return this.disk.syncCount;
  }

  /** Completed syncDir() calls. */
  get syncDirCount(): number {
    return this.disk.syncDirCount;
  }

  /** Completed write() and writeSync() calls (short writes from a fault are not counted). */
  get writeCount(): number {
    return this.disk.writeCount;
  }

  async open(path: string, mode: OpenMode): Promise<FileHandle> {
    this.disk.assertAlive();
    checkOpenMode(mode);
    const at = parsePath(path);
    this.disk.fault('open', 'open', at.text);
    const { dir, name } = this.tree.parentOf(at, 'open');
    let node = dir.current.get(name);
    if (node instanceof SimDir) throw sysFail('EISDIR', 'open', path);
    if (node !== undefined && mode === 'wx') throw sysFail('EEXIST', 'open', path);
    if (node === undefined) {
      if (mode === 'r' || mode === 'r+') throw sysFail('ENOENT', 'open', path);
      node = new SimFile();
      dir.change({ set: { name, node } });
    } else if (mode === 'w+') {
      node.change({ kind: 'truncate', lengthBytes: 0 });
    }
    return new SimFileHandle(this.disk, node, path, at.text, mode !== 'r');
  }

  async readFile(path: string): Promise<Uint8Array> {
    this.disk.assertAlive();
    const at = parsePath(path);
    this.disk.fault('read', 'read', at.text);
    const node = this.tree.lookup(at, 'open');
    if (node instanceof SimDir) throw sysFail('EISDIR', 'read', path);
    return node.current.copy();
  }

  async rename(from: string, to: string): Promise<void> {
    this.disk.assertAlive();
    const [a, b] = [parsePath(from), parsePath(to)];
    this.disk.fault('rename', 'rename', a.text, b.text);
    const source = this.tree.parentOf(a, 'rename');
    const node = source.dir.current.get(source.name);
    if (node === undefined) throw sysFail('ENOENT', 'rename', from);
    const target = this.tree.parentOf(b, 'rename');
    if (source.dir === target.dir && source.name === target.name) return;
    const replaced = target.dir.current.get(target.name);
    if (node instanceof SimFile && replaced instanceof SimDir) throw sysFail('EISDIR', 'rename', to);
    if (node instanceof SimDir) {
      if (replaced instanceof SimFile) throw sysFail('ENOTDIR', 'rename', to);
      if (replaced instanceof SimDir && replaced.current.size > 0) throw sysFail('ENOTEMPTY', 'rename', to);
      if (this.tree.isAncestor(node, b)) throw sysFail('EINVAL', 'rename', to);
    }
    if (source.dir === target.dir) {
      source.dir.change({ remove: source.name, set: { name: target.name, node } });
    } else {
      // Two directories, two independent durability points, as POSIX promises no more.
      source.dir.change({ remove: source.name });
      target.dir.change({ set: { name: target.name, node } });
    }
  }

  async unlink(path: string): Promise<void> {
    this.disk.assertAlive();
    const at = parsePath(path);
    this.disk.fault('unlink', 'unlink', at.text);
    const { dir, name } = this.tree.parentOf(at, 'unlink');
    const node = dir.current.get(name);
    if (node === undefined) throw sysFail('ENOENT', 'unlink', path);
    if (node instanceof SimDir) throw sysFail('EISDIR', 'unlink', path);
    dir.change({ remove: name });
  }

  async readdir(dir: string): Promise<string[]> {
    this.disk.assertAlive();
    const node = this.tree.lookup(parsePath(dir), 'scandir');
    if (node instanceof SimFile) throw sysFail('ENOTDIR', 'scandir', dir);
    return [...node.current.keys()].sort();
  }

  async mkdir(dir: string): Promise<void> {
    this.disk.assertAlive();
    const at = parsePath(dir);
    this.disk.fault('mkdir', 'mkdir', at.text);
    let parent = this.tree.roots[at.root];
    for (const [i, name] of at.segments.entries()) {
      let node = parent.current.get(name);
      if (node === undefined) {
        node = new SimDir();
        parent.change({ set: { name, node } });
      }
      if (node instanceof SimFile) throw sysFail(i === at.segments.length - 1 ? 'EEXIST' : 'ENOTDIR', 'mkdir', dir);
      parent = node;
    }
  }

  async rmrf(dir: string): Promise<void> {
    this.disk.assertAlive();
    const at = parsePath(dir);
    if (at.segments.length === 0) throw invalidArgument(`refusing to remove the root ${dir}`);
    const parent = this.tree.find(parentPath(at));
    const name = at.segments[at.segments.length - 1]!;
    // Detaching the subtree is enough: its inner unlinks could never be synced,
    // so a crash that undoes this removal brings the subtree back as it was durable.
    if (parent instanceof SimDir && parent.current.has(name)) parent.change({ remove: name });
  }

  async stat(path: string): Promise<FileStat | undefined> {
    this.disk.assertAlive();
    const node = this.tree.find(parsePath(path));
    if (node === undefined) return undefined;
    return node instanceof SimDir
      ? { sizeBytes: 0, isDirectory: true }
      : { sizeBytes: node.current.length, isDirectory: false };
  }

  async syncDir(dir: string): Promise<void> {
    this.disk.assertAlive();
    const at = parsePath(dir);
    this.disk.fault('syncDir', 'fsync', at.text);
    const node = this.tree.lookup(at, 'open');
    // Stricter than Linux, which fsyncs a file opened this way: a file here is a caller bug.
    if (node instanceof SimFile) throw sysFail('ENOTDIR', 'fsync', dir);
    const upTo = node.changeCount;
    await fsyncLatency();
    this.disk.assertAlive();
    node.sync(upTo);
    this.disk.syncDirCount += 1;
  }

  async lock(path: string): Promise<FileLock> {
    this.disk.assertAlive();
    const at = parsePath(path);
    if (this.heldLocks.has(at.text)) throw lockedError(path, 'another holder in this simulated process');
    // Like the real lock, a lock file appears, so directory listings match.
    const { dir, name } = this.tree.parentOf(at, 'open');
    const node = dir.current.get(name);
    if (node instanceof SimDir) throw sysFail('EISDIR', 'open', path);
    if (node === undefined) dir.change({ set: { name, node: new SimFile() } });
    this.heldLocks.add(at.text);
    let released = false;
    return {
      path,
      release: async () => {
        this.disk.assertAlive();
        if (released) return;
        released = true;
        this.heldLocks.delete(at.text);
        const holder = this.tree.find(parentPath(at));
        if (holder instanceof SimDir && holder.current.get(name) instanceof SimFile) holder.change({ remove: name });
      },
    };
  }

  /** Adds a fault; the returned function removes it. */
  injectFault(spec: FaultSpec): () => void {
    this.disk.assertAlive();
    const times = spec.times ?? Number.POSITIVE_INFINITY;
    if (!(times >= 0)) throw invalidArgument(`fault times must be non-negative, got ${times}`);
    if (spec.afterBytes !== undefined) checkPosition('afterBytes', spec.afterBytes);
    const fault: Fault = { spec, remaining: times };
    this.disk.faults.add(fault);
    return () => this.disk.faults.delete(fault);
  }

  /** Every file's path, sorted, for assertions. */
  listFiles(): string[] {
    this.disk.assertAlive();
    return this.tree.listFiles();
  }

  /**
   * The file system a restart after a crash now would find. This instance and
   * its handles are dead afterwards, as the process would be; locks are gone.
   */
  crash(options: CrashOptions = {}): SimFileSystem {
    this.disk.assertAlive();
    const { random, tearLastWrite = false, keepUnsyncedProbability: keep = 0.5 } = options;
    if (!(keep >= 0 && keep <= 1)) throw invalidArgument(`keepUnsyncedProbability must be in [0, 1], got ${keep}`);
    const next = new SimFileSystem();
    next.tree = this.tree.survivor({
      keptPrefix: (pending) => {
        let kept = 0;
        while (random !== undefined && kept < pending && random.next() < keep) kept += 1;
        return kept;
      },
      tornBytes: (lengthBytes) => (tearLastWrite && random !== undefined ? random.int(lengthBytes) : 0),
    });
    this.disk.alive = false;
    return next;
  }
}

class SimFileHandle implements FileHandle {
  private closed = false;

  constructor(
    private readonly disk: SimDisk,
    private readonly file: SimFile,
    readonly path: string,
    private readonly faultPath: string,
    private readonly writable: boolean,
  ) {}

  async write(data: Uint8Array, position: number): Promise<void> {
    this.writeSync(data, position);
  }

  writeSync(data: Uint8Array, position: number): void {
    this.checkWritable('write');
    checkPosition('position', position);
    if (position + data.length > MAX_SIM_FILE_BYTES) throw sysFail('EFBIG', 'write', this.path);
    const fault = this.disk.takeFault('write', this.faultPath);
    if (fault !== undefined) {
      const shortBytes = Math.min(fault.spec.afterBytes ?? 0, data.length);
      if (shortBytes > 0) this.file.change({ kind: 'write', position, data: data.slice(0, shortBytes) });
      throw sysFail(fault.spec.error ?? 'EIO', 'write', this.path);
    }
    // A copy: callers reuse their buffers, and a pending write must keep the bytes as written.
    if (data.length > 0) this.file.change({ kind: 'write', position, data: data.slice() });
    this.disk.writeCount += 1;
  }

  async read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<number> {
    return this.readSync(buffer, offset, length, position);
  }

  readSync(buffer: Uint8Array, offset: number, length: number, position: number): number {
    this.checkOpen();
    checkReadArgs(buffer, offset, length, position);
    this.disk.fault('read', 'read', this.faultPath);
    return this.file.current.read(buffer, offset, length, position);
  }

  async size(): Promise<number> {
    this.checkOpen();
    return this.file.current.length;
  }

  async truncate(lengthBytes: number): Promise<void> {
    this.checkWritable('ftruncate');
    checkPosition('lengthBytes', lengthBytes);
    if (lengthBytes > MAX_SIM_FILE_BYTES) throw sysFail('EFBIG', 'ftruncate', this.path);
    this.disk.fault('truncate', 'ftruncate', this.faultPath);
    this.file.change({ kind: 'truncate', lengthBytes });
  }

  async datasync(): Promise<void> {
    await this.flush('datasync', 'fdatasync');
  }

  async sync(): Promise<void> {
    await this.flush('sync', 'fsync');
  }

  /** Idempotent, as for the real handle; but like every call, fails after a crash. */
  async close(): Promise<void> {
    this.disk.assertAlive();
    this.closed = true;
  }

  /**
   * An fsync takes time: it covers the writes made before the call, and
   * takes effect a turn later, so a crash in between may find it undone.
   */
  private async flush(op: 'datasync' | 'sync', syscall: string): Promise<void> {
    this.checkOpen();
    this.disk.fault(op, syscall, this.faultPath);
    const upTo = this.file.changeCount;
    await fsyncLatency();
    this.disk.assertAlive();
    this.file.sync(upTo);
    this.disk.syncCount += 1;
  }

  private checkOpen(): void {
    this.disk.assertAlive();
    if (this.closed) throw closedHandleError(this.path);
  }

  private checkWritable(syscall: string): void {
    this.checkOpen();
    if (!this.writable) throw sysFail('EBADF', syscall, this.path);
  }
}
