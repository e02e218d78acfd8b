import { SimFileSystem, simulatedRuntime } from '@ringtail/codec';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CommitLog, type CommitLogPosition, comparePositions, type SyncMode } from '../src/index.js';
import { digest, type PayloadDigest, replayDigests, useTempDirs } from './helpers.js';

const DIRECTORY = '/log';

interface Model {
  records: Array<PayloadDigest & { position: CommitLogPosition }>;
  discardedUpTo: CommitLogPosition | undefined;
}

interface Real {
  fs: SimFileSystem;
  mode: SyncMode;
  log: CommitLog;
}

const open = (r: Real) =>
  CommitLog.open({
    runtime: simulatedRuntime(1, r.fs),
    directory: DIRECTORY,
    syncMode: r.mode,
    segmentSizeBytes: 4096,
  });

class Append implements fc.AsyncCommand<Model, Real> {
  constructor(readonly payloads: Uint8Array[]) {}
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const tickets = this.payloads.map((p) => r.log.append(p));
    const positions = await Promise.all(tickets);
    for (let i = 0; i < this.payloads.length; i++) {
      m.records.push({ ...digest(this.payloads[i]!), position: positions[i]! });
    }
  }
  toString = () => `Append(${this.payloads.map((p) => p.length).join(',')})`;
}

class Reopen implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(_m: Model, r: Real): Promise<void> {
    await r.log.close();
    r.log = await open(r);
    expect(r.log.recovery.truncatedTail).toBeUndefined();
  }
  toString = () => 'Reopen';
}

class Discard implements fc.AsyncCommand<Model, Real> {
  constructor(readonly fraction: number) {}
  check = (m: Readonly<Model>) => m.records.length > 0;
  async run(m: Model, r: Real): Promise<void> {
    const index = Math.floor(this.fraction * m.records.length);
    const position = m.records[index]!.position;
    if (m.discardedUpTo !== undefined && comparePositions(position, m.discardedUpTo) <= 0) return;
    await r.log.discardUpTo(position);
    m.discardedUpTo = position;
    m.records = m.records.slice(index + 1);
  }
  toString = () => `Discard(${this.fraction.toFixed(2)})`;
}

class Replay implements fc.AsyncCommand<Model, Real> {
  check = () => true;
  async run(m: Model, r: Real): Promise<void> {
    const replayed = await replayDigests(r.log, m.discardedUpTo);
    expect(replayed.map((x) => [x.hash, x.length, x.position])).toEqual(
      m.records.map((x) => [x.hash, x.length, x.position]),
    );
  }
  toString = () => 'Replay';
}

describe('commit log against a model', () => {
  useTempDirs();

  it('append, reopen, discard and replay agree with a list of records', async () => {
    const commands = [
      fc
        .array(
          fc.integer({ min: 0, max: 1500 }).map((n) => new Uint8Array(n).map((_, i) => (i * 7 + n) & 0xff)),
          { minLength: 1, maxLength: 12 },
        )
        .map((p) => new Append(p)),
      fc.constant(new Reopen()),
      fc.double({ min: 0, max: 0.999, noNaN: true }).map((f) => new Discard(f)),
      fc.constant(new Replay()),
    ];
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<SyncMode>('periodic', 'batch'),
        fc.commands(commands, { maxCommands: 40 }),
        async (mode, cmds) => {
          const fs = new SimFileSystem();
          const real = { fs, mode } as Real;
          real.log = await open(real);
          const model: Model = { records: [], discardedUpTo: undefined };
          await fc.asyncModelRun(() => ({ model, real }), cmds);
          await new Replay().run(model, real); // whatever the sequence ended with
          await real.log.close();
        },
      ),
      { numRuns: 60 },
    );
  });
});
