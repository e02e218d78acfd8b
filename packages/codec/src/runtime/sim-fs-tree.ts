/**
 * The namespace behind SimFileSystem (sim-fs.ts): inode-like files shared
 * between names, directories, and what a crash keeps of them.
 *
 * Each file holds its durable bytes (as of its last datasync/sync) and the
 * ordered writes and truncates since; each directory holds its durable entries
 * (as of its last syncDir) and the ordered entry changes since. A crash keeps
 * the durable state plus a prefix of each pending list — never a subset out of
 * order — so a rename moves an inode, an unsynced create vanishes, and an
 * unsynced unlink brings the file back with its durable bytes.
 */
import { ErrorCodes, RingtailError } from '../errors.js';
import { fsError } from './node-fs.js';

/** A growable byte array. Invariant: bytes past `length` are zero, so extending never exposes stale bytes. */
export class Bytes {
  private bytes: Uint8Array = new Uint8Array(0);
  length = 0;

  apply(op: FileOp): void {
    if (op.kind === 'truncate') {
      if (op.lengthBytes < this.length) this.bytes.fill(0, op.lengthBytes, this.length);
      else this.reserve(op.lengthBytes);
      this.length = op.lengthBytes;
      return;
    }
    // A zero-byte write does not extend a file, even past its end.
    if (op.data.length === 0) return;
    const end = op.position + op.data.length;
    this.reserve(end);
    this.bytes.set(op.data, op.position);
    this.length = Math.max(this.length, end);
  }

  read(buffer: Uint8Array, offset: number, length: number, position: number): number {
    const count = Math.max(0, Math.min(length, this.length - position));
    buffer.set(this.bytes.subarray(position, position + count), offset);
    return count;
  }

  copy(): Uint8Array {
    return this.bytes.slice(0, this.length);
  }

  clone(): Bytes {
    const twin = new Bytes();
    twin.bytes = this.copy();
    twin.length = this.length;
    return twin;
  }

  private reserve(lengthBytes: number): void {
    if (lengthBytes <= this.bytes.length) return;
    const grown = new Uint8Array(Math.max(lengthBytes, this.bytes.length * 2));
    grown.set(this.bytes.subarray(0, this.length));
    this.bytes = grown;
  }
}

export type FileOp = { kind: 'write'; position: number; data: Uint8Array } | { kind: 'truncate'; lengthBytes: number };

export class SimFile {
  current = new Bytes();
  durable = new Bytes();
  pending: FileOp[] = [];
  /** Operations ever made on this file; an fsync covers those made before it was called. */
  changeCount = 0;

  change(op: FileOp): void {
    this.current.apply(op);
    this.pending.push(op);
    this.changeCount += 1;
  }

  /** Makes durable every pending operation among the first `upTo` ever made (default: all). */
  sync(upTo = this.changeCount): void {
    const covered = Math.max(0, this.pending.length - (this.changeCount - upTo));
    for (const op of this.pending.slice(0, covered)) this.durable.apply(op);
    this.pending = this.pending.slice(covered);
  }
}

/** One atomic entry change: `remove`, then `set`. A same-directory rename is one op, so a crash keeps it whole. */
export interface DirOp {
  remove?: string;
  set?: { name: string; node: SimNode };
}

export class SimDir {
  current = new Map<string, SimNode>();
  durable = new Map<string, SimNode>();
  pending: DirOp[] = [];
  /** Entry changes ever made in this directory; a syncDir covers those made before it was called. */
  changeCount = 0;

  change(op: DirOp): void {
    applyDirOp(this.current, op);
    this.pending.push(op);
    this.changeCount += 1;
  }

  /** Makes durable every pending entry change among the first `upTo` ever made (default: all). */
  sync(upTo = this.changeCount): void {
    const covered = Math.max(0, this.pending.length - (this.changeCount - upTo));
    for (const op of this.pending.slice(0, covered)) applyDirOp(this.durable, op);
    this.pending = this.pending.slice(covered);
  }
}

export type SimNode = SimFile | SimDir;

function applyDirOp(entries: Map<string, SimNode>, op: DirOp): void {
  if (op.remove !== undefined) entries.delete(op.remove);
  if (op.set !== undefined) entries.set(op.set.name, op.set.node);
}

/** A path split from its root: '/' for absolute paths, '.' for relative ones (taken as given, never resolved). */
export interface SimPath {
  readonly root: '/' | '.';
  readonly segments: readonly string[];
  /** The normalised form, which faults match against. */
  readonly text: string;
}

export function parsePath(path: string): SimPath {
  const root = path.startsWith('/') ? '/' : '.';
  const segments: string[] = [];
  for (const segment of path.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment !== '..') segments.push(segment);
    else if (segments.pop() === undefined) throw invalidArgument(`path ${path} climbs above its root`);
  }
  const joined = segments.join('/');
  return { root, segments, text: root === '/' ? `/${joined}` : joined || '.' };
}

export function parentPath(at: SimPath): SimPath {
  return { ...at, segments: at.segments.slice(0, -1) };
}

export function invalidArgument(message: string): RingtailError {
  return new RingtailError(ErrorCodes.INVALID_ARGUMENT, message);
}

/** The RingtailError a real file system would give, with a Node-style system error as `cause`. */
export function sysFail(errno: string, syscall: string, path: string): RingtailError {
  const cause = Object.assign(new Error(`${errno}: ${syscall} '${path}'`), { code: errno, syscall, path });
  return fsError(syscall, path, cause);
}

/** The random choices a crash makes; all zero means only synced state survives. */
export interface CrashDraws {
  /** How many of `pending` operations, in order, survive. */
  keptPrefix(pending: number): number;
  /** How many bytes of the first lost write, of `lengthBytes`, survive anyway. */
  tornBytes(lengthBytes: number): number;
}

export class SimTree {
  constructor(readonly roots = { '/': new SimDir(), '.': new SimDir() }) {}

  /** The node at `at`, or undefined if it or a parent is missing or a parent is a file. */
  find(at: SimPath): SimNode | undefined {
    let node: SimNode | undefined = this.roots[at.root];
    for (const name of at.segments) node = node instanceof SimDir ? node.current.get(name) : undefined;
    return node;
  }

  /** The node at `at`, or the ENOENT/ENOTDIR error a real file system would give. */
  lookup(at: SimPath, syscall: string): SimNode {
    let node: SimNode = this.roots[at.root];
    for (const name of at.segments) {
      if (!(node instanceof SimDir)) throw sysFail('ENOTDIR', syscall, at.text);
      const next = node.current.get(name);
      if (next === undefined) throw sysFail('ENOENT', syscall, at.text);
      node = next;
    }
    return node;
  }

  /** The existing directory that holds (or would hold) `at`, and the entry name. */
  parentOf(at: SimPath, syscall: string): { dir: SimDir; name: string } {
    const name = at.segments[at.segments.length - 1];
    if (name === undefined) throw sysFail('EBUSY', syscall, at.text);
    const dir = this.lookup(parentPath(at), syscall);
    if (!(dir instanceof SimDir)) throw sysFail('ENOTDIR', syscall, at.text);
    return { dir, name };
  }

  /** Whether `node` is one of the directories on the way to `at` (moving a directory into itself). */
  isAncestor(node: SimNode, at: SimPath): boolean {
    let dir: SimNode | undefined = this.roots[at.root];
    for (const name of at.segments) {
      if (dir === node) return true;
      dir = dir instanceof SimDir ? dir.current.get(name) : undefined;
    }
    return false;
  }

  /** Every file's path, sorted. */
  listFiles(): string[] {
    const files: string[] = [];
    const seen = new Set<SimDir>();
    const visit = (dir: SimDir, prefix: string): void => {
      // A crash that keeps half of a cross-directory rename can link a directory
      // under two names, even under itself; list each directory once.
      if (seen.has(dir)) return;
      seen.add(dir);
      for (const [name, node] of dir.current) {
        if (node instanceof SimFile) files.push(prefix + name);
        else visit(node, `${prefix + name}/`);
      }
    };
    visit(this.roots['/'], '/');
    visit(this.roots['.'], '');
    return files.sort();
  }

  /**
   * What a restart after a crash now would find, all of it durable. Entries are
   * visited in sorted order, so the draws — and the result — replay from a seed.
   */
  survivor(draws: CrashDraws): SimTree {
    // Old node → survivor, so an inode reachable by two names stays one inode.
    const survivors = new Map<SimNode, SimNode>();
    const survive = (node: SimNode): SimNode => {
      const done = survivors.get(node);
      if (done !== undefined) return done;
      if (node instanceof SimFile) {
        const file = new SimFile();
        survivors.set(node, file);
        const bytes = node.durable.clone();
        const kept = draws.keptPrefix(node.pending.length);
        for (const op of node.pending.slice(0, kept)) bytes.apply(op);
        const lost = node.pending[kept];
        if (lost?.kind === 'write')
          bytes.apply({ ...lost, data: lost.data.subarray(0, draws.tornBytes(lost.data.length)) });
        file.current = bytes;
        file.durable = bytes.clone();
        return file;
      }
      const dir = new SimDir();
      survivors.set(node, dir);
      const entries = new Map(node.durable);
      for (const op of node.pending.slice(0, draws.keptPrefix(node.pending.length))) applyDirOp(entries, op);
      for (const name of [...entries.keys()].sort()) dir.durable.set(name, survive(entries.get(name)!));
      dir.current = new Map(dir.durable);
      return dir;
    };
    return new SimTree({ '/': survive(this.roots['/']) as SimDir, '.': survive(this.roots['.']) as SimDir });
  }
}
