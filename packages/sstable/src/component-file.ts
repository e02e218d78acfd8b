/**
 * Writing one component file under its temporary name: appends in order,
 * hashing as it goes for the TOC, then fsync and close.
 */
import type { FileHandle, FileSystem } from '@ringtail/codec';
import { frameBlock } from './block.js';
import { createFileHasher, type FileHasher } from './file-hash.js';

export interface WrittenFile {
  readonly sizeBytes: number;
  readonly xxhash64: bigint;
}

export class ComponentFileWriter {
  /** Where the next append goes: the file's size so far. */
  position = 0;

  private constructor(
    private readonly handle: FileHandle,
    private readonly hasher: FileHasher,
  ) {}

  /** Creates the file; it must not exist (a leftover temp file means cleanupIncomplete was not run). */
  static async create(fs: FileSystem, path: string): Promise<ComponentFileWriter> {
    const hasher = await createFileHasher();
    return new ComponentFileWriter(await fs.open(path, 'wx'), hasher);
  }

  async append(bytes: Uint8Array): Promise<void> {
    await this.handle.write(bytes, this.position);
    this.hasher.update(bytes);
    this.position += bytes.length;
  }

  /** Frames `payload` as a block at the current position and appends it; returns the framed size. */
  async appendBlock(payload: Uint8Array, magic: number): Promise<number> {
    const framed = frameBlock(payload, magic, this.position);
    await this.append(framed);
    return framed.length;
  }

  /** Makes the bytes durable and closes the file. */
  async finish(): Promise<WrittenFile> {
    await this.handle.datasync();
    await this.handle.close();
    return { sizeBytes: this.position, xxhash64: this.hasher.digest() };
  }

  /** Closes without syncing, ignoring errors: for abandoning the file. */
  async discard(): Promise<void> {
    await this.handle.close().catch(() => undefined);
  }
}

/** Creates `path` holding `bytes`, durably (the directory entry is not yet synced). */
export async function writeWholeFile(fs: FileSystem, path: string, bytes: Uint8Array): Promise<void> {
  const handle = await fs.open(path, 'wx');
  try {
    await handle.write(bytes, 0);
    await handle.datasync();
  } catch (error) {
    await handle.close().catch(() => undefined);
    throw error;
  }
  await handle.close();
}
