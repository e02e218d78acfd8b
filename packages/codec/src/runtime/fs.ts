/**
 * The file-system interface every package uses for disk access. Nothing in
 * Ringtail imports `node:fs` except the real implementation (node-fs.ts), so a
 * test can swap in the simulated file system (sim-fs.ts), which models what a
 * crash keeps and what it loses.
 *
 * Paths are plain strings joined with '/'. Durability follows POSIX:
 * - bytes written to a file survive a crash only after `datasync()`/`sync()`
 *   of that file;
 * - a created, renamed or unlinked directory entry survives a crash only after
 *   `syncDir()` of the directory that holds it.
 */

export type OpenMode =
  /** read only; the file must exist */
  | 'r'
  /** read and write; the file must exist */
  | 'r+'
  /** read and write; create the file, failing with ALREADY_EXISTS if it exists */
  | 'wx'
  /** read and write; create the file or truncate it to zero bytes */
  | 'w+';

export interface FileHandle {
  readonly path: string;
  /** Writes all of `data` at byte `position`, extending the file as needed. */
  write(data: Uint8Array, position: number): Promise<void>;
  /**
   * The same as {@link write}, on the calling thread. For the commit log's
   * end-of-turn group write, where a page-cache write is cheaper than a
   * thread-pool round trip.
   */
  writeSync(data: Uint8Array, position: number): void;
  /** Reads up to `length` bytes at `position` into `buffer[offset..]`; returns the count read (0 at end of file). */
  read(buffer: Uint8Array, offset: number, length: number, position: number): Promise<number>;
  readSync(buffer: Uint8Array, offset: number, length: number, position: number): number;
  /** Current size in bytes, including unsynced writes. */
  size(): Promise<number>;
  truncate(lengthBytes: number): Promise<void>;
  /** fdatasync(2): the file's bytes written so far are durable. */
  datasync(): Promise<void>;
  /** fsync(2): the file's bytes and metadata are durable. */
  sync(): Promise<void>;
  close(): Promise<void>;
}

export interface FileStat {
  readonly sizeBytes: number;
  readonly isDirectory: boolean;
}

/** An exclusive lock held on a path until `release()`. */
export interface FileLock {
  readonly path: string;
  release(): Promise<void>;
}

export interface FileSystem {
  open(path: string, mode: OpenMode): Promise<FileHandle>;
  /** The whole content of a file. */
  readFile(path: string): Promise<Uint8Array>;
  /** Atomically replaces `to` with `from` (rename(2)). */
  rename(from: string, to: string): Promise<void>;
  unlink(path: string): Promise<void>;
  /** The names (not paths) in a directory, sorted by code unit. */
  readdir(dir: string): Promise<string[]>;
  /** Creates a directory and its missing parents; no error if it exists. */
  mkdir(dir: string): Promise<void>;
  /** Removes a directory and everything under it; no error if it does not exist. */
  rmrf(dir: string): Promise<void>;
  /** File or directory information, or `undefined` if nothing is at `path`. */
  stat(path: string): Promise<FileStat | undefined>;
  /** Makes the directory's entries (creates, renames, unlinks) durable. */
  syncDir(dir: string): Promise<void>;
  /**
   * Takes an exclusive lock named by `path` (a lock file). A second `lock` of
   * the same path — from this process or another live one — fails with a
   * RingtailError of code LOCKED until the holder releases it or exits.
   */
  lock(path: string): Promise<FileLock>;
}

/** Joins path segments with '/'. */
export function joinPath(...parts: string[]): string {
  return parts
    .filter((p) => p.length > 0)
    .join('/')
    .replace(/\/{2,}/g, '/');
}

/** The directory part of a path ('.' for a bare name). */
export function dirName(path: string): string {
  const i = path.lastIndexOf('/');
  if (i < 0) return '.';
  if (i === 0) return '/';
  return path.slice(0, i);
}

/** The last segment of a path. */
export function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Creates `dir` and its missing parents so that they survive a crash: a new
 * directory's entry is durable only once its parent directory is fsynced.
 */
export async function mkdirDurable(fs: FileSystem, dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = dir; (await fs.stat(d)) === undefined; d = dirName(d)) {
    missing.unshift(d);
    if (dirName(d) === d) break;
  }
  if (missing.length === 0) return;
  await fs.mkdir(dir);
  for (const d of missing) await fs.syncDir(dirName(d));
}
