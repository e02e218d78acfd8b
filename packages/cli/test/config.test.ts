import { describe, expect, it } from 'vitest';
import { type ConfigInput, resolveStartConfig } from '../src/config.js';
import { UsageError } from '../src/errors.js';

function input(overrides: Partial<ConfigInput> & { files?: Record<string, string> } = {}): ConfigInput {
  const files = overrides.files ?? {};
  return {
    flags: {},
    env: {},
    cwd: '/work',
    readFile: (path) => {
      const text = files[path];
      if (text === undefined) throw Object.assign(new Error('missing'), { code: 'ENOENT' });
      return text;
    },
    ...overrides,
  };
}

describe('resolveStartConfig', () => {
  it('starts from the documented defaults', () => {
    const { settings, configFile, origins } = resolveStartConfig(input());
    expect(settings).toEqual({
      dataDir: '/work/data',
      listen: '127.0.0.1',
      httpPort: 9080,
      internodePort: 7000,
      seeds: [],
      clusterName: 'Ringtail',
      dc: 'dc1',
      rack: 'rack1',
      numTokens: 16,
      allocateTokensForRf: 3,
      lanDiscovery: false,
      logLevel: 'info',
      logFormat: undefined,
    });
    expect(configFile).toBeUndefined();
    expect(origins.httpPort).toBe('default');
  });

  it('layers flags over RINGTAIL_* variables over the config file over defaults', () => {
    const file = JSON.stringify({ clusterName: 'file', dc: 'file-dc', rack: 'file-rack', httpPort: 1111 });
    const { settings, origins, configFile } = resolveStartConfig(
      input({
        files: { '/etc/ringtail.json': file },
        env: { RINGTAIL_CONFIG: '/etc/ringtail.json', RINGTAIL_DC: 'env-dc', RINGTAIL_RACK: 'env-rack' },
        flags: { rack: 'flag-rack' },
      }),
    );
    expect(configFile).toBe('/etc/ringtail.json');
    expect(settings).toMatchObject({
      clusterName: 'file',
      dc: 'env-dc',
      rack: 'flag-rack',
      httpPort: 1111,
      numTokens: 16,
    });
    expect(origins).toMatchObject({
      clusterName: '"clusterName" in /etc/ringtail.json',
      dc: 'RINGTAIL_DC',
      rack: '--rack',
      numTokens: 'default',
    });
  });

  it('prefers --config over RINGTAIL_CONFIG, relative to the working directory', () => {
    const { settings } = resolveStartConfig(
      input({
        files: { '/work/a.json': '{"dc": "a"}', '/work/b.json': '{"dc": "b"}' },
        env: { RINGTAIL_CONFIG: 'b.json' },
        flags: { config: 'a.json' },
      }),
    );
    expect(settings.dc).toBe('a');
  });

  it('reads a relative dataDir in the file against the file, in flags against the working directory', () => {
    const files = { '/etc/rt/node.json': '{"dataDir": "store"}' };
    expect(resolveStartConfig(input({ files, flags: { config: '/etc/rt/node.json' } })).settings.dataDir).toBe(
      '/etc/rt/store',
    );
    const flagged = resolveStartConfig(input({ files, flags: { config: '/etc/rt/node.json', dataDir: 'mine' } }));
    expect(flagged.settings.dataDir).toBe('/work/mine');
  });

  it('reads text values: integers, lists, log settings; ignores empty variables', () => {
    const { settings } = resolveStartConfig(
      input({
        env: { RINGTAIL_HTTP_PORT: '0', RINGTAIL_SEEDS: '10.0.0.1:7000, 10.0.0.2:7000', RINGTAIL_DC: '' },
        flags: { numTokens: '256', logLevel: 'debug', logFormat: 'pretty' },
      }),
    );
    expect(settings).toMatchObject({
      httpPort: 0,
      seeds: ['10.0.0.1:7000', '10.0.0.2:7000'],
      dc: 'dc1',
      numTokens: 256,
      logLevel: 'debug',
      logFormat: 'pretty',
    });
  });

  it('takes the commit-log sync mode from a flag or RINGTAIL_COMMITLOG_SYNC', () => {
    expect(resolveStartConfig(input({ flags: { commitlogSync: 'batch' } })).settings.commitLogSync).toBe('batch');
    expect(resolveStartConfig(input({ env: { RINGTAIL_COMMITLOG_SYNC: 'group' } })).settings.commitLogSync).toBe(
      'group',
    );
    expect(resolveStartConfig(input()).settings.commitLogSync).toBeUndefined();
  });

  it('reads LAN discovery as a boolean from flags, variables and the file, and refuses anything else', () => {
    expect(resolveStartConfig(input({ flags: { lanDiscovery: 'true' } })).settings.lanDiscovery).toBe(true);
    expect(resolveStartConfig(input({ env: { RINGTAIL_LAN_DISCOVERY: 'false' } })).settings.lanDiscovery).toBe(false);
    const file = { '/work/c.json': JSON.stringify({ lanDiscovery: true }) };
    expect(resolveStartConfig(input({ files: file, flags: { config: 'c.json' } })).settings.lanDiscovery).toBe(true);
    expect(() => resolveStartConfig(input({ flags: { lanDiscovery: 'yes' } }))).toThrow(UsageError);
    const bad = { '/work/c.json': JSON.stringify({ lanDiscovery: 'true' }) };
    expect(() => resolveStartConfig(input({ files: bad, flags: { config: 'c.json' } }))).toThrow(/true or false/);
  });

  it('takes limits and seed lists from the config file', () => {
    const file = JSON.stringify({ seeds: ['a:7000'], limits: { bodyLimitBytes: 2048, drainTimeoutMs: 500 } });
    const { settings } = resolveStartConfig(input({ files: { '/work/c.json': file }, flags: { config: 'c.json' } }));
    expect(settings.seeds).toEqual(['a:7000']);
    expect(settings.limits).toEqual({ bodyLimitBytes: 2048, drainTimeoutMs: 500 });
  });

  it('takes the cluster secret and token allocation factor like any setting, and cluster timings from the file', () => {
    const file = JSON.stringify({ clusterSecret: 'from-file', cluster: { gossipIntervalMs: 250, ringDelayMs: 0 } });
    const files = { '/work/c.json': file };
    const fromFile = resolveStartConfig(input({ files, flags: { config: 'c.json' } }));
    expect(fromFile.settings).toMatchObject({
      clusterSecret: 'from-file',
      cluster: { gossipIntervalMs: 250, ringDelayMs: 0 },
    });
    const overridden = resolveStartConfig(
      input({
        files,
        env: { RINGTAIL_CLUSTER_SECRET: 'from-env', RINGTAIL_ALLOCATE_TOKENS_FOR_RF: '5' },
        flags: { config: 'c.json' },
      }),
    );
    expect(overridden.settings).toMatchObject({ clusterSecret: 'from-env', allocateTokensForRf: 5 });
    expect(overridden.origins.clusterSecret).toBe('RINGTAIL_CLUSTER_SECRET');
    expect(resolveStartConfig(input()).settings.clusterSecret).toBeUndefined();
  });

  it.each([
    [{ flags: { httpPort: 'abc' } }, '--http-port must be a whole number, got "abc"'],
    [{ flags: { httpPort: '70000' } }, '--http-port must be an integer from 0 to 65535, got 70000'],
    [{ env: { RINGTAIL_NUM_TOKENS: '0' } }, 'RINGTAIL_NUM_TOKENS must be an integer from 1 to 1024, got 0'],
    [{ flags: { logLevel: 'loud' } }, '--log-level must be one of fatal, error, warn, info, debug, trace, silent'],
    [{ flags: { seeds: 'nohost' } }, '--seeds entries must look like host:port, got "nohost"'],
    [{ flags: { config: 'missing.json' } }, 'cannot read config file /work/missing.json (ENOENT)'],
    [
      { files: { '/work/c.json': '{"dc": ' }, flags: { config: 'c.json' } },
      'config file /work/c.json is not valid JSON',
    ],
    [
      { files: { '/work/c.json': '[]' }, flags: { config: 'c.json' } },
      'config file /work/c.json must hold a JSON object',
    ],
    [{ files: { '/work/c.json': '{"httpport": 1}' }, flags: { config: 'c.json' } }, 'unknown setting "httpport"'],
    [
      { files: { '/work/c.json': '{"httpPort": "9080"}' }, flags: { config: 'c.json' } },
      '"httpPort" in /work/c.json must be a number',
    ],
    [{ files: { '/work/c.json': '{"limits": {"body": 1}}' }, flags: { config: 'c.json' } }, 'unknown limit "body"'],
    [
      { files: { '/work/c.json': '{"limits": {"bodyLimitBytes": 0}}' }, flags: { config: 'c.json' } },
      '"limits.bodyLimitBytes" in /work/c.json must be an integer from 1',
    ],
    [
      { files: { '/work/c.json': '{"cluster": {"gossip": 1}}' }, flags: { config: 'c.json' } },
      'unknown cluster setting',
    ],
    [
      { files: { '/work/c.json': '{"cluster": {"gossipIntervalMs": 0}}' }, flags: { config: 'c.json' } },
      '"cluster.gossipIntervalMs" in /work/c.json must be an integer from 10',
    ],
    [{ flags: { allocateTokensForRf: '0' } }, '--allocate-tokens-for-rf must be an integer from 1 to 64, got 0'],
  ])('explains %j', (overrides, message) => {
    let error: unknown;
    try {
      resolveStartConfig(input(overrides));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(UsageError);
    expect((error as Error).message).toContain(message);
  });
});
