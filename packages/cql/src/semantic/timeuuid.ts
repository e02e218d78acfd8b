/**
 * Version 1 (time-based) and version 4 (random) uuids from an injected clock
 * reading and random source, for `now()`, `uuid()` and list element paths.
 * A v1 uuid counts 100 ns ticks since 1582-10-15 (RFC 4122 §4.1.4).
 */
import type { Random } from '@ringtail/codec';

/** 100 ns ticks between 1582-10-15 and 1970-01-01. */
const GREGORIAN_OFFSET_TICKS = 0x01b21dd213814000n;
const TICKS_PER_MICRO = 10n;
const TICKS_PER_MILLI = 10_000n;
const MAX_TICKS = (1n << 60n) - 1n;
const HEX = '0123456789abcdef';

function formatUuid(bytes: Uint8Array): string {
  let text = '';
  for (let i = 0; i < 16; i++) {
    if (i === 4 || i === 6 || i === 8 || i === 10) text += '-';
    text += HEX[bytes[i]! >> 4]! + HEX[bytes[i]! & 15]!;
  }
  return text;
}

/**
 * A v1 uuid at `ticks` (clamped to the 60-bit range). `lowBytes` are the 8
 * bytes of clock sequence and node; the variant bits are set here.
 */
export function timeuuidFromTicks(ticks: bigint, lowBytes: Uint8Array): string {
  const t = ticks < 0n ? 0n : ticks > MAX_TICKS ? MAX_TICKS : ticks;
  const bytes = new Uint8Array(16);
  const low = Number(t & 0xffffffffn);
  const mid = Number((t >> 32n) & 0xffffn);
  const high = Number((t >> 48n) & 0x0fffn) | 0x1000;
  bytes[0] = low >>> 24;
  bytes[1] = (low >>> 16) & 0xff;
  bytes[2] = (low >>> 8) & 0xff;
  bytes[3] = low & 0xff;
  bytes[4] = mid >>> 8;
  bytes[5] = mid & 0xff;
  bytes[6] = high >>> 8;
  bytes[7] = high & 0xff;
  bytes.set(lowBytes.subarray(0, 8), 8);
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return formatUuid(bytes);
}

/** Ticks of a microsecond timestamp; `subTicks` (0..9 keeps the microsecond) orders uuids made in one microsecond. */
export function ticksFromMicros(micros: number, subTicks = 0): bigint {
  return BigInt(Math.trunc(micros)) * TICKS_PER_MICRO + GREGORIAN_OFFSET_TICKS + BigInt(subTicks);
}

export function ticksFromMillis(millis: number): bigint {
  return BigInt(Math.trunc(millis)) * TICKS_PER_MILLI + GREGORIAN_OFFSET_TICKS;
}

/** A fresh v1 uuid for `now()`: the microsecond of `nowMicros`, random sub-microsecond ticks, clock sequence and node. */
export function newTimeuuid(nowMicros: number, random: Random): string {
  return timeuuidFromTicks(ticksFromMicros(nowMicros, random.int(10)), random.bytes(8));
}

/** A random (version 4) uuid. */
export function newRandomUuid(random: Random): string {
  const bytes = random.bytes(16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x40;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  return formatUuid(bytes);
}

/** Milliseconds since the epoch of a v1 uuid string (already validated), rounded down. */
export function millisOfTimeuuid(uuid: string): number {
  const hex = uuid.replaceAll('-', '');
  const ticks =
    (BigInt(`0x${hex.slice(13, 16)}`) << 48n) |
    (BigInt(`0x${hex.slice(8, 12)}`) << 32n) |
    BigInt(`0x${hex.slice(0, 8)}`);
  const sinceEpoch = ticks - GREGORIAN_OFFSET_TICKS;
  const millis = sinceEpoch / TICKS_PER_MILLI;
  return Number(sinceEpoch < 0n && millis * TICKS_PER_MILLI !== sinceEpoch ? millis - 1n : millis);
}

/** The smallest (min) or greatest (max) v1 uuid of a millisecond, as Cassandra's minTimeuuid / maxTimeuuid. */
export function boundTimeuuid(millis: number, bound: 'min' | 'max'): string {
  const ticks = ticksFromMillis(millis) + (bound === 'max' ? TICKS_PER_MILLI - 1n : 0n);
  // Cassandra compares the low 8 bytes as signed bytes: 0x80 is the smallest, 0x7f the greatest.
  const low = new Uint8Array(8).fill(bound === 'max' ? 0x7f : 0x80);
  return timeuuidFromTicksRaw(ticks, low);
}

/** As {@link timeuuidFromTicks} but keeps the low bytes as given (no variant bits), for the min/max bounds. */
function timeuuidFromTicksRaw(ticks: bigint, lowBytes: Uint8Array): string {
  const text = timeuuidFromTicks(ticks, lowBytes);
  const bytes = [...lowBytes].map((b) => HEX[b >> 4]! + HEX[b & 15]!).join('');
  return `${text.slice(0, 19)}${bytes.slice(0, 4)}-${bytes.slice(4)}`;
}
