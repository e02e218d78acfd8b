import { createSocket } from 'node:dgram';
import { ManualClock, ManualTimers, type PeerAddress } from '@ringtail/codec';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type DatagramSocket,
  type DatagramSocketFactory,
  LanDiscovery,
  type LanDiscoveryOptions,
  MAX_ANNOUNCEMENT_BYTES,
  udpSocketFactory,
} from '../src/index.js';

/** An in-memory LAN: every datagram sent reaches every socket (the sender's too, as multicast loopback does). */
class FakeLan {
  private readonly handlers: ((data: Uint8Array) => void)[] = [];
  readonly sent: Uint8Array[] = [];

  factory(): DatagramSocketFactory {
    return async () => {
      let closed = false;
      const socket: DatagramSocket = {
        send: (data) => {
          if (closed) return;
          this.sent.push(data);
          this.broadcast(data);
        },
        onMessage: (handler) => {
          this.handlers.push((data) => !closed && handler(data));
        },
        close: async () => {
          closed = true;
        },
      };
      return socket;
    };
  }

  broadcast(data: Uint8Array): void {
    for (const h of [...this.handlers]) h(data);
  }
}

const clock = new ManualClock();
const timers = new ManualTimers(clock);
const running: LanDiscovery[] = [];

function discovery(
  address: PeerAddress,
  socket: DatagramSocketFactory,
  found: PeerAddress[],
  over: Partial<LanDiscoveryOptions> = {},
): LanDiscovery {
  const d = new LanDiscovery({
    clusterName: 'dev',
    clusterSecret: 'secret',
    address,
    socket,
    timers,
    clock,
    intervalMs: 1000,
    onPeer: (a) => found.push(a),
    ...over,
  });
  running.push(d);
  return d;
}

afterEach(async () => {
  for (const d of running.splice(0)) await d.stop();
});

describe('LanDiscovery', () => {
  it('finds the peers of its cluster, each once, and not itself', async () => {
    const lan = new FakeLan();
    const foundA: PeerAddress[] = [];
    const foundB: PeerAddress[] = [];
    await discovery('10.0.0.1:7000', lan.factory(), foundA).start();
    await discovery('10.0.0.2:7000', lan.factory(), foundB).start();
    timers.advance(3000);
    expect(foundA).toEqual(['10.0.0.2:7000']);
    expect(foundB).toEqual(['10.0.0.1:7000']);
  });

  it('ignores another cluster, a wrong secret, a forged MAC, stale and malformed datagrams', async () => {
    const lan = new FakeLan();
    const found: PeerAddress[] = [];
    const listener = discovery('10.0.0.1:7000', lan.factory(), found);
    await listener.start();
    const other = discovery('10.0.0.3:7000', async () => ({ send() {}, onMessage() {}, close: async () => {} }), [], {
      clusterName: 'other',
    });
    const wrongSecret = discovery(
      '10.0.0.4:7000',
      async () => ({ send() {}, onMessage() {}, close: async () => {} }),
      [],
      {
        clusterSecret: 'guess',
      },
    );
    const genuine = discovery('10.0.0.5:7000', async () => ({ send() {}, onMessage() {}, close: async () => {} }), []);
    lan.broadcast(other.announcement());
    lan.broadcast(wrongSecret.announcement());
    const forged = JSON.parse(new TextDecoder().decode(genuine.announcement()));
    forged.address = '10.6.6.6:7000';
    lan.broadcast(new TextEncoder().encode(JSON.stringify(forged)));
    const stale = genuine.announcement();
    lan.broadcast(new TextEncoder().encode('not json'));
    lan.broadcast(new Uint8Array([0xff, 0xfe, 0x00]));
    lan.broadcast(new Uint8Array(MAX_ANNOUNCEMENT_BYTES + 1).fill(0x20));
    lan.broadcast(new TextEncoder().encode(JSON.stringify({ ...forged, address: 'no port' })));
    expect(found).toEqual([]);
    expect(listener.stats.rejected).toBe(7);
    // A genuine announcement replayed two minutes later is stale.
    clock.advanceMs(120_000);
    lan.broadcast(stale);
    expect(found).toEqual([]);
    lan.broadcast(genuine.announcement());
    expect(found).toEqual(['10.0.0.5:7000']);
  });

  it('works over real UDP sockets on 127.0.0.1', async () => {
    const [portA, portB] = await freeUdpPorts(2);
    const foundA: PeerAddress[] = [];
    const foundB: PeerAddress[] = [];
    const socketA = udpSocketFactory({
      mode: 'unicast',
      bindAddress: '127.0.0.1',
      port: portA,
      targetAddress: '127.0.0.1',
      targetPort: portB,
    });
    const socketB = udpSocketFactory({
      mode: 'unicast',
      bindAddress: '127.0.0.1',
      port: portB,
      targetAddress: '127.0.0.1',
      targetPort: portA,
    });
    const a = discovery('127.0.0.1:7001', socketA, foundA);
    const b = discovery('127.0.0.1:7002', socketB, foundB);
    await a.start();
    await b.start();
    timers.advance(1000); // a announces again, now that b listens
    const deadline = Date.now() + 5000;
    while ((foundA.length === 0 || foundB.length === 0) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 10));
    }
    expect(foundA).toEqual(['127.0.0.1:7002']);
    expect(foundB).toEqual(['127.0.0.1:7001']);
  });

  it('rejects an empty secret and a bad address', () => {
    const factory = new FakeLan().factory();
    expect(() => discovery('10.0.0.1:7000', factory, [], { clusterSecret: '' })).toThrow(/secret/);
    expect(() => discovery('nowhere', factory, [])).toThrow(/host:port/);
  });
});

/** Ports the system just handed out for UDP on 127.0.0.1 (bound, read, released). */
async function freeUdpPorts(count: number): Promise<number[]> {
  const sockets = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<ReturnType<typeof createSocket>>((resolve, reject) => {
          const s = createSocket('udp4');
          s.once('error', reject);
          s.bind(0, '127.0.0.1', () => resolve(s));
        }),
    ),
  );
  const ports = sockets.map((s) => s.address().port);
  await Promise.all(sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
  return ports;
}
