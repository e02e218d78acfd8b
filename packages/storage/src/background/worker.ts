/**
 * A background worker: a worker thread that writes flushed SSTables from
 * frozen memtables (build.ts) or runs compactions (compaction/job.ts) on the
 * real file system — the engine starts one for each (executor.ts) — so that
 * encoding blocks, checksums, indexes, bloom filters, merges and file writes
 * do not slow the engine's writes. Jobs run as they arrive, each answered
 * once; what a job logs is sent to the engine's logger.
 */
import { parentPort } from 'node:worker_threads';
import { initChecksums, isRingtailError, type Logger, nodeFileSystem } from '@ringtail/codec';
import { runCompactionJob } from '../compaction/job.js';
import { CompactionInDoubtError } from '../compaction/task.js';
import { buildSSTable } from './build.js';
import type { BackgroundReply, BackgroundRequest, LogLevel } from './messages.js';

if (parentPort === null) throw new Error('the background worker runs as a worker thread');
const port = parentPort;
// Blocking file calls: this thread exists to do I/O, and a thread-pool round trip costs more CPU than the call.
const fs = nodeFileSystem({ blocking: true });
const ready = initChecksums();

/** Logs of job `id`, posted to the engine; errors are sent as their message and code. */
function jobLogger(id: number, bindings: object = {}): Logger {
  const send = (level: LogLevel) => (fields: object, message: string) => {
    const plain: Record<string, unknown> = { ...bindings };
    for (const [key, value] of Object.entries(fields)) {
      plain[key] =
        value instanceof Error
          ? { message: value.message, code: isRingtailError(value) ? value.code : undefined, stack: value.stack }
          : value;
    }
    port.postMessage({ kind: 'log', id, level, fields: plain, message } satisfies BackgroundReply);
  };
  return {
    debug: send('debug'),
    info: send('info'),
    warn: send('warn'),
    error: send('error'),
    child: (more) => jobLogger(id, { ...bindings, ...more }),
  };
}

async function run(request: BackgroundRequest): Promise<BackgroundReply> {
  try {
    await ready;
    if (request.kind === 'flush') {
      await buildSSTable(fs, request.job);
      return { kind: 'done', id: request.id, result: undefined };
    }
    const result = await runCompactionJob(fs, request.job, jobLogger(request.id));
    return { kind: 'done', id: request.id, result };
  } catch (error) {
    return {
      kind: 'failed',
      id: request.id,
      code: isRingtailError(error) ? error.code : undefined,
      message: error instanceof Error ? error.message : String(error),
      inDoubt: error instanceof CompactionInDoubtError,
    };
  }
}

port.on('message', (request: BackgroundRequest) => {
  void run(request).then((reply) => port.postMessage(reply));
});
