import { describe, expect, it } from 'vitest';
import { DEFAULT_HTTP_LIMITS, DEFAULT_NODE_CONFIG, parseSeed, validateNodeConfig } from '../src/config.js';
import { createLogger, formatLogLine } from '../src/logging.js';

describe('validateNodeConfig', () => {
  it('fills in the default limits', () => {
    const resolved = validateNodeConfig(DEFAULT_NODE_CONFIG);
    expect(resolved.limits).toEqual(DEFAULT_HTTP_LIMITS);
    expect(resolved.limits.bodyLimitBytes).toBe(1024 * 1024);
    expect(resolved.limits.requestTimeoutMs).toBe(10_000);
    expect(validateNodeConfig({ ...DEFAULT_NODE_CONFIG, limits: { bodyLimitBytes: 10 } }).limits.bodyLimitBytes).toBe(
      10,
    );
  });

  it.each([
    [{ httpPort: 65_536 }, 'httpPort must be an integer from 0 to 65535, got 65536'],
    [{ internodePort: -1 }, 'internodePort must be an integer from 0 to 65535, got -1'],
    [{ numTokens: 1.5 }, 'numTokens must be an integer from 1 to 1024, got 1.5'],
    [{ clusterName: '  ' }, 'clusterName must be a non-empty string, got "  "'],
    [{ dc: 'x'.repeat(129) }, 'dc must be at most 128 characters long'],
    [{ seeds: ['10.0.0.1'] }, 'seeds entries must look like host:port, got "10.0.0.1"'],
    [{ seeds: ['h:0'] }, 'seeds entries must look like host:port, got "h:0"'],
    [{ limits: { maxInFlightRequests: 0 } }, 'limits.maxInFlightRequests must be an integer from 1 to 1000000, got 0'],
    [{ commitLogSync: 'sometimes' as never }, 'commitLogSync must be one of periodic, group, batch'],
  ])('rejects %j', (override, message) => {
    expect(() => validateNodeConfig({ ...DEFAULT_NODE_CONFIG, ...override })).toThrow(message);
  });

  it('parses seeds, IPv6 included', () => {
    expect(parseSeed('10.0.0.1:7000')).toEqual({ host: '10.0.0.1', port: 7000 });
    expect(parseSeed('[::1]:7001')).toEqual({ host: '::1', port: 7001 });
    expect(parseSeed('node-a.local:7000')).toEqual({ host: 'node-a.local', port: 7000 });
  });
});

describe('logging', () => {
  it('writes JSON lines with level names, ISO times, components and errors under err', () => {
    const lines: string[] = [];
    const logger = createLogger({ format: 'json', stream: { write: (line) => lines.push(line) } });
    logger.child({ component: 'http' }).error({ err: new Error('boom') }, 'request failed');
    expect(lines).toHaveLength(1);
    const record = JSON.parse(lines[0]!);
    expect(record).toMatchObject({ level: 'error', component: 'http', msg: 'request failed' });
    expect(record.time).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(record.err).toMatchObject({ type: 'Error', message: 'boom' });
  });

  it('prints short human lines on a terminal', () => {
    const lines: string[] = [];
    const logger = createLogger({ stream: { isTTY: true, write: (line) => lines.push(line) } });
    logger.child({ component: 'node' }).info({ http: 'http://127.0.0.1:9080' }, 'listening');
    expect(lines[0]).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO {2}\[node\] listening http=http:\/\/127\.0\.0\.1:9080\n$/);
  });

  it('formats errors with their stack, indented', () => {
    const line = JSON.stringify({
      time: '2026-01-01T12:00:00.000Z',
      level: 'error',
      msg: 'x',
      err: { stack: 'E\n  at f' },
    });
    expect(formatLogLine(line)).toBe('12:00:00.000 ERROR x\n    E\n      at f\n');
  });
});
