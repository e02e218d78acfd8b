/**
 * A bounded cache of verified block payloads, shared by the SSTables of a
 * node (LevelDB's block cache, Cassandra's chunk cache). Point reads consult
 * one for Index blocks and one for Data blocks, so a read whose blocks are
 * cached costs no I/O and no checksum; scans and compactions read past them,
 * so a full scan does not flush the hot blocks out.
 *
 * Entries are keyed by the reader that read them (an id no other reader ever
 * gets, so a new SSTable never sees an old one's bytes) and the block's offset.
 * Least recently used entries go first once `capacityBytes` is exceeded.
 */
import { ErrorCodes, RingtailError } from '@ringtail/codec';

export interface BlockCacheStats {
  readonly capacityBytes: number;
  readonly sizeBytes: number;
  readonly entries: number;
  readonly hits: number;
  readonly misses: number;
}

let nextOwnerId = 1;

/** An id for a reader's entries, never handed out twice in this process. */
export function newCacheOwnerId(): number {
  return nextOwnerId++;
}

export class BlockCache {
  /** Map order is recency order: a hit moves its entry to the end. */
  private readonly entries = new Map<string, Uint8Array>();
  private sizeBytes = 0;
  private hits = 0;
  private misses = 0;

  constructor(readonly capacityBytes: number) {
    if (!Number.isSafeInteger(capacityBytes) || capacityBytes < 0) {
      throw new RingtailError(
        ErrorCodes.INVALID_ARGUMENT,
        `block cache capacity must be an integer >= 0, got ${capacityBytes}`,
      );
    }
  }

  get(owner: number, offset: number): Uint8Array | undefined {
    const key = cacheKey(owner, offset);
    const payload = this.entries.get(key);
    if (payload === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    this.entries.delete(key);
    this.entries.set(key, payload);
    return payload;
  }

  /** Caches a verified payload; the cache keeps `payload` itself, which must never change. */
  set(owner: number, offset: number, payload: Uint8Array): void {
    if (payload.length > this.capacityBytes) return;
    const key = cacheKey(owner, offset);
    const old = this.entries.get(key);
    if (old !== undefined) {
      this.entries.delete(key);
      this.sizeBytes -= old.length;
    }
    this.entries.set(key, payload);
    this.sizeBytes += payload.length;
    if (this.sizeBytes <= this.capacityBytes) return;
    for (const [oldest, bytes] of this.entries) {
      this.entries.delete(oldest);
      this.sizeBytes -= bytes.length;
      if (this.sizeBytes <= this.capacityBytes) return;
    }
  }

  stats(): BlockCacheStats {
    return {
      capacityBytes: this.capacityBytes,
      sizeBytes: this.sizeBytes,
      entries: this.entries.size,
      hits: this.hits,
      misses: this.misses,
    };
  }
}

function cacheKey(owner: number, offset: number): string {
  return `${owner}:${offset}`;
}
