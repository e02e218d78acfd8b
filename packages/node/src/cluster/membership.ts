/**
 * This node's membership of the cluster: the internode transport, the
 * gossiper running on it, the application states this node announces, and
 * the views of the cluster the rest of the node reads (`/status`,
 * system.peers, metrics). docs/operations.md, "The cluster".
 *
 * Announced states: STATUS (BOOT until the node serves, then NORMAL), TOKENS
 * (once chosen), DC, RACK, HTTP_ADDRESS, LOAD (bytes of live SSTables,
 * refreshed every `loadRefreshIntervalMs`), SCHEMA (the schema version, kept
 * current by the node), and two of our own: HOST_ID and RELEASE_VERSION.
 */
import { type PeerAddress, parsePeerAddress, type Runtime, type TimerHandle } from '@ringtail/codec';
import {
  ApplicationStateKeys,
  datacenterState,
  type EndpointView,
  Gossiper,
  httpAddressState,
  LanDiscovery,
  loadState,
  rackState,
  schemaVersionState,
  statusState,
  tokensState,
  udpSocketFactory,
} from '@ringtail/gossip';
import type { Logger as PinoLogger } from 'pino';
import type { ResolvedNodeConfig } from '../config.js';
import {
  DEFAULT_CLUSTER_SECRET,
  HOST_ID_STATE,
  INTERNODE_RECONNECT_MAX_ROUNDS,
  RELEASE_VERSION,
  RELEASE_VERSION_STATE,
} from '../constants.js';
import type { NodeStatus } from '../http/schemas.js';
import { DEFAULT_TCP_TRANSPORT_LIMITS } from '../internode/tcp-options.js';
import { startTcpTransport, type TcpTransport } from '../internode/tcp-transport.js';
import type { PeerInfo } from '../query/system-views.js';
import { saveTokens } from './local-state.js';
import { allocateJoiningTokens, type GossipRing, gossipRing, ownershipOf, type RingMember } from './ring-view.js';

export interface ClusterMembershipOptions {
  readonly config: ResolvedNodeConfig;
  readonly runtime: Runtime;
  /** The node's root logger; the transport and the gossiper make their own children. */
  readonly logger: PinoLogger;
  readonly hostId: string;
  /** Where clients reach the HTTP API, `host:port`. */
  readonly httpAddress: string;
  /** This start's gossip generation (local-state.ts). */
  readonly generation: number;
  readonly schemaVersion: string;
  /** Bytes of live SSTables now. */
  readonly loadBytes: () => number;
}

/** Gauges and counters for /metrics. */
export interface ClusterStats {
  readonly liveEndpoints: number;
  readonly downEndpoints: number;
  readonly gossipRounds: number;
  readonly convictions: number;
  readonly inboundConnections: number;
  readonly outboundConnections: number;
  readonly protocolErrors: number;
}

/** The keys whose change can change the ring. */
const RING_KEYS: ReadonlySet<string> = new Set([
  ApplicationStateKeys.TOKENS,
  ApplicationStateKeys.STATUS,
  ApplicationStateKeys.DC,
  ApplicationStateKeys.RACK,
]);

export class ClusterMembership {
  private readonly gossiper: Gossiper;
  private readonly logger: PinoLogger;
  private readonly loadTimer: TimerHandle;
  private ringCache: GossipRing | undefined;
  private warnedConflicts = 0;
  /** Bumped on every gossip event: system.peers rebuilds its rows when it changes. */
  private peersVersion = 0;
  private stopping: Promise<void> | undefined;
  private lanDiscovery: LanDiscovery | undefined;

  /** Listens on `listen:internodePort` (RT_IO if it cannot) and starts gossiping. */
  static async start(options: ClusterMembershipOptions): Promise<ClusterMembership> {
    const { config, runtime } = options;
    const limits = DEFAULT_TCP_TRANSPORT_LIMITS;
    const reconnectMaxMs = INTERNODE_RECONNECT_MAX_ROUNDS * config.cluster.gossipIntervalMs;
    const transport = await startTcpTransport({
      host: config.listen,
      port: config.internodePort,
      clusterName: config.clusterName,
      clusterSecret: config.clusterSecret ?? DEFAULT_CLUSTER_SECRET,
      timers: runtime.timers,
      random: runtime.random.fork(),
      logger: options.logger,
      limits: { reconnectMaxMs: Math.min(limits.reconnectMaxMs, Math.max(limits.reconnectBaseMs, reconnectMaxMs)) },
    });
    let membership: ClusterMembership;
    try {
      membership = new ClusterMembership(options, transport);
    } catch (error) {
      await transport.close();
      throw error;
    }
    if (config.lanDiscovery === true) {
      try {
        await membership.startLanDiscovery();
      } catch (error) {
        await membership.stop({ announce: false });
        throw error;
      }
    }
    return membership;
  }

  /** Announces this node on the LAN and takes every node of the cluster heard there as a seed. */
  private async startLanDiscovery(): Promise<void> {
    const { config, runtime } = this.options;
    const discovery = new LanDiscovery({
      clusterName: config.clusterName,
      clusterSecret: config.clusterSecret ?? DEFAULT_CLUSTER_SECRET,
      address: this.transport.localAddress,
      socket: udpSocketFactory(),
      timers: runtime.timers,
      clock: runtime.clock,
      logger: this.options.logger,
      onPeer: (address) => {
        this.logger.info({ peer: address }, 'found a node on the local network');
        this.gossiper.addSeed(address);
      },
    });
    await discovery.start();
    this.lanDiscovery = discovery;
  }

  private constructor(
    private readonly options: ClusterMembershipOptions,
    private readonly transport: TcpTransport,
  ) {
    const { config, runtime } = options;
    this.logger = options.logger.child({ component: 'node' });
    const address = transport.localAddress;
    this.gossiper = new Gossiper({
      address,
      // A node without seeds is its own seed: a one-node cluster.
      seeds: config.seeds.length > 0 ? config.seeds : [address],
      transport,
      clock: runtime.clock,
      timers: runtime.timers,
      random: runtime.random.fork(),
      logger: options.logger,
      generation: options.generation,
      clusterName: config.clusterName,
      intervalMs: config.cluster.gossipIntervalMs,
      phiThreshold: config.cluster.phiConvictThreshold,
      initialStates: [
        statusState('BOOT'),
        datacenterState(config.dc),
        rackState(config.rack),
        httpAddressState(options.httpAddress),
        { key: HOST_ID_STATE, value: options.hostId },
        { key: RELEASE_VERSION_STATE, value: RELEASE_VERSION },
        schemaVersionState(options.schemaVersion),
        loadState(options.loadBytes()),
      ],
    });
    for (const event of ['join', 'restart', 'up', 'down', 'removed'] as const) {
      this.gossiper.on(event, () => this.onMembershipEvent());
    }
    this.gossiper.on('change', ({ key }) => {
      this.peersVersion += 1;
      if (RING_KEYS.has(key)) this.ringCache = undefined;
    });
    this.gossiper.start();
    this.loadTimer = runtime.timers.setInterval(() => this.refreshLoad(), config.cluster.loadRefreshIntervalMs);
  }

  /** This node's internode address (with the port actually bound). */
  get address(): PeerAddress {
    return this.transport.localAddress;
  }

  get generation(): number {
    return this.gossiper.generation;
  }

  /**
   * The node's tokens: `persisted` ones if any (a restart), otherwise chosen
   * now and persisted. A first start with seeds other than itself first
   * waits, at most `ringDelayMs`, until a seed has answered and every member
   * it learned of has announced tokens; it then allocates tokens balanced for
   * `allocateTokensForRf` against that ring. Announces them (TOKENS).
   */
  async joinRing(persisted: readonly bigint[] | undefined): Promise<readonly bigint[]> {
    const { config, runtime } = this.options;
    if (persisted !== undefined) {
      if (persisted.length !== config.numTokens) {
        this.logger.warn(
          { numTokens: config.numTokens, persistedTokens: persisted.length },
          'numTokens differs from the tokens this node already owns; keeping them',
        );
      }
      this.gossiper.setApplicationStates([tokensState(persisted)]);
      return persisted;
    }
    const startedMs = runtime.clock.monotonicMs();
    const otherSeeds = config.seeds.filter((seed) => seed !== this.address);
    if (otherSeeds.length === 0 && this.lanDiscovery !== undefined) {
      // Nodes heard on the LAN become seeds: give their announcements a ring delay to arrive, then learn the ring.
      await new Promise<void>((resolve) =>
        runtime.timers.setTimeout(resolve, config.cluster.ringDelayMs, { keepAlive: true }),
      );
      if (this.gossiper.members().length > 1) await this.awaitRing(config.cluster.ringDelayMs);
    } else if (otherSeeds.length > 0) {
      const learned = await this.awaitRing(config.cluster.ringDelayMs);
      if (!learned) {
        this.logger.warn(
          { seeds: otherSeeds, ringDelayMs: config.cluster.ringDelayMs, known: this.gossiper.members().length - 1 },
          'did not learn the ring from a seed in time; choosing tokens from what is known',
        );
      }
    }
    const members = this.ringMembers();
    const tokens = allocateJoiningTokens(
      members,
      { address: this.address, dc: config.dc, rack: config.rack },
      config.numTokens,
      config.allocateTokensForRf,
      runtime.random.fork(),
    );
    await saveTokens(runtime.fs, config.dataDir, tokens);
    this.gossiper.setApplicationStates([tokensState(tokens)]);
    this.logger.info(
      {
        tokens: tokens.length,
        allocateTokensForRf: config.allocateTokensForRf,
        ringNodes: members.filter((m) => m.tokens.length > 0).length,
        waitedMs: Math.round(runtime.clock.monotonicMs() - startedMs),
      },
      'tokens allocated',
    );
    return tokens;
  }

  /** STATUS NORMAL: the node serves its ranges. */
  markNormal(): void {
    this.gossiper.setApplicationStates([statusState('NORMAL')]);
  }

  setSchemaVersion(schemaVersion: string): void {
    if (this.gossiper.running) this.gossiper.setApplicationStates([schemaVersionState(schemaVersion)]);
  }

  /**
   * Every member gossip knows, this node included, by address: UP/DOWN from
   * the failure detector (this node is UP), JOINING/NORMAL/LEAVING from
   * STATUS, ownership of the primary ranges of the ring of gossiped tokens.
   * `selfLoadBytes` is this node's load now; others' is what they gossiped.
   */
  nodes(selfLoadBytes: number): NodeStatus[] {
    const ownership = ownershipOf(this.ring().ring);
    const nodes: NodeStatus[] = [];
    for (const view of this.gossiper.endpointViews()) {
      if (!view.member) continue;
      const self = view.address === this.address;
      nodes.push({
        id: view.value(HOST_ID_STATE) ?? '',
        address: view.address,
        http: view.httpAddress === undefined ? '' : `http://${view.httpAddress}`,
        dc: view.datacenter ?? '',
        rack: view.rack ?? '',
        status: self || view.alive ? 'UP' : 'DOWN',
        state: stateOf(view),
        tokens: view.tokens.length,
        ownership: ownership.get(view.address) ?? 0,
        load: self ? selfLoadBytes : (view.loadBytes ?? 0),
      });
    }
    return nodes;
  }

  /** The other members, as system.peers lists them. */
  peers(): PeerInfo[] {
    const peers: PeerInfo[] = [];
    for (const view of this.gossiper.endpointViews()) {
      if (!view.member || view.address === this.address) continue;
      const internode = parsePeerAddress(view.address);
      const http = view.httpAddress === undefined ? undefined : parsePeerAddress(view.httpAddress);
      peers.push({
        host: internode.host,
        port: internode.port,
        dc: view.datacenter,
        rack: view.rack,
        hostId: view.value(HOST_ID_STATE),
        releaseVersion: view.value(RELEASE_VERSION_STATE),
        tokens: view.tokens.map(String),
        schemaVersion: view.schemaVersion,
        httpHost: http?.host,
        httpPort: http?.port,
      });
    }
    return peers;
  }

  /** Changes whenever {@link peers} may answer differently. */
  get version(): number {
    return this.peersVersion;
  }

  stats(): ClusterStats {
    const transport = this.transport.stats();
    return {
      liveEndpoints: this.gossiper.liveEndpoints().length,
      downEndpoints: this.gossiper.unreachableEndpoints().length,
      gossipRounds: this.gossiper.stats.rounds,
      convictions: this.gossiper.stats.convictions,
      inboundConnections: transport.inboundConnections,
      outboundConnections: transport.outboundConnections,
      protocolErrors: transport.protocolErrors,
    };
  }

  /**
   * Stops gossiping — announcing the shutdown unless `announce` is false, so
   * that peers mark this node DOWN at once — then closes the transport.
   * Idempotent; leaves no timer behind.
   */
  stop(options: { announce?: boolean } = {}): Promise<void> {
    this.stopping ??= this.shutdown(options.announce !== false);
    return this.stopping;
  }

  private async shutdown(announce: boolean): Promise<void> {
    this.loadTimer.cancel();
    await this.lanDiscovery?.stop();
    const told = announce && this.gossiper.running ? this.gossiper.liveEndpoints().length : 0;
    this.gossiper.stop({ announce });
    const delayMs = this.options.config.cluster.shutdownAnnounceMs;
    if (told > 0 && delayMs > 0) {
      // Bounded: lets the shutdown messages reach the peers before their connections close.
      await new Promise<void>((resolve) =>
        this.options.runtime.timers.setTimeout(resolve, delayMs, { keepAlive: true }),
      );
    }
    await this.transport.close();
  }

  private onMembershipEvent(): void {
    this.peersVersion += 1;
    this.ringCache = undefined;
  }

  private refreshLoad(): void {
    if (!this.gossiper.running) return;
    try {
      this.gossiper.setApplicationStates([loadState(this.options.loadBytes())]);
    } catch (err) {
      this.logger.warn({ err }, 'could not refresh the gossiped load');
    }
  }

  private ringMembers(): RingMember[] {
    const members: RingMember[] = [];
    for (const view of this.gossiper.endpointViews()) {
      if (!view.member) continue;
      members.push({ address: view.address, dc: view.datacenter ?? '', rack: view.rack ?? '', tokens: view.tokens });
    }
    return members;
  }

  private ring(): GossipRing {
    if (this.ringCache === undefined) {
      this.ringCache = gossipRing(this.ringMembers());
      const { conflicts } = this.ringCache;
      if (conflicts > this.warnedConflicts) {
        this.logger.warn({ conflicts }, 'members claim the same tokens; each goes to the smallest address');
      }
      this.warnedConflicts = conflicts;
    }
    return this.ringCache;
  }

  /** Resolves true once a seed answered and every member learned has tokens; false after `timeoutMs`. */
  private awaitRing(timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      let done = false;
      const unsubscribe: (() => void)[] = [];
      const finish = (learned: boolean): void => {
        if (done) return;
        done = true;
        timer.cancel();
        for (const off of unsubscribe) off();
        resolve(learned);
      };
      const check = (): void => {
        if (this.ringKnown()) finish(true);
      };
      const timer = this.options.runtime.timers.setTimeout(() => finish(false), timeoutMs);
      unsubscribe.push(this.gossiper.on('join', check), this.gossiper.on('change', check));
      check();
    });
  }

  /** Some other member is known, and none is still without tokens (choosing them, as this node is). */
  private ringKnown(): boolean {
    let others = 0;
    for (const view of this.gossiper.endpointViews()) {
      if (view.address === this.address || !view.member) continue;
      if (view.tokens.length === 0) return false;
      others += 1;
    }
    return others > 0;
  }
}

function stateOf(view: EndpointView): NodeStatus['state'] {
  switch (view.status?.name) {
    case 'NORMAL':
      return 'NORMAL';
    case 'LEAVING':
      return 'LEAVING';
    default:
      return 'JOINING';
  }
}
