/**
 * A table's compaction settings (CQL `WITH compaction = {...}`), as Cassandra
 * names them, and their validation. Strategies receive the resolved form,
 * every default filled in.
 */
import { ErrorCodes, RingtailError } from '@ringtail/codec';
import {
  DEFAULT_BUCKET_HIGH,
  DEFAULT_BUCKET_LOW,
  DEFAULT_MAX_THRESHOLD,
  DEFAULT_MIN_SSTABLE_SIZE_BYTES,
  DEFAULT_MIN_THRESHOLD,
  DEFAULT_WINDOW_SIZE,
  DEFAULT_WINDOW_UNIT,
  MAX_COMPACTION_INPUTS,
} from '../constants.js';

interface CommonCompactionOptions {
  /** Fewest SSTables a minor compaction takes. Default 4; at least 2. */
  readonly minThreshold?: number;
  /** Most SSTables a minor compaction takes. Default 32; at least minThreshold. */
  readonly maxThreshold?: number;
  /**
   * Whether compactions start by themselves after flushes (Cassandra's
   * `enabled` subproperty). `StorageEngine.compact()` works either way. Default true.
   */
  readonly enabled?: boolean;
}

export interface SizeTieredOptions extends CommonCompactionOptions {
  readonly class: 'SizeTieredCompactionStrategy';
  /** An SSTable joins a bucket when its size is in (average × bucketLow, average × bucketHigh). */
  readonly bucketLow?: number;
  readonly bucketHigh?: number;
  /** SSTables smaller than this all share one bucket. Default 50 MiB. */
  readonly minSSTableSizeBytes?: number;
}

export type WindowUnit = 'MINUTES' | 'HOURS' | 'DAYS';

export interface TimeWindowOptions extends CommonCompactionOptions {
  readonly class: 'TimeWindowCompactionStrategy';
  /** Default DAYS. */
  readonly windowUnit?: WindowUnit;
  /** Units per window, a positive integer. Default 1. */
  readonly windowSize?: number;
}

export type CompactionOptions = SizeTieredOptions | TimeWindowOptions;

export interface ResolvedSizeTiered {
  readonly class: 'SizeTieredCompactionStrategy';
  readonly enabled: boolean;
  readonly minThreshold: number;
  readonly maxThreshold: number;
  readonly bucketLow: number;
  readonly bucketHigh: number;
  readonly minSSTableSizeBytes: number;
}

export interface ResolvedTimeWindow {
  readonly class: 'TimeWindowCompactionStrategy';
  readonly enabled: boolean;
  readonly minThreshold: number;
  readonly maxThreshold: number;
  readonly windowSizeMicros: number;
  /** The size-tiered settings used inside the current window (Cassandra's STCS defaults). */
  readonly sizeTiered: ResolvedSizeTiered;
}

export type ResolvedCompactionOptions = ResolvedSizeTiered | ResolvedTimeWindow;

const UNIT_SECONDS: Record<WindowUnit, number> = { MINUTES: 60, HOURS: 3600, DAYS: 86_400 };

function invalid(message: string): never {
  throw new RingtailError(ErrorCodes.INVALID_ARGUMENT, `compaction: ${message}`);
}

function integerAtLeast(name: string, value: number | undefined, fallback: number, min: number): number {
  const v = value ?? fallback;
  if (!Number.isSafeInteger(v) || v < min) invalid(`${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

function resolveThresholds(options: CommonCompactionOptions): { minThreshold: number; maxThreshold: number } {
  const minThreshold = integerAtLeast('minThreshold', options.minThreshold, DEFAULT_MIN_THRESHOLD, 2);
  const maxThreshold = integerAtLeast(
    'maxThreshold',
    options.maxThreshold,
    Math.max(DEFAULT_MAX_THRESHOLD, minThreshold),
    minThreshold,
  );
  if (maxThreshold > MAX_COMPACTION_INPUTS) invalid(`maxThreshold must be at most ${MAX_COMPACTION_INPUTS}`);
  return { minThreshold, maxThreshold };
}

function resolveSizeTiered(options: Omit<SizeTieredOptions, 'class'>): ResolvedSizeTiered {
  const bucketLow = options.bucketLow ?? DEFAULT_BUCKET_LOW;
  const bucketHigh = options.bucketHigh ?? DEFAULT_BUCKET_HIGH;
  if (!(bucketLow > 0 && bucketLow < 1)) invalid(`bucketLow must be in (0, 1), got ${bucketLow}`);
  if (!(bucketHigh > 1 && Number.isFinite(bucketHigh))) invalid(`bucketHigh must be > 1, got ${bucketHigh}`);
  return {
    class: 'SizeTieredCompactionStrategy',
    enabled: options.enabled ?? true,
    ...resolveThresholds(options),
    bucketLow,
    bucketHigh,
    minSSTableSizeBytes: integerAtLeast(
      'minSSTableSizeBytes',
      options.minSSTableSizeBytes,
      DEFAULT_MIN_SSTABLE_SIZE_BYTES,
      0,
    ),
  };
}

/** Fills in defaults; INVALID_ARGUMENT for settings out of range. Undefined means size-tiered. */
export function resolveCompactionOptions(options: CompactionOptions | undefined): ResolvedCompactionOptions {
  if (options === undefined) return resolveSizeTiered({});
  if (options.class === 'SizeTieredCompactionStrategy') return resolveSizeTiered(options);
  if (options.class !== 'TimeWindowCompactionStrategy')
    invalid(`unknown class ${String((options as CompactionOptions).class)}`);
  const unit = options.windowUnit ?? DEFAULT_WINDOW_UNIT;
  if (!(unit in UNIT_SECONDS)) invalid(`windowUnit must be MINUTES, HOURS or DAYS, got ${String(unit)}`);
  const windowSize = integerAtLeast('windowSize', options.windowSize, DEFAULT_WINDOW_SIZE, 1);
  const windowSizeMicros = windowSize * UNIT_SECONDS[unit] * 1_000_000;
  if (!Number.isSafeInteger(windowSizeMicros)) invalid(`a window of ${windowSize} ${unit} is too long`);
  const thresholds = resolveThresholds(options);
  return {
    class: 'TimeWindowCompactionStrategy',
    enabled: options.enabled ?? true,
    ...thresholds,
    windowSizeMicros,
    sizeTiered: resolveSizeTiered(thresholds),
  };
}
