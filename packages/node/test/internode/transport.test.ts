import {
  type PeerAddress,
  SimNetwork,
  seededRandom,
  silentLogger,
  systemTimers,
  type Transport,
} from '@ringtail/codec';
import { startTcpTransport } from '../../src/index.js';
import { freePort } from './tcp-helpers.js';
import { type FixtureOptions, type TransportFixture, transportConformanceSuite } from './transport-conformance.js';

transportConformanceSuite('SimNetwork', async (options: FixtureOptions) => {
  const network = new SimNetwork({
    random: seededRandom(1),
    timers: systemTimers(),
    ...(options.maxQueuedMessages !== undefined && { maxInFlightPerLink: options.maxQueuedMessages }),
  });
  const opened: Transport[] = [];
  return {
    async open() {
      const transport = network.transport(`sim-${opened.length + 1}:7000`);
      opened.push(transport);
      return transport;
    },
    deadAddress: async (): Promise<PeerAddress> => 'sim-dead:7000',
    async close() {
      for (const transport of opened) await transport.close();
    },
  } satisfies TransportFixture;
});

transportConformanceSuite('TCP', async (options: FixtureOptions) => {
  const opened: Transport[] = [];
  return {
    async open() {
      const transport = await startTcpTransport({
        host: '127.0.0.1',
        port: 0,
        clusterName: 'conformance',
        clusterSecret: 'conformance secret',
        timers: systemTimers(),
        random: seededRandom(opened.length + 1),
        logger: silentLogger,
        limits: {
          reconnectBaseMs: 20,
          ...(options.maxQueuedMessages !== undefined && { maxQueuedMessagesPerPeer: options.maxQueuedMessages }),
        },
      });
      opened.push(transport);
      return transport;
    },
    deadAddress: async () => `127.0.0.1:${await freePort()}`,
    async close() {
      for (const transport of opened) await transport.close();
    },
  } satisfies TransportFixture;
});
