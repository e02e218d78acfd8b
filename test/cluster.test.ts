/**
 * Real node processes finding each other by gossip (docs/operations.md, "The
 * cluster"): `ringtail start` processes on 127.0.0.1 seeded with node 1, and
 * `ringtail cluster`. Gossip runs at 150 ms rounds here (config file), so that
 * a killed node is convicted DOWN in a couple of seconds; with the default 1 s
 * rounds it takes about 8 s, too close to the 10 s this test allows.
 */
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  cql,
  eventually,
  freePortRange,
  getStatus,
  killAll,
  type LogRecord,
  RingtailProcess,
  type Status,
  tempDir,
} from './processes.js';

afterAll(killAll);

const FAST_GOSSIP = { cluster: { gossipIntervalMs: 150, ringDelayMs: 2000 } };

interface StartedNode {
  readonly process: RingtailProcess;
  readonly dataDir: string;
  readonly http: string;
  /** Internode address. */
  readonly address: string;
  readonly generation: number;
}

interface NodeOptions {
  readonly dataDir: string;
  readonly config: string;
  readonly secret: string;
  readonly seeds?: string;
  readonly clusterName?: string;
  readonly httpPort?: number;
  readonly internodePort?: number;
  /** Wait for `serving` (default); strangers that cannot reach their seed take ringDelayMs to get there. */
  readonly serving?: boolean;
}

async function startNode(options: NodeOptions): Promise<StartedNode> {
  const args = [
    'start',
    '--config',
    options.config,
    '--data-dir',
    options.dataDir,
    '--listen',
    '127.0.0.1',
    '--http-port',
    String(options.httpPort ?? 0),
    '--internode-port',
    String(options.internodePort ?? 0),
    '--log-format',
    'json',
  ];
  if (options.seeds !== undefined) args.push('--seeds', options.seeds);
  if (options.clusterName !== undefined) args.push('--cluster-name', options.clusterName);
  const process = RingtailProcess.spawn(args, { RINGTAIL_CLUSTER_SECRET: options.secret });
  const http = String((await process.waitForRecord((r) => r.msg === 'listening')).http);
  const gossip = await process.waitForRecord((r) => r.msg === 'gossip started');
  if (options.serving !== false) await process.waitForRecord((r) => r.msg === 'serving');
  return {
    process,
    dataDir: options.dataDir,
    http,
    address: String(gossip.address),
    generation: Number(gossip.generation),
  };
}

/** Every node's /status, once `accept` holds for all of them (at most `timeoutMs`). */
function statusesWhen(
  nodes: readonly StartedNode[],
  accept: (status: Status) => boolean,
  timeoutMs = 10_000,
): Promise<Status[]> {
  return eventually(timeoutMs, async () => {
    const statuses = await Promise.all(nodes.map((n) => getStatus(n.http)));
    return statuses.every(accept) ? statuses : undefined;
  });
}

function statusOf(status: Status, address: string) {
  return status.nodes.find((n) => n.address === address);
}

/** Node 1's log line refusing a handshake; the claimed address is known only once a `hello` was accepted. */
const handshakeRefused =
  (reason: RegExp, claimed?: string) =>
  (r: LogRecord): boolean =>
    r.msg === 'internode handshake failed; connection closed' &&
    reason.test(String(r.reason)) &&
    (claimed === undefined || r.claimed === claimed);

describe('ringtail start processes seeded with node 1', () => {
  it('see each other UP, see a killed node DOWN and its restart UP, and keep strangers out', async () => {
    const root = await tempDir();
    const config = join(root, 'ringtail.json');
    await writeFile(config, JSON.stringify(FAST_GOSSIP));
    const secret = `test-${randomUUID()}`;

    const node1 = await startNode({ dataDir: join(root, 'node1'), config, secret });
    const node2 = await startNode({ dataDir: join(root, 'node2'), config, secret, seeds: node1.address });
    // One at a time, as with Cassandra: node 3 allocates its tokens against a ring that has node 2's.
    await eventually(10_000, async () =>
      (await getStatus(node1.http)).nodes.filter((n) => n.tokens > 0).length === 2 ? true : undefined,
    );
    const node3 = await startNode({ dataDir: join(root, 'node3'), config, secret, seeds: node1.address });
    const nodes = [node1, node2, node3];
    const addresses = nodes.map((n) => n.address).sort();

    const statuses = await statusesWhen(
      nodes,
      (s) => s.nodes.length === 3 && s.nodes.every((n) => n.status === 'UP' && n.state === 'NORMAL'),
    );
    for (const status of statuses) {
      expect(status.clusterName).toBe('Ringtail');
      expect(status.nodes.map((n) => n.address)).toEqual(addresses);
      expect(status.nodes.map((n) => n.http).sort()).toEqual(nodes.map((n) => n.http).sort());
      expect(new Set(status.nodes.map((n) => n.id)).size).toBe(3);
      for (const n of status.nodes) {
        expect(n).toMatchObject({ dc: 'dc1', rack: 'rack1', tokens: 16 });
        // Allocated for RF 3, three nodes own a third of the ring each.
        expect(n.ownership).toBeGreaterThan(0.3);
        expect(n.ownership).toBeLessThan(0.37);
      }
      expect(status.nodes.reduce((sum, n) => sum + n.ownership, 0)).toBeCloseTo(1, 4);
    }
    // No data yet (load 0 everywhere): every node describes the cluster the same way.
    expect(statuses[1]).toEqual(statuses[0]);
    expect(statuses[2]).toEqual(statuses[0]);

    const peers = await cql(node1.http, 'SELECT peer, peer_port, host_id, rpc_port, tokens FROM system.peers');
    expect(peers.rows?.map((r) => `${r.peer}:${r.peer_port}`)).toEqual([node2.address, node3.address].sort());
    for (const row of peers.rows ?? []) {
      const member = statusOf(statuses[0]!, `${row.peer}:${row.peer_port}`)!;
      expect(row.host_id).toBe(member.id);
      expect(`http://127.0.0.1:${row.rpc_port}`).toBe(member.http);
      expect(row.tokens).toHaveLength(16);
    }

    // SIGKILL: no goodbye; the failure detector convicts it.
    const node3Id = statusOf(statuses[0]!, node3.address)!.id;
    node3.process.kill('SIGKILL');
    await node3.process.exited;
    await statusesWhen([node1, node2], (s) => statusOf(s, node3.address)?.status === 'DOWN');

    // Restarted with the same data and ports: the same node (host id, tokens) in a new generation.
    const restarted = await startNode({
      dataDir: node3.dataDir,
      config,
      secret,
      seeds: node1.address,
      httpPort: Number(new URL(node3.http).port),
      internodePort: Number(node3.address.split(':')[1]),
    });
    expect(restarted.address).toBe(node3.address);
    expect(restarted.generation).toBeGreaterThan(node3.generation);
    const after = await statusesWhen([node1, node2], (s) => statusOf(s, node3.address)?.status === 'UP');
    for (const status of after) expect(statusOf(status, node3.address)).toMatchObject({ id: node3Id, tokens: 16 });
    await node1.process.waitForRecord(
      (r) => r.msg === 'endpoint restarted' && r.address === node3.address && r.generation === restarted.generation,
    );

    // Strangers: a wrong secret and a wrong cluster name. Node 1 refuses their handshakes and says why.
    const wrongSecret = await startNode({
      dataDir: join(root, 'wrong-secret'),
      config,
      secret: 'not the secret',
      seeds: node1.address,
      serving: false,
    });
    const wrongName = await startNode({
      dataDir: join(root, 'wrong-name'),
      config,
      secret,
      clusterName: 'Other',
      seeds: node1.address,
      serving: false,
    });
    await node1.process.waitForRecord(handshakeRefused(/wrong secret/, wrongSecret.address), 10_000);
    await node1.process.waitForRecord(
      handshakeRefused(new RegExp(`cluster name mismatch: the peer claiming "${wrongName.address}" is in "Other"`)),
      10_000,
    );
    await wrongSecret.process.waitForRecord((r) => r.msg === 'serving');
    await wrongName.process.waitForRecord((r) => r.msg === 'serving');
    for (const status of await Promise.all([node1, node2, restarted].map((n) => getStatus(n.http)))) {
      expect(status.nodes.map((n) => n.address)).toEqual(addresses);
    }
    expect((await getStatus(wrongSecret.http)).nodes.map((n) => n.address)).toEqual([wrongSecret.address]);

    // A graceful stop is seen at once: the node announces it.
    node2.process.kill('SIGTERM');
    expect(await node2.process.waitForExit()).toEqual({ code: 0, signal: null });
    const seen = await statusesWhen([node1, restarted], (s) => statusOf(s, node2.address)?.status === 'DOWN', 2_000);
    expect(seen).toHaveLength(2);
  });
});

describe('ringtail cluster', () => {
  it('runs three nodes, prints their addresses, and stops them all on SIGINT', async () => {
    const dir = await tempDir();
    const basePort = await freePortRange(3);
    let internodeBasePort = await freePortRange(3);
    while (Math.abs(internodeBasePort - basePort) < 3) internodeBasePort = await freePortRange(3);
    const cluster = RingtailProcess.spawn([
      'cluster',
      '--nodes',
      '3',
      '--dir',
      dir,
      '--base-port',
      String(basePort),
      '--internode-base-port',
      String(internodeBasePort),
    ]);
    try {
      await cluster.waitForOutput(/ringtail cluster: 3 nodes running/, 45_000);
      const urls = [...cluster.stdout().matchAll(/^ringtail cluster: node\d at (http:\/\/\S+)/gm)].map((m) => m[1]);
      expect(urls).toEqual([0, 1, 2].map((i) => `http://127.0.0.1:${basePort + i}`));
      expect(cluster.stdout()).toMatch(/^node2 \| \S+ INFO {2}\[node\] tokens allocated/m); // forwarded, readable
      const nodes = urls.map((http) => ({ http: http! }));
      await eventually(15_000, async () => {
        const statuses = await Promise.all(nodes.map((n) => getStatus(n.http)));
        const ok = statuses.every((s) => s.nodes.length === 3 && s.nodes.every((n) => n.status === 'UP'));
        return ok ? statuses : undefined;
      });

      cluster.kill('SIGINT');
      expect(await cluster.waitForExit(30_000)).toEqual({ code: 0, signal: null });
      for (const name of ['node1', 'node2', 'node3'])
        expect(cluster.stdout()).toContain(`ringtail cluster: ${name} stopped`);
      for (const { http } of nodes) await expect(getStatus(http)).rejects.toThrow();
    } finally {
      // Its nodes are in process groups of their own: stop them through it, never leave them behind.
      if (cluster.running) {
        cluster.kill('SIGTERM');
        await cluster.waitForExit(30_000).catch(() => cluster.kill('SIGKILL'));
      }
    }
  });
});
