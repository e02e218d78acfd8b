/**
 * What the engine and its flush worker say to each other (worker_threads
 * messages, structured-cloned; the memtable's slabs are shared memory and
 * cross without a copy).
 */
import type { ErrorCode } from '@ringtail/codec';
import type { FlushJob } from './build.js';

export interface FlushRequest {
  readonly id: number;
  readonly job: FlushJob;
}

export type FlushReply =
  | { readonly id: number; readonly ok: true }
  | { readonly id: number; readonly ok: false; readonly code: ErrorCode | undefined; readonly message: string };
