/**
 * Zero-configuration discovery on a LAN, for local development; off unless a
 * node turns it on. Each node announces its gossip address by UDP multicast
 * (or broadcast) every few seconds; an announcement from the same cluster
 * adds its sender as a seed. Announcements carry the cluster name and an
 * HMAC-SHA256 over it, the address and a timestamp, keyed by the cluster
 * secret, so a foreign cluster on the same LAN — or a stray packet — is ignored,
 * and an old announcement replayed later is too.
 *
 * The socket is injected ({@link DatagramSocketFactory}); {@link udpSocketFactory}
 * is the real one on node:dgram.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { createSocket } from 'node:dgram';
import type { Clock, Logger, PeerAddress, TimerHandle, Timers } from '@ringtail/codec';
import { silentLogger } from '@ringtail/codec';
import { addressProblem } from './app-state.js';
import { MAX_CLUSTER_NAME_LENGTH } from './constants.js';
import { invalidArgument } from './errors.js';

/** Default UDP port of announcements. */
export const DEFAULT_LAN_DISCOVERY_PORT = 7077;
/** Default multicast group (organisation-local scope, RFC 2365). */
export const DEFAULT_LAN_DISCOVERY_GROUP = '239.255.77.77';
/** Default time between announcements. */
export const DEFAULT_LAN_ANNOUNCE_INTERVAL_MS = 5000;
/** Announcements whose timestamp is further than this from the local clock are ignored. */
export const DEFAULT_LAN_MAX_CLOCK_SKEW_MS = 60_000;
/** Longest announcement accepted, in bytes. */
export const MAX_ANNOUNCEMENT_BYTES = 1024;
/** Most distinct peers reported; later ones are ignored. */
export const MAX_DISCOVERED_PEERS = 1024;

const MAC_CONTEXT = 'ringtail-lan-discovery-v1';

/** A UDP socket bound and aimed at its announcement target (group, broadcast address, or one host). */
export interface DatagramSocket {
  /** Sends one datagram to the target. Errors are reported through the factory's `onError`. */
  send(data: Uint8Array): void;
  onMessage(handler: (data: Uint8Array) => void): void;
  close(): Promise<void>;
}

export type DatagramSocketFactory = (onError: (error: Error) => void) => Promise<DatagramSocket>;

export interface UdpSocketOptions {
  /** `multicast` (default) to `group`, `broadcast` to 255.255.255.255, or `unicast` to `targetAddress`. */
  readonly mode?: 'multicast' | 'broadcast' | 'unicast';
  /** Port to bind, and to send to unless `targetPort` is given. Default DEFAULT_LAN_DISCOVERY_PORT. */
  readonly port?: number;
  /** Address to bind. Default 0.0.0.0. */
  readonly bindAddress?: string;
  readonly group?: string;
  /** Interface for multicast (its IPv4 address). Default: the system's choice. */
  readonly interfaceAddress?: string;
  /** Where `unicast` sends. */
  readonly targetAddress?: string;
  readonly targetPort?: number;
}

/** The real socket: node:dgram, UDP over IPv4, unref'd so it never holds the process open. */
export function udpSocketFactory(options: UdpSocketOptions = {}): DatagramSocketFactory {
  const mode = options.mode ?? 'multicast';
  const port = options.port ?? DEFAULT_LAN_DISCOVERY_PORT;
  const group = options.group ?? DEFAULT_LAN_DISCOVERY_GROUP;
  const targetHost =
    mode === 'multicast' ? group : mode === 'broadcast' ? '255.255.255.255' : (options.targetAddress ?? '');
  const targetPort = options.targetPort ?? port;
  if (targetHost === '') throw invalidArgument('unicast discovery needs a targetAddress');
  return (onError) =>
    new Promise((resolve, reject) => {
      const socket = createSocket({ type: 'udp4', reuseAddr: mode !== 'unicast' });
      socket.once('error', reject);
      socket.bind(port, options.bindAddress ?? '0.0.0.0', () => {
        socket.off('error', reject);
        socket.on('error', onError);
        try {
          if (mode === 'multicast') {
            socket.setMulticastTTL(1);
            socket.setMulticastLoopback(true);
            if (options.interfaceAddress !== undefined) socket.setMulticastInterface(options.interfaceAddress);
            socket.addMembership(group, options.interfaceAddress);
          } else if (mode === 'broadcast') {
            socket.setBroadcast(true);
          }
        } catch (error) {
          socket.close();
          reject(error);
          return;
        }
        socket.unref();
        let closed = false;
        resolve({
          send(data) {
            if (!closed) socket.send(data, targetPort, targetHost, (err) => err && onError(err));
          },
          onMessage(handler) {
            socket.on('message', (data) => handler(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)));
          },
          close: () =>
            new Promise<void>((done) => {
              if (closed) return done();
              closed = true;
              socket.close(() => done());
            }),
        });
      });
    });
}

export interface LanDiscoveryOptions {
  readonly clusterName: string;
  /** Shared by the cluster's nodes; keys the HMAC. */
  readonly clusterSecret: string | Uint8Array;
  /** The gossip address this node announces. */
  readonly address: PeerAddress;
  readonly socket: DatagramSocketFactory;
  readonly timers: Timers;
  readonly clock: Clock;
  readonly logger?: Logger;
  readonly intervalMs?: number;
  readonly maxClockSkewMs?: number;
  /** Called once per newly discovered peer (typically `gossiper.addSeed`). */
  readonly onPeer: (address: PeerAddress) => void;
}

export interface LanDiscoveryStats {
  announced: number;
  accepted: number;
  /** Datagrams ignored: malformed, foreign cluster, bad MAC, stale. */
  rejected: number;
}

export class LanDiscovery {
  readonly stats: LanDiscoveryStats = { announced: 0, accepted: 0, rejected: 0 };
  private readonly discovered = new Set<PeerAddress>();
  private readonly secret: Uint8Array;
  private readonly logger: Logger;
  private readonly intervalMs: number;
  private readonly maxClockSkewMs: number;
  private socket: DatagramSocket | undefined;
  private timer: TimerHandle | undefined;
  private stopped = false;

  constructor(private readonly options: LanDiscoveryOptions) {
    const problem = addressProblem(options.address);
    if (problem !== undefined) throw invalidArgument(`discovery address: ${problem}`);
    if (options.clusterName.length === 0 || options.clusterName.length > MAX_CLUSTER_NAME_LENGTH) {
      throw invalidArgument(`cluster name must have 1 to ${MAX_CLUSTER_NAME_LENGTH} characters`);
    }
    this.secret =
      typeof options.clusterSecret === 'string'
        ? new TextEncoder().encode(options.clusterSecret)
        : options.clusterSecret;
    if (this.secret.length === 0) throw invalidArgument('LAN discovery needs a non-empty cluster secret');
    this.logger = (options.logger ?? silentLogger).child({ component: 'lan-discovery' });
    this.intervalMs = options.intervalMs ?? DEFAULT_LAN_ANNOUNCE_INTERVAL_MS;
    this.maxClockSkewMs = options.maxClockSkewMs ?? DEFAULT_LAN_MAX_CLOCK_SKEW_MS;
    if (!(this.intervalMs > 0) || !(this.maxClockSkewMs > 0)) throw invalidArgument('intervals must be positive');
  }

  /** Opens the socket, announces now and every `intervalMs`. */
  async start(): Promise<void> {
    if (this.socket !== undefined || this.stopped) throw invalidArgument('LAN discovery starts once');
    const socket = await this.options.socket((err) => this.logger.warn({ err }, 'LAN discovery socket error'));
    this.socket = socket;
    socket.onMessage((data) => this.receive(data));
    this.announce();
    this.timer = this.options.timers.setInterval(() => this.announce(), this.intervalMs);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    await this.socket?.close();
  }

  /** The announcement this node sends now (exposed for tests). */
  announcement(): Uint8Array {
    const ts = Math.floor(this.options.clock.nowMicros() / 1000);
    const { clusterName: cluster, address } = this.options;
    const mac = this.mac(cluster, address, ts);
    return new TextEncoder().encode(JSON.stringify({ v: 1, cluster, address, ts, mac }));
  }

  private announce(): void {
    if (this.stopped || this.socket === undefined) return;
    this.socket.send(this.announcement());
    this.stats.announced += 1;
  }

  private receive(data: Uint8Array): void {
    if (this.stopped) return;
    const address = this.verify(data);
    if (address === undefined) {
      this.stats.rejected += 1;
      return;
    }
    if (address === this.options.address || this.discovered.has(address)) return;
    if (this.discovered.size >= MAX_DISCOVERED_PEERS) return;
    this.discovered.add(address);
    this.stats.accepted += 1;
    this.logger.info({ address }, 'peer discovered on the LAN');
    try {
      this.options.onPeer(address);
    } catch (err) {
      this.logger.error({ err, address }, 'LAN discovery listener failed');
    }
  }

  /** The announced address if `data` is a fresh, authentic announcement of this cluster. */
  private verify(data: Uint8Array): PeerAddress | undefined {
    if (data.length > MAX_ANNOUNCEMENT_BYTES) return undefined;
    let body: unknown;
    try {
      body = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(data));
    } catch {
      return undefined;
    }
    if (typeof body !== 'object' || body === null) return undefined;
    const { v, cluster, address, ts, mac } = body as Record<string, unknown>;
    if (v !== 1 || cluster !== this.options.clusterName) return undefined;
    if (addressProblem(address) !== undefined || typeof mac !== 'string' || !Number.isSafeInteger(ts)) return undefined;
    const expected = Buffer.from(this.mac(cluster, address as string, ts as number), 'hex');
    const given = Buffer.from(mac, 'hex');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;
    const nowMs = Math.floor(this.options.clock.nowMicros() / 1000);
    if (Math.abs(nowMs - (ts as number)) > this.maxClockSkewMs) return undefined;
    return address as PeerAddress;
  }

  private mac(cluster: string, address: string, ts: number): string {
    return createHmac('sha256', this.secret).update(`${MAC_CONTEXT}\n${cluster}\n${address}\n${ts}`).digest('hex');
  }
}
