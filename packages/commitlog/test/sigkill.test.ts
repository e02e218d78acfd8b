import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CommitLog } from '../src/index.js';
import { realRuntime, useTempDirs } from './helpers.js';

const APPENDER = fileURLToPath(new URL('./fixtures/appender.mjs', import.meta.url));
const GROUP_ACK = fileURLToPath(new URL('./fixtures/group-ack.mjs', import.meta.url));

/** Must match payloadFor in fixtures/appender.mjs. */
function payloadFor(index: number): Uint8Array {
  const length = 8 + (index % 300);
  const bytes = new Uint8Array(length);
  new DataView(bytes.buffer).setFloat64(0, index);
  for (let i = 8; i < length; i++) bytes[i] = (index * 31 + i) & 0xff;
  return bytes;
}

describe('commit log and a killed process', () => {
  const tempDir = useTempDirs();

  it('replays every append acknowledged in periodic mode before SIGKILL', async () => {
    for (const killAfterAcked of [2_000, 50_000, 150_000]) {
      const directory = await tempDir();
      const child = spawn(process.execPath, [APPENDER, directory], { stdio: ['ignore', 'pipe', 'inherit'] });
      let acked = -1;
      let buffered = '';
      const exited = new Promise<NodeJS.Signals | null>((resolve) =>
        child.on('exit', (_code, signal) => resolve(signal)),
      );
      await new Promise<void>((resolve, reject) => {
        const deadline = setTimeout(() => reject(new Error('appender made no progress in 30 s')), 30_000);
        child.stdout.on('data', (chunk: Buffer) => {
          buffered += chunk.toString('latin1');
          const lines = buffered.split('\n');
          buffered = lines.pop()!;
          for (const line of lines) acked = Math.max(acked, Number(line));
          if (acked >= killAfterAcked && child.exitCode === null && !child.killed) {
            child.kill('SIGKILL');
            clearTimeout(deadline);
            resolve();
          }
        });
        child.on('exit', () => {
          clearTimeout(deadline);
          resolve();
        });
      });
      expect(await exited).toBe('SIGKILL');

      const log = await CommitLog.open({ runtime: realRuntime(), directory, segmentSizeBytes: 256 * 1024 });
      let index = 0;
      for await (const record of log.replay()) {
        expect(Buffer.from(record.payload).equals(Buffer.from(payloadFor(index)))).toBe(true);
        index++;
      }
      await log.close();
      // Everything acknowledged is there, in order; anything written after it is a bonus.
      expect(index).toBeGreaterThan(acked);
    }
  });

  it('keeps the process alive while an append waits for the group window', async () => {
    const directory = await tempDir();
    const child = spawn(process.execPath, [GROUP_ACK, directory], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => {
      out += chunk.toString();
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(out).toBe('acked\n');
    expect(code).toBe(0);
  });
});
