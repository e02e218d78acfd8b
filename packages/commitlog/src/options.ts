import { ErrorCodes, RingtailError, type Runtime } from '@ringtail/codec';
import {
  DEFAULT_GROUP_WINDOW_MS,
  DEFAULT_SEGMENT_SIZE_BYTES,
  DEFAULT_SYNC_PERIOD_MS,
  MAX_SEGMENT_SIZE_BYTES,
  MIN_SEGMENT_SIZE_BYTES,
} from './constants.js';
import { HEADER_BYTES, RECORD_OVERHEAD_BYTES } from './format.js';

/**
 * When an append's promise resolves:
 * - `periodic`: once the record has been written to the OS (write(2)); the
 *   log is fsynced every `syncPeriodMs`. Survives a process crash, not a
 *   power failure.
 * - `group`: after an fsync that covers it; at most one fsync per `groupWindowMs`.
 * - `batch`: after an fsync that covers it; the next fsync starts as soon as
 *   the previous one finishes.
 */
export type SyncMode = 'periodic' | 'group' | 'batch';

export interface CommitLogOptions {
  runtime: Runtime;
  /** Directory holding the segments; created if missing. One process owns it at a time. */
  directory: string;
  syncMode?: SyncMode;
  syncPeriodMs?: number;
  groupWindowMs?: number;
  segmentSizeBytes?: number;
  /** Largest payload accepted; default half a segment. */
  maxRecordBytes?: number;
}

export interface ResolvedOptions {
  runtime: Runtime;
  directory: string;
  syncMode: SyncMode;
  syncPeriodMs: number;
  groupWindowMs: number;
  segmentSizeBytes: number;
  maxRecordBytes: number;
}

function invalid(message: string): RingtailError {
  return new RingtailError(ErrorCodes.INVALID_ARGUMENT, `commit log: ${message}`);
}

export function resolveOptions(options: CommitLogOptions): ResolvedOptions {
  const syncMode = options.syncMode ?? 'periodic';
  if (syncMode !== 'periodic' && syncMode !== 'group' && syncMode !== 'batch') {
    throw invalid(`unknown sync mode '${String(syncMode)}' (expected periodic, group or batch)`);
  }
  const segmentSizeBytes = options.segmentSizeBytes ?? DEFAULT_SEGMENT_SIZE_BYTES;
  if (
    !Number.isInteger(segmentSizeBytes) ||
    segmentSizeBytes < MIN_SEGMENT_SIZE_BYTES ||
    segmentSizeBytes > MAX_SEGMENT_SIZE_BYTES
  ) {
    throw invalid(`segmentSizeBytes must be an integer in [${MIN_SEGMENT_SIZE_BYTES}, ${MAX_SEGMENT_SIZE_BYTES}]`);
  }
  const maxRecordBytes = options.maxRecordBytes ?? Math.floor(segmentSizeBytes / 2);
  if (!Number.isInteger(maxRecordBytes) || maxRecordBytes < 0) {
    throw invalid('maxRecordBytes must be a non-negative integer');
  }
  if (HEADER_BYTES + RECORD_OVERHEAD_BYTES + maxRecordBytes > segmentSizeBytes) {
    throw invalid(`maxRecordBytes ${maxRecordBytes} does not fit in a segment of ${segmentSizeBytes} bytes`);
  }
  const syncPeriodMs = options.syncPeriodMs ?? DEFAULT_SYNC_PERIOD_MS;
  const groupWindowMs = options.groupWindowMs ?? DEFAULT_GROUP_WINDOW_MS;
  if (!(syncPeriodMs > 0)) throw invalid('syncPeriodMs must be positive');
  if (!(groupWindowMs >= 0)) throw invalid('groupWindowMs must be zero or positive');
  return {
    runtime: options.runtime,
    directory: options.directory,
    syncMode,
    syncPeriodMs,
    groupWindowMs,
    segmentSizeBytes,
    maxRecordBytes,
  };
}
