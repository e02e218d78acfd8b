/**
 * Cell paths for list elements: the byte-comparable form of a version 1 uuid,
 * so that elements sort by the time they were added. Appends count up from
 * the statement's now; prepends use Cassandra's trick of a time mirrored
 * around 2010-01-01, so that a later prepend sorts before every earlier
 * element. One clock serves a whole statement or batch, so that every
 * element it adds gets its own path, in order.
 */
import type { Random } from '@ringtail/codec';
import { elementPath } from './keys.js';
import { ticksFromMicros, timeuuidFromTicks } from './timeuuid.js';

/** Cassandra's PrecisionTime.REFERENCE_TIME (2010-01-01T00:00:00Z), in microseconds. */
const PREPEND_REFERENCE_MICROS = 1_262_304_000_000_000;
const TIMEUUID = { kind: 'timeuuid' } as const;

export class ListPathClock {
  private appended = 0;
  private prepended = 0;
  /**
   * Drawn when the first path is made: every write statement makes a clock and
   * few add list elements (the draw was 0.16 µs of every single-row INSERT in
   * a profile of the node executing them).
   */
  private lowBytes: Uint8Array | undefined;

  constructor(
    private readonly nowMicros: number,
    private readonly random: Random,
  ) {}

  /** Paths for `count` new elements, in list order. */
  paths(count: number, where: 'append' | 'prepend'): string[] {
    const out: string[] = [];
    if (where === 'append') {
      const base = ticksFromMicros(this.nowMicros);
      for (let i = 0; i < count; i++) out.push(this.path(base + BigInt(this.appended++)));
      return out;
    }
    // Each prepend goes before the previous one; its elements keep their order.
    this.prepended += count;
    const base = ticksFromMicros(2 * PREPEND_REFERENCE_MICROS - this.nowMicros) - BigInt(this.prepended);
    for (let i = 0; i < count; i++) out.push(this.path(base + BigInt(i)));
    return out;
  }

  private path(ticks: bigint): string {
    this.lowBytes ??= this.random.bytes(8);
    return elementPath(TIMEUUID, timeuuidFromTicks(ticks, this.lowBytes));
  }
}
