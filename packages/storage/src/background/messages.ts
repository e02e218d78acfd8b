/**
 * What the engine and its background worker say to each other
 * (worker_threads messages, structured-cloned; a memtable's slabs and a
 * compaction's stop flag are shared memory and cross without a copy).
 */
import type { ErrorCode } from '@ringtail/codec';
import type { CompactionJob, CompactionJobResult } from '../compaction/job.js';
import type { FlushJob } from './build.js';

export type BackgroundRequest =
  | { readonly id: number; readonly kind: 'flush'; readonly job: FlushJob }
  | { readonly id: number; readonly kind: 'compact'; readonly job: CompactionJob };

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type BackgroundReply =
  | { readonly kind: 'done'; readonly id: number; readonly result: CompactionJobResult | undefined }
  | {
      readonly kind: 'failed';
      readonly id: number;
      readonly code: ErrorCode | undefined;
      readonly message: string;
      /** The failure was a CompactionInDoubtError. */
      readonly inDoubt: boolean;
    }
  /** A line a job logged, for the engine's logger (under the job's bindings). */
  | {
      readonly kind: 'log';
      readonly id: number;
      readonly level: LogLevel;
      readonly fields: object;
      readonly message: string;
    };
