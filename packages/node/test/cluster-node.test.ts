/**
 * A node's membership of the cluster, in process on 127.0.0.1: the internode
 * port, the generation and tokens kept in the data directory, `/status`,
 * system.local and system.peers from gossip, the cluster secret, metrics.
 * Multi-process clusters are in the top-level test/ project.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { ErrorCodes, isRingtailError } from '@ringtail/codec';
import { afterEach, describe, expect, it } from 'vitest';
import type { NodeConfig } from '../src/config.js';
import { Node } from '../src/node.js';
import { capturingLogger, removeTempDirs, sleep, tempDir, testConfig } from './helpers.js';

const nodes: Node[] = [];
afterEach(async () => {
  for (const node of nodes.splice(0)) await node.stop();
  await removeTempDirs();
});

/** Fast gossip, so that two in-process nodes meet within a second. */
const FAST: Partial<NodeConfig> = { cluster: { gossipIntervalMs: 50, ringDelayMs: 2000 } };

async function startNode(dataDir: string, overrides: Partial<NodeConfig> = {}) {
  const { logger, records } = capturingLogger();
  const node = await Node.start(testConfig(dataDir, overrides), undefined, { logger });
  nodes.push(node);
  return { node, records };
}

async function cql(node: Node, query: string): Promise<{ rows: Record<string, unknown>[] }> {
  const response = await fetch(`${node.httpUrl}/cql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query }),
    signal: AbortSignal.timeout(5000),
  });
  expect(response.status).toBe(200);
  return (await response.json()) as { rows: Record<string, unknown>[] };
}

async function eventually<T>(probe: () => T | undefined | Promise<T | undefined>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms`);
    await sleep(20);
  }
}

const RING_SIZE = 1n << 64n;

describe('a node alone', () => {
  it('is a one-node cluster: /status, evenly spaced tokens kept in the data directory, system.local', async () => {
    const dir = await tempDir();
    const { node, records } = await startNode(dir);
    const response = await fetch(`${node.httpUrl}/status`, { signal: AbortSignal.timeout(5000) });
    expect(await response.json()).toEqual({
      clusterName: 'Ringtail',
      nodes: [
        {
          id: expect.stringMatching(/^[0-9a-f-]{36}$/),
          address: node.internodeAddress,
          http: node.httpUrl,
          dc: 'dc1',
          rack: 'rack1',
          status: 'UP',
          state: 'NORMAL',
          tokens: 16,
          ownership: 1,
          load: 0,
        },
      ],
    });
    expect(node.internodeAddress).toMatch(/^127\.0\.0\.1:\d+$/);
    expect(node.internodeAddress).not.toBe('127.0.0.1:0');

    // First start, no seeds: allocated against an empty ring, 2^64/16 apart.
    const tokens = (await readFile(join(dir, 'tokens'), 'utf8')).trim().split('\n').map(BigInt);
    expect(tokens).toHaveLength(16);
    for (let i = 1; i < tokens.length; i++) expect(tokens[i]! - tokens[i - 1]!).toBe(RING_SIZE / 16n);
    const local = await cql(node, 'SELECT tokens, listen_port FROM system.local');
    expect((local.rows[0]!.tokens as string[]).map(BigInt).sort((a, b) => (a < b ? -1 : 1))).toEqual(tokens);
    expect(local.rows[0]!.listen_port).toBe(Number(node.internodeAddress.split(':')[1]));
    expect((await cql(node, 'SELECT * FROM system.peers')).rows).toEqual([]);

    // Without a secret it warns that the default one is public; the secret never reaches the logs.
    expect(records).toContainEqual(
      expect.objectContaining({ level: 40, msg: expect.stringContaining('public default secret') }),
    );
    expect(records).toContainEqual(expect.objectContaining({ msg: 'tokens allocated', ringNodes: 0 }));
  });

  it('does not warn with a secret of its own', async () => {
    const { records } = await startNode(await tempDir(), { clusterSecret: 'correct horse battery staple' });
    expect(records.some((r) => String(r.msg).includes('default secret'))).toBe(false);
    expect(JSON.stringify(records)).not.toContain('correct horse');
  });

  it('keeps its tokens across restarts, each with a larger generation, even within one second', async () => {
    const dir = await tempDir();
    const first = (await startNode(dir)).node;
    const firstGeneration = first.generation;
    expect(Math.abs(firstGeneration - Date.now() / 1000)).toBeLessThan(5);
    const tokens = await readFile(join(dir, 'tokens'), 'utf8');
    await first.stop();
    const second = (await startNode(dir, { numTokens: 8 })).node;
    expect(second.generation).toBeGreaterThan(firstGeneration);
    expect(await readFile(join(dir, 'tokens'), 'utf8')).toBe(tokens); // numTokens changes nothing once chosen
    expect(second.status().nodes[0]!.tokens).toBe(16);
    await second.stop();
    // A generation from the future (a clock stepped back since) is still exceeded.
    await writeFile(join(dir, 'generation'), `${second.generation + 1000}\n`);
    const third = (await startNode(dir)).node;
    expect(third.generation).toBe(second.generation + 1001);
  });

  it('refuses a tokens file it cannot read as corruption', async () => {
    const dir = await tempDir();
    await (await startNode(dir)).node.stop();
    await writeFile(join(dir, 'tokens'), '5\n3\n');
    const error = await Node.start(testConfig(dir), undefined, { logger: capturingLogger().logger }).catch((e) => e);
    expect(isRingtailError(error, ErrorCodes.CORRUPTION)).toBe(true);
    expect(error.message).toContain('tokens file');
  });

  it('says when the internode port is in use, and leaves nothing listening', async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    try {
      const port = (blocker.address() as { port: number }).port;
      const { logger, records } = capturingLogger();
      const config = testConfig(await tempDir(), { internodePort: port });
      const error = await Node.start(config, undefined, { logger }).catch((e) => e);
      expect(error.message).toBe(`internode port ${port} on 127.0.0.1 is already in use (EADDRINUSE)`);
      const http = String(records.find((r) => r.msg === 'listening')?.http);
      await expect(fetch(`${http}/health`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
    } finally {
      await new Promise((resolve) => blocker.close(resolve));
    }
  });
});

describe('two nodes', () => {
  it('meet through a seed, share the ring, gossip schema changes, and see a stop at once', async () => {
    const secret = { clusterSecret: 'two-node-test-secret', ...FAST };
    const a = (await startNode(await tempDir(), secret)).node;
    const { node: b, records: bRecords } = await startNode(await tempDir(), { ...secret, seeds: [a.internodeAddress] });
    // B waited for A's ring before choosing its tokens.
    expect(bRecords).toContainEqual(expect.objectContaining({ msg: 'tokens allocated', ringNodes: 1 }));

    const statusOf = (node: Node) => {
      const nodes = node.status().nodes;
      return nodes.length === 2 && nodes.every((n) => n.status === 'UP' && n.state === 'NORMAL') ? nodes : undefined;
    };
    const [seenByA, seenByB] = [await eventually(() => statusOf(a)), await eventually(() => statusOf(b))];
    expect(seenByA.map((n) => n.address)).toEqual([a.internodeAddress, b.internodeAddress].sort());
    expect(seenByB).toEqual(seenByA);
    const ownership = seenByA.map((n) => n.ownership);
    expect(ownership[0]! + ownership[1]!).toBeCloseTo(1, 5);
    // Balanced for RF 3 (docs/ring.md): the second node takes a third of each of the first's ranges, so
    // that a third node makes three equal shares.
    const [smaller, larger] = [...ownership].sort();
    expect(smaller).toBeCloseTo(1 / 3, 3);
    expect(larger).toBeCloseTo(2 / 3, 3);

    const peers = await cql(a, 'SELECT peer, peer_port, host_id, rpc_port, schema_version FROM system.peers');
    const bLocal = await cql(b, 'SELECT host_id, schema_version FROM system.local');
    expect(peers.rows).toEqual([
      {
        peer: '127.0.0.1',
        peer_port: Number(b.internodeAddress.split(':')[1]),
        host_id: bLocal.rows[0]!.host_id,
        rpc_port: Number(new URL(b.httpUrl).port),
        schema_version: bLocal.rows[0]!.schema_version,
      },
    ]);

    // A schema change on A reaches B as A's SCHEMA state.
    await cql(a, "CREATE KEYSPACE ks WITH replication = {'class': 'SimpleStrategy', 'replication_factor': 1}");
    const aVersion = (await cql(a, 'SELECT schema_version FROM system.local')).rows[0]!.schema_version;
    expect(aVersion).not.toBe(bLocal.rows[0]!.schema_version);
    await eventually(async () => {
      const row = (await cql(b, 'SELECT schema_version FROM system.peers')).rows[0];
      return row?.schema_version === aVersion ? true : undefined;
    });

    const metrics = await (await fetch(`${a.httpUrl}/metrics`, { signal: AbortSignal.timeout(5000) })).text();
    expect(metrics).toContain('ringtail_gossip_live_endpoints 1');
    expect(metrics).toContain('ringtail_gossip_down_endpoints 0');
    expect(metrics).toMatch(/ringtail_gossip_rounds_total [1-9]/);
    expect(metrics).toMatch(/ringtail_internode_connections\{direction="outbound"\} 1/);

    // A graceful stop announces itself: DOWN at once, not after failure detection.
    await b.stop();
    nodes.splice(nodes.indexOf(b), 1);
    const down = await eventually(() => {
      const peer = a.status().nodes.find((n) => n.address === b.internodeAddress);
      return peer?.status === 'DOWN' ? peer : undefined;
    }, 1000);
    expect(down.state).toBe('NORMAL');
  });
});
