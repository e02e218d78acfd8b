/**
 * Writes one SSTable (docs/formats/sstable.md). Partitions arrive in
 * (token, key) order; Data and Index are streamed to temporary files block by
 * block, Summary, Filter and Statistics are written by finish(), and the TOC
 * last. Every component is fsynced under a temporary name, renamed into place
 * and the directory fsynced before the TOC is; so an SSTable whose TOC exists
 * is whole, and one without is removed by cleanupIncomplete().
 */
import {
  BinaryWriter,
  ErrorCodes,
  type FileSystem,
  initChecksums,
  joinPath,
  MUTATION_FORMAT_VERSION,
  mkdirDurable,
  type PartitionUpdate,
  partitionPosition,
  RingtailError,
  xxhash64,
} from '@ringtail/codec';
import { BLOCK_OVERHEAD_BYTES } from './block.js';
import { BloomHashes } from './bloom.js';
import { ComponentFileWriter, writeWholeFile } from './component-file.js';
import { MAX_WRITE_BUFFER_BYTES, WRITE_BUFFER_BLOCKS } from './constants.js';
import {
  type BinaryComponent,
  type Component,
  DATA_MAGIC,
  encodeDataHeader,
  encodeIndexHeader,
  INDEX_MAGIC,
  isValidGeneration,
  sstableFileName,
  tempFileName,
} from './format.js';
import { IndexBlockBuilder } from './index-block.js';
import { type ResolvedWriterOptions, resolveWriterOptions, type SSTableWriterOptions } from './options.js';
import { decodePartitionBody, encodePartitionRecord, frameRecord, validatePartition } from './partition-codec.js';
import { encodeStatistics, type SSTableStats, StatsCollector } from './statistics.js';
import { encodeSummary, type SummaryEntry } from './summary.js';
import { type ComponentDigest, encodeToc } from './toc.js';

export interface SSTableInfo {
  readonly directory: string;
  readonly generation: number;
  readonly stats: SSTableStats;
  /** Size and xxhash64 of each binary component, as the TOC lists them. */
  readonly components: readonly ComponentDigest[];
  /** Bytes on disk, TOC included. */
  readonly sizeBytes: number;
}

/** Data and Index are written WRITE_BUFFER_BLOCKS blocks at a time, in at most MAX_WRITE_BUFFER_BYTES. */
function writeBufferBytes(blockSizeBytes: number): number {
  return Math.min(MAX_WRITE_BUFFER_BYTES, WRITE_BUFFER_BLOCKS * (blockSizeBytes + BLOCK_OVERHEAD_BYTES));
}

type WriterState = 'open' | 'busy' | 'failed' | 'finished' | 'aborted';

function invalid(message: string): RingtailError {
  return new RingtailError(ErrorCodes.INVALID_ARGUMENT, message);
}

export class SSTableWriter {
  private state: WriterState = 'open';
  private failure: unknown;
  private lastPosition: string | undefined;
  private tableId: string | undefined;
  /** The Data block being filled; never reaches blockSizeBytes without being written. */
  private readonly block: Uint8Array;
  private blockLength = 0;
  private readonly indexBlock = new IndexBlockBuilder();
  /** Where each partition record is encoded before it is copied into the block (appends never overlap). */
  private readonly recordScratch = new BinaryWriter(1024);
  private readonly summary: SummaryEntry[] = [];
  private readonly bloom: BloomHashes;
  private readonly stats = new StatsCollector();
  /** Files this writer created, by their current paths: what abort() removes. */
  private readonly created = new Set<string>();

  private constructor(
    private readonly fs: FileSystem,
    readonly directory: string,
    readonly generation: number,
    private readonly options: ResolvedWriterOptions,
    private readonly data: ComponentFileWriter,
    private readonly index: ComponentFileWriter,
  ) {
    this.block = new Uint8Array(options.blockSizeBytes);
    this.bloom = new BloomHashes(options.expectedPartitions);
    this.created.add(this.tempPath('Data')).add(this.tempPath('Index'));
  }

  /**
   * Starts SSTable `generation` in `directory` (created if missing). Fails
   * with ALREADY_EXISTS if that SSTable exists, or if temporary files of an
   * earlier attempt are left (run cleanupIncomplete() at start-up).
   */
  static async create(
    fs: FileSystem,
    directory: string,
    generation: number,
    options: SSTableWriterOptions = {},
  ): Promise<SSTableWriter> {
    if (!isValidGeneration(generation)) throw invalid(`generation must be a positive safe integer, got ${generation}`);
    const resolved = resolveWriterOptions(options);
    await initChecksums();
    await mkdirDurable(fs, directory);
    const tocPath = joinPath(directory, sstableFileName(generation, 'TOC'));
    if ((await fs.stat(tocPath)) !== undefined) {
      throw new RingtailError(ErrorCodes.ALREADY_EXISTS, `SSTable ${tocPath} already exists`);
    }
    const bufferBytes = writeBufferBytes(resolved.blockSizeBytes);
    const data = await ComponentFileWriter.create(
      fs,
      joinPath(directory, tempFileName(generation, 'Data')),
      bufferBytes,
    );
    let index: ComponentFileWriter | undefined;
    try {
      const indexPath = joinPath(directory, tempFileName(generation, 'Index'));
      index = await ComponentFileWriter.create(fs, indexPath, bufferBytes);
    } catch (error) {
      await data.discard();
      await fs.unlink(joinPath(directory, tempFileName(generation, 'Data'))).catch(() => undefined);
      throw error;
    }
    const writer = new SSTableWriter(fs, directory, generation, resolved, data, index);
    try {
      await writer.io(async () => {
        await data.append(encodeDataHeader(resolved.blockSizeBytes, MUTATION_FORMAT_VERSION));
        await index.append(encodeIndexHeader());
      });
    } catch (error) {
      await writer.abort().catch(() => undefined);
      throw error;
    }
    return writer;
  }

  /** Partitions appended so far. */
  get partitionCount(): number {
    return this.stats.partitionCount;
  }

  /**
   * Appends a partition. Keys must come in strictly increasing
   * partitionPosition order, all of one table; otherwise INVALID_ARGUMENT and
   * nothing is written. `position`, if the caller has it, must be
   * `partitionPosition(update.key)` (spares hashing the key again). Await
   * each append before the next.
   */
  async append(update: PartitionUpdate, position?: string): Promise<void> {
    this.checkUsable();
    validatePartition(update);
    await this.appendValidated(update, encodePartitionRecord(update, this.recordScratch), position);
  }

  /**
   * Appends a partition given as its encoded body (codec's writePartitionBody,
   * as a memtable keeps it) of table `tableId`: the body is decoded — to
   * check it as the reader will and to gather statistics — and copied, not
   * encoded again. Malformed bytes are INVALID_ARGUMENT; otherwise as append().
   */
  async appendEncoded(tableId: string, body: Uint8Array): Promise<void> {
    this.checkUsable();
    // Views, not copies: the partition is only checked and counted (the statistics copy the first and last keys).
    const update = decodePartitionBody(body, tableId, true);
    validatePartition(update);
    await this.appendValidated(update, frameRecord(body, this.recordScratch));
  }

  /** The rest of an append, given the partition and its whole record (length prefix and body). */
  private async appendValidated(update: PartitionUpdate, record: Uint8Array, knownPosition?: string): Promise<void> {
    if (this.tableId !== undefined && update.tableId !== this.tableId) {
      throw invalid(`partition of table ${update.tableId} in an SSTable of table ${this.tableId}`);
    }
    const position = knownPosition ?? partitionPosition(update.key);
    if (this.lastPosition !== undefined && position <= this.lastPosition) {
      throw invalid('partitions must be appended in strictly increasing (token, key) order');
    }
    if (
      this.blockLength + record.length < this.block.length &&
      this.indexBlock.count + 1 < this.options.summaryInterval
    ) {
      // The common case needs no I/O: the record fits in the block with room to spare and the
      // Index block does not fill (what appendRecord and the path below would find). It spares
      // the io() closure and its promises: 11% of a profile of writes and flushes, the record's
      // encoding being 17%.
      this.indexBlock.add(position, this.data.position, this.blockLength);
      this.block.set(record, this.blockLength);
      this.blockLength += record.length;
    } else {
      await this.io(async () => {
        const location = await this.appendRecord(record);
        this.indexBlock.add(position, location.blockOffset, location.offsetInBlock);
        if (this.indexBlock.count === this.options.summaryInterval) await this.flushIndexBlock();
      });
    }
    this.lastPosition = position;
    this.tableId = update.tableId;
    this.bloom.add(update.key);
    this.stats.observe(update, record.length);
  }

  /**
   * Writes the remaining components and the TOC, making the SSTable appear
   * whole. An SSTable holds at least one partition: abort() an empty writer.
   */
  async finish(): Promise<SSTableInfo> {
    this.checkUsable();
    if (this.partitionCount === 0) throw invalid('an SSTable holds at least one partition; abort() an empty writer');
    let info: SSTableInfo | undefined;
    await this.io(async () => {
      info = await this.writeRest();
    });
    this.state = 'finished';
    return info!;
  }

  /** Removes every file this writer created. Not after a successful finish() (see deleteSSTable). */
  async abort(): Promise<void> {
    if (this.state === 'aborted') return;
    if (this.state === 'finished') throw invalid('the SSTable is finished; remove it with deleteSSTable()');
    if (this.state === 'busy') throw invalid('abort() while an append() or finish() is in progress');
    this.state = 'aborted';
    await this.data.discard();
    await this.index.discard();
    const toc = this.finalPath('TOC');
    if (this.created.delete(toc)) {
      await this.fs.unlink(toc);
      await this.fs.syncDir(this.directory);
    }
    for (const path of this.created) {
      await this.fs.unlink(path).catch((error: unknown) => {
        if (!(error instanceof RingtailError && error.code === ErrorCodes.NOT_FOUND)) throw error;
      });
    }
    this.created.clear();
    await this.fs.syncDir(this.directory);
  }

  private checkUsable(): void {
    if (this.state === 'open') return;
    if (this.state === 'busy') throw invalid('append() or finish() called before the previous call settled');
    if (this.state === 'failed') {
      throw new RingtailError(ErrorCodes.IO, 'the SSTable writer failed earlier; abort() it', { cause: this.failure });
    }
    throw new RingtailError(ErrorCodes.CLOSED, `the SSTable writer is ${this.state}`);
  }

  /** Runs file I/O; a failure leaves the writer failed, to be aborted. */
  private async io(work: () => Promise<void>): Promise<void> {
    this.state = 'busy';
    try {
      await work();
      this.state = 'open';
    } catch (error) {
      this.state = 'failed';
      this.failure = error;
      throw error;
    }
  }

  /**
   * Adds a record to the Data stream; returns where it starts. A record that
   * does not fit in the current block's room starts a new block; one larger
   * than a block fills blocks of exactly blockSizeBytes and ends in a partial one.
   */
  private async appendRecord(record: Uint8Array): Promise<{ blockOffset: number; offsetInBlock: number }> {
    const size = this.block.length;
    if (this.blockLength > 0 && this.blockLength + record.length > size) await this.flushDataBlock();
    const location = { blockOffset: this.data.position, offsetInBlock: this.blockLength };
    for (let from = 0; from < record.length; ) {
      const n = Math.min(record.length - from, size - this.blockLength);
      this.block.set(record.subarray(from, from + n), this.blockLength);
      this.blockLength += n;
      from += n;
      if (this.blockLength === size) await this.flushDataBlock();
    }
    return location;
  }

  private async flushDataBlock(): Promise<void> {
    if (this.blockLength === 0) return;
    await this.data.appendBlock(this.block.subarray(0, this.blockLength), DATA_MAGIC);
    this.blockLength = 0;
  }

  private async flushIndexBlock(): Promise<void> {
    if (this.indexBlock.count === 0) return;
    const firstPosition = this.indexBlock.firstPosition;
    const partitionCount = this.indexBlock.count;
    const indexOffset = this.index.position;
    const indexBlockBytes = await this.index.appendBlock(this.indexBlock.take(), INDEX_MAGIC);
    this.summary.push({ firstPosition, indexOffset, indexBlockBytes, partitionCount });
  }

  private async writeRest(): Promise<SSTableInfo> {
    await this.flushDataBlock();
    await this.flushIndexBlock();
    const stats = this.stats.finish();
    const dataFile = await this.data.finish();
    const indexFile = await this.index.finish();
    const small: Array<[BinaryComponent, Uint8Array]> = [
      ['Summary', encodeSummary({ interval: this.options.summaryInterval, entries: this.summary })],
      ['Filter', this.bloom.build(this.options.bloomFpChance).encode()],
      ['Statistics', encodeStatistics(stats)],
    ];
    const components: ComponentDigest[] = [
      { component: 'Data', ...dataFile },
      { component: 'Index', ...indexFile },
    ];
    for (const [component, bytes] of small) {
      this.created.add(this.tempPath(component));
      await writeWholeFile(this.fs, this.tempPath(component), bytes);
      components.push({ component, sizeBytes: bytes.length, xxhash64: xxhash64(bytes) });
    }
    for (const { component } of components) await this.moveIntoPlace(component);
    // The components' entries are durable before the TOC's can be.
    await this.fs.syncDir(this.directory);
    const toc = encodeToc(components);
    this.created.add(this.tempPath('TOC'));
    await writeWholeFile(this.fs, this.tempPath('TOC'), toc);
    await this.moveIntoPlace('TOC');
    await this.fs.syncDir(this.directory);
    const sizeBytes = components.reduce((sum, c) => sum + c.sizeBytes, toc.length);
    return { directory: this.directory, generation: this.generation, stats, components, sizeBytes };
  }

  private async moveIntoPlace(component: Component): Promise<void> {
    const from = this.tempPath(component);
    const to = this.finalPath(component);
    await this.fs.rename(from, to);
    this.created.delete(from);
    this.created.add(to);
  }

  private tempPath(component: Component): string {
    return joinPath(this.directory, tempFileName(this.generation, component));
  }

  private finalPath(component: Component): string {
    return joinPath(this.directory, sstableFileName(this.generation, component));
  }
}
