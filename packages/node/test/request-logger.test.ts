/** fastify's per-request logger (src/http/request-logger.ts): what pino's child logs, made only when used. */
import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { RequestLogger } from '../src/http/request-logger.js';

/** A pino logger at `trace` writing parsed records, without the time (two loggers never share a millisecond). */
function recording() {
  const records: Record<string, unknown>[] = [];
  const logger = pino({ level: 'trace' }, { write: (line: string) => records.push({ ...JSON.parse(line), time: 0 }) });
  return { logger, records };
}

describe('RequestLogger', () => {
  it('logs at every level exactly what the pino child with the same bindings logs', () => {
    const ours = recording();
    const theirs = recording();
    const lazy = new RequestLogger(ours.logger, { reqId: 'req-1' }, {});
    const child = theirs.logger.child({ reqId: 'req-1' }, {});
    const error = new Error('boom');
    for (const [target, log] of [
      [lazy, ours],
      [child, theirs],
    ] as const) {
      target.fatal({ err: error }, 'fatal %s', 'x');
      target.error({ err: error, route: '/cql' }, 'request failed');
      target.warn('plain %d', 3);
      target.info({ a: 1 });
      target.debug('debug');
      target.trace({ b: [1, 2] }, 'trace');
      target.silent('never written');
      target.child({ sub: true }).info('from a grandchild');
      expect(log.records.length).toBe(7);
    }
    expect(ours.records).toEqual(theirs.records);
    expect(ours.records[1]).toMatchObject({ reqId: 'req-1', route: '/cql', msg: 'request failed' });
  });

  it("makes pino's child only when something logs, and only once", () => {
    const { logger } = recording();
    let children = 0;
    const counting = Object.assign(Object.create(logger) as pino.Logger, {
      child: (...args: Parameters<pino.Logger['child']>) => {
        children++;
        return logger.child(...args);
      },
    });
    const lazy = new RequestLogger(counting, { reqId: 'req-2' }, {});
    expect(children).toBe(0);
    lazy.info('one');
    lazy.error('two');
    expect(children).toBe(1);
  });

  it("reads and sets the child's level", () => {
    const { logger, records } = recording();
    const lazy = new RequestLogger(logger, { reqId: 'req-3' }, { level: 'warn' });
    expect(lazy.level).toBe('warn');
    lazy.info('dropped');
    lazy.level = 'info';
    lazy.info('kept');
    expect(logger.level).toBe('trace');
    expect(records.map((r) => r.msg)).toEqual(['kept']);
  });
});
