/** `ringtail start` as a real process on 127.0.0.1, as an operator runs it. */
import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { BIN, cleanUp, getJson, ringtail, tempDir, waitForHealthy } from './process.js';

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: build first (npx tsc -b packages/cli)`);
});
afterEach(cleanUp);

describe('ringtail start', () => {
  it('serves, reports its status, and drains on SIGTERM, exiting 0 within 5 s', async () => {
    const dir = await tempDir();
    const node = ringtail(['start', '--data-dir', dir, '--http-port', '0', '--cluster-name', 'Test Cluster']);
    const base = await node.waitForListening();
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    await waitForHealthy(base);
    const { status, body } = await getJson(`${base}/status`);
    expect(status).toBe(200);
    expect(body).toMatchObject({
      clusterName: 'Test Cluster',
      nodes: [
        {
          http: base,
          address: expect.stringMatching(/^127\.0\.0\.1:\d+$/),
          dc: 'dc1',
          rack: 'rack1',
          status: 'UP',
          state: 'NORMAL',
          tokens: 16,
          ownership: 1,
        },
      ],
    });
    expect(existsSync(join(dir, 'host-id'))).toBe(true);

    const began = performance.now();
    node.child.kill('SIGTERM');
    expect(await node.waitForExit(5000)).toEqual({ code: 0, signal: null });
    expect(performance.now() - began).toBeLessThan(5000);
    expect(node.records.map((r) => r.msg)).toEqual(expect.arrayContaining(['signal received: draining', 'stopped']));
    expect(node.stderr()).toBe(''); // nothing kept the process alive after stop
  });

  it('stops on SIGINT too', async () => {
    const node = ringtail(['start', '--data-dir', await tempDir(), '--http-port', '0']);
    await waitForHealthy(await node.waitForListening());
    node.child.kill('SIGINT');
    expect(await node.waitForExit(5000)).toEqual({ code: 0, signal: null });
  });

  it('says the port is in use and exits non-zero', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      const node = ringtail(['start', '--data-dir', await tempDir(), '--http-port', String(port)]);
      expect((await node.waitForExit()).code).toBe(1);
      expect(node.stderr()).toBe(`ringtail start: port ${port} on 127.0.0.1 is already in use (EADDRINUSE)\n`);
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });

  it('refuses a data directory another node holds', async () => {
    const dir = await tempDir();
    const first = ringtail(['start', '--data-dir', dir, '--http-port', '0']);
    await waitForHealthy(await first.waitForListening());
    const second = ringtail(['start', '--data-dir', dir, '--http-port', '0']);
    expect((await second.waitForExit()).code).toBe(1);
    expect(second.stderr()).toContain(`ringtail start: data directory ${dir} is in use by another Ringtail node`);
    first.child.kill('SIGTERM');
    expect((await first.waitForExit(5000)).code).toBe(0);
  });

  it('says when the data directory cannot be created', async () => {
    const dir = await tempDir();
    await writeFile(join(dir, 'file'), 'x');
    const node = ringtail(['start', '--data-dir', join(dir, 'file', 'data'), '--http-port', '0']);
    expect((await node.waitForExit()).code).toBe(1);
    expect(node.stderr()).toContain(`data directory ${join(dir, 'file', 'data')} is not usable`);
  });

  it('takes flags over RINGTAIL_* variables over the config file', async () => {
    const dir = await tempDir();
    const config = join(dir, 'ringtail.json');
    await writeFile(
      config,
      JSON.stringify({
        dataDir: 'from-file',
        clusterName: 'FileCluster',
        dc: 'file-dc',
        rack: 'file-rack',
        numTokens: 8,
      }),
    );
    const node = ringtail(['start', '--config', config, '--rack', 'flag-rack'], {
      env: { RINGTAIL_HTTP_PORT: '0', RINGTAIL_DC: 'env-dc', RINGTAIL_RACK: 'env-rack' },
    });
    const base = await node.waitForListening();
    await waitForHealthy(base);
    const { body } = await getJson(`${base}/status`);
    expect(body).toMatchObject({
      clusterName: 'FileCluster',
      nodes: [{ dc: 'env-dc', rack: 'flag-rack', tokens: 8 }],
    });
    expect(existsSync(join(dir, 'from-file', 'host-id'))).toBe(true); // relative to the config file
    node.child.kill('SIGTERM');
    expect((await node.waitForExit(5000)).code).toBe(0);
  });

  it('takes the data directory and port from the environment', async () => {
    const dir = await tempDir();
    const node = ringtail(['start'], { env: { RINGTAIL_DATA_DIR: join(dir, 'env-data'), RINGTAIL_HTTP_PORT: '0' } });
    await waitForHealthy(await node.waitForListening());
    expect(existsSync(join(dir, 'env-data', 'host-id'))).toBe(true);
    node.child.kill('SIGTERM');
    expect((await node.waitForExit(5000)).code).toBe(0);
  });

  it.each([
    [['start', '--http-port', 'abc'], 'ringtail start: --http-port must be a whole number, got "abc"'],
    [['start', '--num-tokens', '5000'], 'ringtail start: --num-tokens must be an integer from 1 to 1024, got 5000'],
    [['start', '--no-such-flag'], "error: unknown option '--no-such-flag'"],
    [
      ['start', '--commitlog-sync', 'sometimes'],
      'ringtail start: --commitlog-sync must be one of periodic, group, batch',
    ],
  ])('rejects bad flags %j with exit code 2', async (args, message) => {
    const node = ringtail([...args, '--data-dir', await tempDir()]);
    expect((await node.waitForExit()).code).toBe(2);
    expect(node.stderr()).toContain(message);
  });
});

describe('ringtail', () => {
  it('prints help for every command', async () => {
    const runs = [['--help'], ['start', '--help'], ['cql', '--help']].map((args) => ringtail(args));
    for (const run of runs) {
      expect((await run.waitForExit()).code).toBe(0);
      expect(run.stdout()).toContain('Usage: ringtail');
    }
    for (const flag of ['--config', '--data-dir', '--listen', '--http-port', '--internode-port', '--seeds']) {
      expect(runs[1]!.stdout()).toContain(flag);
    }
  });

  it.each(['nodetool', 'stress'])('says `%s` arrives later and exits 2', async (command) => {
    const run = ringtail([command, 'status', '--host', 'http://x']);
    expect((await run.waitForExit()).code).toBe(2);
    expect(run.stderr()).toContain(`ringtail ${command} arrives in a later release`);
  });
});
