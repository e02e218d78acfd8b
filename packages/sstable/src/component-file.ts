/**
 * Writing one component file under its temporary name: appends in order,
 * hashing as it goes for the TOC, then fsync and close. Appends are gathered
 * in a buffer of `bufferBytes` and written when it fills, so that small blocks
 * do not each cost a write through the thread pool; nothing is durable before
 * finish() anyway.
 */
import type { FileHandle, FileSystem } from '@ringtail/codec';
import { BLOCK_OVERHEAD_BYTES, frameBlock, frameBlockInto } from './block.js';
import { createFileHasher, type FileHasher } from './file-hash.js';

export interface WrittenFile {
  readonly sizeBytes: number;
  readonly xxhash64: bigint;
}

export class ComponentFileWriter {
  /** Where the next append goes: the file's size so far, buffered bytes included. */
  position = 0;
  private readonly buffer: Uint8Array;
  private buffered = 0;

  private constructor(
    private readonly handle: FileHandle,
    private readonly hasher: FileHasher,
    bufferBytes: number,
  ) {
    this.buffer = new Uint8Array(bufferBytes);
  }

  /** Creates the file; it must not exist (a leftover temp file means cleanupIncomplete was not run). */
  static async create(fs: FileSystem, path: string, bufferBytes: number): Promise<ComponentFileWriter> {
    const hasher = await createFileHasher();
    return new ComponentFileWriter(await fs.open(path, 'wx'), hasher, bufferBytes);
  }

  async append(bytes: Uint8Array): Promise<void> {
    if (this.buffered + bytes.length > this.buffer.length) await this.writeBuffered();
    if (bytes.length >= this.buffer.length) {
      await this.handle.write(bytes, this.position);
      this.hasher.update(bytes);
    } else {
      this.buffer.set(bytes, this.buffered);
      this.buffered += bytes.length;
    }
    this.position += bytes.length;
  }

  /** Frames `payload` as a block at the current position and appends it; returns the framed size. */
  async appendBlock(payload: Uint8Array, magic: number): Promise<number> {
    const framedBytes = payload.length + BLOCK_OVERHEAD_BYTES;
    if (framedBytes >= this.buffer.length) {
      await this.append(frameBlock(payload, magic, this.position));
      return framedBytes;
    }
    if (this.buffered + framedBytes > this.buffer.length) await this.writeBuffered();
    frameBlockInto(this.buffer, this.buffered, payload, magic, this.position);
    this.buffered += framedBytes;
    this.position += framedBytes;
    return framedBytes;
  }

  private async writeBuffered(): Promise<void> {
    if (this.buffered === 0) return;
    const bytes = this.buffer.subarray(0, this.buffered);
    await this.handle.write(bytes, this.position - this.buffered);
    this.hasher.update(bytes);
    this.buffered = 0;
  }

  /** Makes the bytes durable and closes the file. */
  async finish(): Promise<WrittenFile> {
    await this.writeBuffered();
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
