/**
 * Where flushes and compactions run. Inline, on the engine's thread through
 * the engine's (injected) file system: what tests with the simulated file
 * system use. In background workers (`backgroundWorker`), two worker threads
 * per engine — one for flushes, one for compactions — do them through the
 * real file system, so that a node's writes and reads are not slowed by
 * them, as with Cassandra's flush and compaction threads; the engine's thread
 * hands over a frozen memtable's slabs (shared memory) or a compaction's
 * generations.
 */
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import { ErrorCodes, type FileSystem, type Logger, RingtailError } from '@ringtail/codec';
import { type CompactionJob, type CompactionJobResult, runCompactionJob } from '../compaction/job.js';
import { CompactionInDoubtError } from '../compaction/task.js';
import { buildSSTable, type FlushJob } from './build.js';
import type { BackgroundReply, BackgroundRequest } from './messages.js';

export interface BackgroundExecutor {
  /** Writes the SSTable of `job` whole, or rejects having left none of its files. */
  flush(job: FlushJob): Promise<void>;
  /** Runs the compaction `job` (see runCompactionJob); `logger` receives what it logs. */
  compact(job: CompactionJob, logger: Logger): Promise<CompactionJobResult>;
  /** Call once no job runs; a job still running fails with RT_CLOSED. */
  close(): Promise<void>;
}

export function inlineExecutor(fs: FileSystem): BackgroundExecutor {
  return {
    flush: (job) => buildSSTable(fs, job),
    compact: (job, logger) => runCompactionJob(fs, job, logger),
    close: async () => {},
  };
}

/** The worker's module, by the package's own export (the same file from the sources' tests and from dist). */
function workerPath(): string {
  return createRequire(import.meta.url).resolve('@ringtail/storage/background-worker');
}

interface Pending {
  readonly logger: Logger | undefined;
  resolve(result: CompactionJobResult | undefined): void;
  reject(error: unknown): void;
}

/**
 * One worker thread and the jobs it runs. Flushes and compactions have a
 * lane each: a compaction of large SSTables runs for seconds without
 * yielding (its file calls block), and a flush queued behind it would hold
 * up every write waiting for memtable space — as Cassandra keeps flush and
 * compaction in separate thread pools.
 */
class WorkerLane {
  private worker: Worker | undefined;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;

  run(
    request: (id: number) => BackgroundRequest,
    logger: Logger | undefined,
  ): Promise<CompactionJobResult | undefined> {
    const worker = this.worker ?? this.start();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      // Posted before it is pending: a job that cannot be posted (not cloneable) fails alone, and leaves
      // nothing pending that would keep the worker referenced.
      worker.postMessage(request(id));
      this.pending.set(id, { logger, resolve, reject });
      // Referenced while a job runs (the engine awaits it); idle, the worker does not keep the process alive.
      if (this.pending.size === 1) worker.ref();
    });
  }

  async close(): Promise<void> {
    const worker = this.worker;
    this.worker = undefined;
    if (worker !== undefined) await worker.terminate();
    this.failAll(new RingtailError(ErrorCodes.CLOSED, 'the background worker was closed'));
  }

  private start(): Worker {
    const worker = new Worker(workerPath());
    worker.unref();
    worker.on('message', (reply: BackgroundReply) => this.receive(reply));
    // A worker that dies takes its jobs with it: they fail (a flush is retried, by a new worker).
    worker.on('error', (error) => this.lost(worker, error));
    worker.on('exit', (code) => this.lost(worker, new Error(`the background worker exited with code ${code}`)));
    this.worker = worker;
    return worker;
  }

  private receive(reply: BackgroundReply): void {
    const pending = this.pending.get(reply.id);
    if (pending === undefined) return;
    if (reply.kind === 'log') {
      pending.logger?.[reply.level](reply.fields, reply.message);
      return;
    }
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.worker?.unref();
    if (reply.kind === 'done') {
      pending.resolve(reply.result);
      return;
    }
    const code = reply.code ?? ErrorCodes.IO;
    pending.reject(
      reply.inDoubt ? new CompactionInDoubtError(code, reply.message) : new RingtailError(code, reply.message),
    );
  }

  private lost(worker: Worker, cause: unknown): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.failAll(new RingtailError(ErrorCodes.IO, 'the background worker stopped', { cause }));
  }

  private failAll(error: RingtailError): void {
    const pending = [...this.pending.values()];
    this.pending.clear();
    for (const p of pending) p.reject(error);
  }
}

/** Flushes in one worker thread, compactions in another (see WorkerLane). */
export class WorkerExecutor implements BackgroundExecutor {
  private readonly flushes = new WorkerLane();
  private readonly compactions = new WorkerLane();

  async flush(job: FlushJob): Promise<void> {
    await this.flushes.run((id) => ({ id, kind: 'flush', job }), undefined);
  }

  async compact(job: CompactionJob, logger: Logger): Promise<CompactionJobResult> {
    return (await this.compactions.run((id) => ({ id, kind: 'compact', job }), logger))!;
  }

  async close(): Promise<void> {
    await Promise.all([this.flushes.close(), this.compactions.close()]);
  }
}
