/**
 * Write timestamps of one node: the clock's microseconds, made strictly
 * increasing (as Cassandra's ClientState.getTimestamp), so two statements
 * of this node never share a timestamp and a later statement always wins a
 * last-write-wins merge against an earlier one — even when the clock reads
 * the same microsecond twice.
 */
import type { Clock } from '@ringtail/codec';

export class TimestampSource {
  private lastMicros = 0;

  constructor(private readonly clock: Clock) {}

  nextMicros(): number {
    const now = this.clock.nowMicros();
    this.lastMicros = now > this.lastMicros ? now : this.lastMicros + 1;
    return this.lastMicros;
  }
}
