/**
 * Reads one SSTable (docs/formats/sstable.md). open() verifies the TOC, every
 * component's size against it, and loads Summary, Filter and Statistics whole
 * after checking their checksums and TOC hashes. A lookup is: bloom filter →
 * binary search of the Summary → one Index block → the partition's Data
 * blocks. Every block is verified before it is used; bad bytes yield a
 * CorruptionError naming the file and the block's offset, never a wrong answer.
 */
import {
  CorruptionError,
  ErrorCodes,
  type FileHandle,
  type FileSystem,
  initChecksums,
  isRingtailError,
  joinPath,
  MUTATION_FORMAT_VERSION,
  type PartitionUpdate,
  partitionPosition,
  RingtailError,
  xxhash64,
} from '@ringtail/codec';
import { BLOCK_OVERHEAD_BYTES, BLOCK_PREFIX_BYTES, ReadWindow, readAt, verifyBlock } from './block.js';
import { type BlockCache, newCacheOwnerId } from './block-cache.js';
import { BloomFilter } from './bloom.js';
import {
  MAX_BLOCK_SIZE_BYTES,
  MAX_TOC_BYTES,
  MIN_BLOCK_SIZE_BYTES,
  SCAN_READ_AHEAD_BYTES,
  VERIFY_READ_CHUNK_BYTES,
} from './constants.js';
import { DataFile, PartitionCursor } from './data-file.js';
import { createFileHasher } from './file-hash.js';
import {
  type Component,
  DATA_HEADER_BYTES,
  DATA_MAGIC,
  decodeDataHeader,
  decodeIndexHeader,
  INDEX_HEADER_BYTES,
  INDEX_MAGIC,
  isValidGeneration,
  readU32,
  sstableFileName,
} from './format.js';
import { decodeIndexBlock, findInIndexBlock, type IndexEntry } from './index-block.js';
import { decodePartitionBody } from './partition-codec.js';
import { decodeStatistics, type SSTableStats } from './statistics.js';
import { decodeSummary, findSummaryEntry, type Summary } from './summary.js';
import { type ComponentDigest, decodeToc } from './toc.js';

/** Bounds of a scan, as partitionPosition strings (a bare 8-byte token prefix works too). */
export interface ScanRange {
  fromPosition?: string;
  /** Whether a partition at exactly `fromPosition` is included. Default true. */
  fromInclusive?: boolean;
  toPosition?: string;
  /** Whether a partition at exactly `toPosition` is included. Default false. */
  toInclusive?: boolean;
}

export interface SSTableReaderOptions {
  /** Point reads look up and keep Index blocks here. */
  readonly indexCache?: BlockCache;
  /**
   * Point reads look up and keep Data blocks here; scans read past it. Apart
   * from `indexCache`, so that reads spread over more data than it holds do
   * not push out the Index blocks, which every read needs.
   */
  readonly dataCache?: BlockCache;
}

interface Loaded {
  readonly digests: readonly ComponentDigest[];
  readonly tocBytes: number;
  readonly stats: SSTableStats;
  readonly summary: Summary;
  readonly filter: BloomFilter;
}

function keyAtPosition(position: string, key: Uint8Array): boolean {
  if (position.length !== key.length + 8) return false;
  for (let i = 0; i < key.length; i++) if (position.charCodeAt(i + 8) !== key[i]) return false;
  return true;
}

export class SSTableReader {
  private closed = false;
  readonly stats: SSTableStats;
  /** Size and xxhash64 of each binary component, from the TOC. */
  readonly components: readonly ComponentDigest[];
  /** Bytes on disk, TOC included. */
  readonly sizeBytes: number;
  /** partitionPosition of the first and last partition. */
  readonly firstPosition: string;
  readonly lastPosition: string;
  private readonly summary: Summary;
  private readonly filter: BloomFilter;
  private readonly indexCache: BlockCache | undefined;
  private readonly dataCache: BlockCache | undefined;
  /** This reader's keys in the block cache, one for each file. */
  private readonly indexCacheOwner = newCacheOwnerId();

  private constructor(
    readonly directory: string,
    readonly generation: number,
    loaded: Loaded,
    private readonly data: DataFile,
    private readonly index: FileHandle,
    private readonly indexPath: string,
    options: SSTableReaderOptions,
  ) {
    this.indexCache = options.indexCache;
    this.dataCache = options.dataCache;
    this.stats = loaded.stats;
    this.components = loaded.digests;
    this.sizeBytes = loaded.digests.reduce((sum, d) => sum + d.sizeBytes, loaded.tocBytes);
    this.summary = loaded.summary;
    this.filter = loaded.filter;
    this.firstPosition = partitionPosition(loaded.stats.firstKey);
    this.lastPosition = partitionPosition(loaded.stats.lastKey);
  }

  /** Opens SSTable `generation` in `directory`; NOT_FOUND if it has no TOC. */
  static async open(
    fs: FileSystem,
    directory: string,
    generation: number,
    options: SSTableReaderOptions = {},
  ): Promise<SSTableReader> {
    if (!isValidGeneration(generation)) {
      throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `generation must be a positive safe integer`);
    }
    await initChecksums();
    const path = (component: Component) => joinPath(directory, sstableFileName(generation, component));
    const loaded = await loadComponents(fs, path);
    const handles: FileHandle[] = [];
    try {
      const dataHandle = await fs.open(path('Data'), 'r');
      handles.push(dataHandle);
      const indexHandle = await fs.open(path('Index'), 'r');
      handles.push(indexHandle);
      const header = decodeDataHeader(await readAt(dataHandle, 0, DATA_HEADER_BYTES), path('Data'));
      if (header.rowFormatVersion !== MUTATION_FORMAT_VERSION) {
        throw new RingtailError(
          ErrorCodes.UNSUPPORTED_VERSION,
          `${path('Data')} has row format ${header.rowFormatVersion}`,
        );
      }
      if (header.blockSizeBytes < MIN_BLOCK_SIZE_BYTES || header.blockSizeBytes > MAX_BLOCK_SIZE_BYTES) {
        throw new CorruptionError(path('Data'), 0, `block size ${header.blockSizeBytes} out of range`);
      }
      decodeIndexHeader(await readAt(indexHandle, 0, INDEX_HEADER_BYTES), path('Index'));
      const dataSizeBytes = loaded.digests[0]!.sizeBytes;
      const data = new DataFile(dataHandle, path('Data'), dataSizeBytes, header.blockSizeBytes);
      return new SSTableReader(directory, generation, loaded, data, indexHandle, path('Index'), options);
    } catch (error) {
      for (const handle of handles) await handle.close().catch(() => undefined);
      throw error;
    }
  }

  /** False if the SSTable surely does not hold `key`. */
  mightContain(key: Uint8Array): boolean {
    this.checkOpen();
    return this.filter.mightContain(key);
  }

  /** The partition with `key`, or undefined if this SSTable does not hold it. */
  async get(key: Uint8Array): Promise<PartitionUpdate | undefined> {
    this.checkOpen();
    if (!this.filter.mightContain(key)) return undefined;
    const position = partitionPosition(key);
    if (position < this.firstPosition || position > this.lastPosition) return undefined;
    const block = findSummaryEntry(this.summary.entries, position);
    if (block < 0) return undefined;
    const payload = await this.readIndexPayload(block, this.indexCache);
    const entry = findInIndexBlock(
      payload,
      this.indexPath,
      this.summary.entries[block]!.indexOffset,
      this.data.sizeBytes,
      position,
    );
    if (entry === undefined) return undefined;
    return this.readPartition(new PartitionCursor(this.data, 0, this.dataCache), entry);
  }

  /**
   * Partitions in (token, key) order within `range`. With `views`, keys and
   * values are views into the blocks read rather than copies of their own:
   * for a caller that drops each partition soon (compaction re-encodes it at
   * once); a view keeps its whole read-ahead buffer alive.
   */
  async *scan(range: ScanRange = {}, options: { views?: boolean } = {}): AsyncGenerator<PartitionUpdate> {
    const views = options.views === true;
    this.checkOpen();
    const { fromPosition: from, toPosition: to, fromInclusive = true, toInclusive = false } = range;
    const entries = this.summary.entries;
    const cursor = new PartitionCursor(this.data, SCAN_READ_AHEAD_BYTES);
    for (let i = from === undefined ? 0 : Math.max(0, findSummaryEntry(entries, from)); i < entries.length; i++) {
      if (to !== undefined && entries[i]!.firstPosition > to) return;
      for (const entry of await this.readIndexBlock(i)) {
        if (from !== undefined && (fromInclusive ? entry.position < from : entry.position <= from)) continue;
        if (to !== undefined && (toInclusive ? entry.position > to : entry.position >= to)) return;
        yield await this.readPartition(cursor, entry, views);
      }
    }
  }

  /**
   * Reads Data and Index whole, verifying every block and each file's
   * xxhash64 against the TOC (what `nodetool verify` does). Throws CorruptionError.
   */
  async verify(): Promise<void> {
    this.checkOpen();
    const [dataDigest, indexDigest] = this.components;
    await verifyFramedFile(this.data.handle, this.data.path, DATA_MAGIC, DATA_HEADER_BYTES, dataDigest!, (n) =>
      Math.min(n, this.data.blockSizeBytes),
    );
    await verifyFramedFile(this.index, this.indexPath, INDEX_MAGIC, INDEX_HEADER_BYTES, indexDigest!, (n) => n);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.data.handle.close();
    await this.index.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new RingtailError(ErrorCodes.CLOSED, `SSTable ${this.generation} is closed`);
  }

  /** The verified payload of Index block `i`, from `cache` if given and there. */
  private async readIndexPayload(i: number, cache?: BlockCache): Promise<Uint8Array> {
    const s = this.summary.entries[i]!;
    const cached = cache?.get(this.indexCacheOwner, s.indexOffset);
    if (cached !== undefined) return cached;
    const bytes = await readAt(this.index, s.indexOffset, s.indexBlockBytes);
    const payload = verifyBlock(bytes, INDEX_MAGIC, s.indexOffset, this.indexPath, s.indexBlockBytes);
    if (payload.length + BLOCK_OVERHEAD_BYTES !== s.indexBlockBytes) {
      throw new CorruptionError(this.indexPath, s.indexOffset, 'index block size differs from its Summary entry');
    }
    cache?.set(this.indexCacheOwner, s.indexOffset, payload);
    return payload;
  }

  private async readIndexBlock(i: number): Promise<IndexEntry[]> {
    const s = this.summary.entries[i]!;
    const entries = decodeIndexBlock(
      await this.readIndexPayload(i),
      this.indexPath,
      s.indexOffset,
      this.data.sizeBytes,
    );
    if (entries.length !== s.partitionCount || entries[0]!.position !== s.firstPosition) {
      throw new CorruptionError(this.indexPath, s.indexOffset, 'index block differs from its Summary entry');
    }
    return entries;
  }

  private async readPartition(cursor: PartitionCursor, entry: IndexEntry, views = false): Promise<PartitionUpdate> {
    const body = await cursor.readRecord(entry.blockOffset, entry.offsetInBlock);
    let update: PartitionUpdate;
    try {
      update = decodePartitionBody(body, this.stats.tableId, views);
    } catch (error) {
      if (!isRingtailError(error, ErrorCodes.INVALID_ARGUMENT)) throw error;
      const where = `partition at ${entry.offsetInBlock} of the block: ${error.message}`;
      throw new CorruptionError(this.data.path, entry.blockOffset, where, { cause: error });
    }
    if (!keyAtPosition(entry.position, update.key)) {
      throw new CorruptionError(this.data.path, entry.blockOffset, 'partition key differs from the Index');
    }
    return update;
  }
}

/** Reads the TOC, checks every component's size, and loads the small components whole. */
async function loadComponents(fs: FileSystem, path: (component: Component) => string): Promise<Loaded> {
  const tocPath = path('TOC');
  const tocStat = await fs.stat(tocPath);
  if (tocStat === undefined) throw new RingtailError(ErrorCodes.NOT_FOUND, `no SSTable: ${tocPath} does not exist`);
  if (tocStat.sizeBytes > MAX_TOC_BYTES) throw new CorruptionError(tocPath, 0, `TOC of ${tocStat.sizeBytes} bytes`);
  const tocBytes = await fs.readFile(tocPath);
  const digests = decodeToc(tocBytes, tocPath);
  for (const d of digests) {
    const stat = await fs.stat(path(d.component));
    if (stat === undefined) throw new CorruptionError(path(d.component), 0, 'missing, though the TOC lists it');
    if (stat.sizeBytes !== d.sizeBytes) {
      const at = Math.min(stat.sizeBytes, d.sizeBytes);
      throw new CorruptionError(path(d.component), at, `${stat.sizeBytes} bytes, the TOC says ${d.sizeBytes}`);
    }
  }
  const whole = async (i: number): Promise<Uint8Array> => {
    const bytes = await fs.readFile(path(digests[i]!.component));
    if (bytes.length !== digests[i]!.sizeBytes) {
      throw new CorruptionError(path(digests[i]!.component), 0, 'file changed size while being read');
    }
    return bytes;
  };
  const [summaryBytes, filterBytes, statsBytes] = [await whole(2), await whole(3), await whole(4)];
  // Own checksums first, for the precise error; the TOC's hashes then catch a whole file from another SSTable.
  const summary = decodeSummary(summaryBytes, path('Summary'), digests[1]!.sizeBytes);
  const filter = BloomFilter.decode(filterBytes, path('Filter'));
  const stats = decodeStatistics(statsBytes, path('Statistics'));
  for (const [i, bytes] of [summaryBytes, filterBytes, statsBytes].entries()) {
    const d = digests[i + 2]!;
    if (xxhash64(bytes) !== d.xxhash64) {
      throw new CorruptionError(path(d.component), 0, 'contents differ from the xxhash64 in the TOC');
    }
  }
  const counted = summary.entries.reduce((sum, e) => sum + e.partitionCount, 0);
  if (counted !== stats.partitionCount || summary.entries[0]!.firstPosition !== partitionPosition(stats.firstKey)) {
    throw new CorruptionError(path('Summary'), 0, 'Summary and Statistics disagree');
  }
  return { digests, tocBytes: tocBytes.length, stats, summary, filter };
}

/** Walks a file of framed blocks from its header to its end, verifying each block and the whole file's xxhash64. */
async function verifyFramedFile(
  handle: FileHandle,
  path: string,
  magic: number,
  headerBytes: number,
  digest: ComponentDigest,
  maxPayloadBytes: (lengthField: number) => number,
): Promise<void> {
  const hasher = await createFileHasher();
  const window = new ReadWindow(handle, digest.sizeBytes, VERIFY_READ_CHUNK_BYTES);
  hasher.update(await window.read(0, headerBytes));
  for (let offset = headerBytes; offset < digest.sizeBytes; ) {
    const prefix = await window.read(offset, BLOCK_PREFIX_BYTES);
    const claimed = prefix.length === BLOCK_PREFIX_BYTES ? readU32(prefix, 0) : 0;
    const bytes = await window.read(offset, BLOCK_OVERHEAD_BYTES + maxPayloadBytes(claimed));
    const payload = verifyBlock(bytes, magic, offset, path, maxPayloadBytes(claimed));
    const framed = bytes.subarray(0, BLOCK_OVERHEAD_BYTES + payload.length);
    hasher.update(framed);
    offset += framed.length;
  }
  if (hasher.digest() !== digest.xxhash64) {
    throw new CorruptionError(path, 0, 'contents differ from the xxhash64 in the TOC');
  }
}
