/**
 * Where flushes run. Inline, a flush's SSTable is written on the engine's
 * thread through the engine's (injected) file system: what tests with the
 * simulated file system use. In a worker (`flushInWorker`), one worker thread
 * per engine writes them through the real file system, so that a node's
 * writes and its flushes use two cores, as Cassandra's flush threads do; the
 * engine's thread only hands over the frozen memtable's slabs (shared memory)
 * and the order of its partitions.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ErrorCodes, type FileSystem, RingtailError } from '@ringtail/codec';
import { buildSSTable, type FlushJob } from './build.js';
import type { FlushReply, FlushRequest } from './messages.js';

export interface FlushExecutor {
  /** Writes the SSTable of `job` whole, or rejects having left none of its files. */
  run(job: FlushJob): Promise<void>;
  /** Waits for nothing: call once no flush runs. */
  close(): Promise<void>;
}

export function inlineFlushExecutor(fs: FileSystem): FlushExecutor {
  return {
    run: (job) => buildSSTable(fs, job),
    close: async () => {},
  };
}

/** The worker's module, by the package's own export (the same file from the sources' tests and from dist). */
function workerPath(): string {
  return createRequire(import.meta.url).resolve('@ringtail/storage/flush-worker');
}

interface Pending {
  resolve(): void;
  reject(error: unknown): void;
}

export class WorkerFlushExecutor implements FlushExecutor {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  run(job: FlushJob): Promise<void> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise<void>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      // Referenced while a flush runs (the engine awaits it); idle, the worker does not keep the process alive.
      if (this.pending.size === 1) worker.ref();
      worker.postMessage({ id, job } satisfies FlushRequest);
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
    this.failAll(new RingtailError(ErrorCodes.CLOSED, 'the flush worker was closed'));
  }

  private start(): Worker {
    const worker = new Worker(workerPath());
    worker.unref();
    worker.on('message', (reply: FlushReply) => this.settle(reply));
    // A worker that dies takes its flushes with it: they fail (and are retried, by a new worker).
    worker.on('error', (error) => this.lost(worker, error));
    worker.on('exit', (code) => this.lost(worker, new Error(`the flush worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private settle(reply: FlushReply): void {
    const pending = this.pending.get(reply.id);
    if (pending === undefined) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (reply.ok) pending.resolve();
    else pending.reject(new RingtailError(reply.code ?? ErrorCodes.IO, `flush failed: ${reply.message}`));
  }

  private lost(worker: Worker, cause: unknown): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failAll(new RingtailError(ErrorCodes.IO, 'the flush worker stopped', { cause }));
  }

  private failAll(error: RingtailError): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
  }
}
