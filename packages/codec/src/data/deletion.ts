/**
 * Time in the data model. Write timestamps are microseconds since the epoch
 * (client-settable with USING TIMESTAMP); expiry and deletion times are whole
 * seconds since the epoch ("local" times, as Cassandra calls them: when this
 * node deleted something, or when a TTL runs out), used for gc_grace_seconds.
 */

/** `markedForDeleteAtMicros` of "not deleted": older than every timestamp. */
export const NO_TIMESTAMP = Number.MIN_SAFE_INTEGER;
/** `localDeletionTimeSec` of something that never expires and is not deleted. */
export const NO_DELETION_TIME = Number.MAX_SAFE_INTEGER;

/**
 * A tombstone's two times: data written at or before `markedForDeleteAtMicros`
 * is deleted; `localDeletionTimeSec` is when the deletion happened here, from
 * which gc_grace_seconds counts before compaction may purge the tombstone.
 */
export interface DeletionTime {
  readonly markedForDeleteAtMicros: number;
  readonly localDeletionTimeSec: number;
}

export const LIVE: DeletionTime = Object.freeze({
  markedForDeleteAtMicros: NO_TIMESTAMP,
  localDeletionTimeSec: NO_DELETION_TIME,
});

export function deletionTime(markedForDeleteAtMicros: number, localDeletionTimeSec: number): DeletionTime {
  return { markedForDeleteAtMicros, localDeletionTimeSec };
}

export function isLiveDeletion(d: DeletionTime | undefined): boolean {
  return d === undefined || d.markedForDeleteAtMicros === NO_TIMESTAMP;
}

/** The deletion that wins: the later mark; on a tie, the later local time. */
export function laterDeletion(a: DeletionTime | undefined, b: DeletionTime | undefined): DeletionTime | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  if (a.markedForDeleteAtMicros !== b.markedForDeleteAtMicros) {
    return a.markedForDeleteAtMicros > b.markedForDeleteAtMicros ? a : b;
  }
  return a.localDeletionTimeSec >= b.localDeletionTimeSec ? a : b;
}

/** Whether data written at `timestampMicros` is deleted by `d`. */
export function deletes(d: DeletionTime | undefined, timestampMicros: number): boolean {
  return d !== undefined && timestampMicros <= d.markedForDeleteAtMicros;
}

export function secondsFromMicros(micros: number): number {
  return Math.floor(micros / 1_000_000);
}
