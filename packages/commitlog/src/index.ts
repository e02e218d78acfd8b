export { AppendTicket } from './batch.js';
export { CommitLog } from './commitlog.js';
export {
  DEFAULT_GROUP_WINDOW_MS,
  DEFAULT_SEGMENT_SIZE_BYTES,
  DEFAULT_SYNC_PERIOD_MS,
} from './constants.js';
export {
  type CommitLogPosition,
  comparePositions,
  FORMAT_VERSION,
  HEADER_BYTES,
  RECORD_OVERHEAD_BYTES,
  SEGMENT_MAGIC,
  segmentFileName,
} from './format.js';
export type { CommitLogOptions, SyncMode } from './options.js';
export type { RecoveryReport } from './recovery.js';
export type { ReplayedRecord, ReplayOptions, SkippedCorruption } from './replay.js';
