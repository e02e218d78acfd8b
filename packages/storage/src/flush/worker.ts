/**
 * The flush worker: a worker thread that writes SSTables from frozen
 * memtables (build.ts) on the real file system, so that encoding blocks,
 * checksums, the index, the bloom filter and the file writes run on another
 * core than the engine's writes. Jobs run as they arrive, each answered once.
 */
import { parentPort } from 'node:worker_threads';
import { initChecksums, isRingtailError, nodeFileSystem } from '@ringtail/codec';
import { buildSSTable } from './build.js';
import type { FlushReply, FlushRequest } from './messages.js';

const port = parentPort;
if (port === null) throw new Error('the flush worker runs as a worker thread');
const fs = nodeFileSystem();
const ready = initChecksums();

async function run(request: FlushRequest): Promise<FlushReply> {
  try {
    await ready;
    await buildSSTable(fs, request.job);
    return { id: request.id, ok: true };
  } catch (error) {
    return {
      id: request.id,
      ok: false,
      code: isRingtailError(error) ? error.code : undefined,
      message: error instanceof Error ? error.message : String(error),
    };
  }
}

port.on('message', (request: FlushRequest) => {
  void run(request).then((reply) => port.postMessage(reply));
});
