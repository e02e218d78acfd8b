/**
 * One Ringtail node: the storage engine in `config.dataDir`, the HTTP API in
 * front of it, its membership of the cluster (internode transport and gossip,
 * cluster/membership.ts), metrics and logs. `Node.start` binds the HTTP port
 * first (so `/health` answers 503 `starting` while storage opens and the
 * commit log replays), then opens storage, joins the cluster (binding the
 * internode port, and on a first start choosing its tokens) and starts
 * serving. `stop()` leaves the cluster (peers are told at once), then drains:
 * it stops accepting requests, lets in-flight ones finish (bounded by
 * `limits.drainTimeoutMs`), flushes memtables and closes storage; it leaves no
 * timer or socket behind.
 */
import {
  ErrorCodes,
  initChecksums,
  isRingtailError,
  nodeFileSystem,
  parsePeerAddress,
  RingtailError,
  type Runtime,
  systemRuntime,
} from '@ringtail/codec';
import { StorageEngine, type StorageOptions } from '@ringtail/storage';
import type { Logger as PinoLogger } from 'pino';
import { loadTokens, nextGeneration } from './cluster/local-state.js';
import { ClusterMembership } from './cluster/membership.js';
import { type NodeConfig, type ResolvedNodeConfig, validateNodeConfig } from './config.js';
import type { AdminOperations, NodeState } from './http/api.js';
import { InFlightLimiter } from './http/guards.js';
import type { ClusterStatus } from './http/schemas.js';
import { createHttpServer, type HttpServer } from './http/server.js';
import { loadOrCreateHostId } from './identity.js';
import { createLogger } from './logging.js';
import { NodeMetrics, type StorageSnapshot, type TableSource } from './metrics.js';
import { cqlQueryHandler } from './query/cql-handler.js';
import { type QueryHandler, type QueryHandlerFactory, unavailableQueryHandler } from './query-handler.js';
import { openStorageWithSchema, SchemaStore } from './schema/schema-store.js';
import { TimestampSource } from './timestamps.js';

export interface NodeOptions {
  /** Root logger; each component logs through a child `{component}`. Default: JSON lines on stdout. */
  logger?: PinoLogger;
  /** Builds the query handler once storage and the schema are open. Default: the CQL handler (query/cql-handler.ts). */
  queryHandler?: QueryHandlerFactory;
  /**
   * Storage tuning (commit-log sync mode, flush thresholds, where flushes and
   * compactions run). `backgroundWorker` defaults to true when `start` is
   * given no runtime (the real file system), else false.
   */
  storage?: Pick<StorageOptions, 'commitLog' | 'memtableFlushBytes' | 'commitLogFlushBytes' | 'backgroundWorker'>;
}

/** The engine's on-demand compaction, when this build of storage has it. */
type MaybeCompacting = { compact?: (tableId?: string, request?: { major?: boolean }) => Promise<void> };

export class Node {
  private lifecycle: NodeState = 'starting';
  private engine: StorageEngine | undefined;
  private handler: QueryHandler = unavailableQueryHandler;
  private cluster: ClusterMembership | undefined;
  private tableSource: TableSource = () => [];
  private hostId = '';
  private url = '';
  private httpPort = 0;
  private stopping: Promise<void> | undefined;
  private readonly limiter: InFlightLimiter;
  private readonly http: HttpServer;
  private readonly logger: PinoLogger;
  readonly metrics: NodeMetrics;

  private constructor(
    readonly config: ResolvedNodeConfig,
    private readonly runtime: Runtime,
    private readonly rootLogger: PinoLogger,
  ) {
    this.logger = rootLogger.child({ component: 'node' });
    this.limiter = new InFlightLimiter(config.limits.maxInFlightRequests);
    this.metrics = new NodeMetrics({
      storage: () => this.storageSnapshot(),
      inFlightRequests: () => this.limiter.inFlight,
      cluster: () => this.cluster?.stats(),
    });
    this.http = createHttpServer({
      logger: rootLogger.child({ component: 'http' }),
      limits: config.limits,
      limiter: this.limiter,
      metrics: this.metrics,
      admin: this.adminOperations(),
      state: () => this.lifecycle,
      queryHandler: () => this.handler,
      status: () => this.status(),
    });
  }

  /** Validates `config`, listens, opens storage; resolves once the node serves. */
  static async start(config: NodeConfig, runtime?: Runtime, options: NodeOptions = {}): Promise<Node> {
    const node = new Node(
      validateNodeConfig(config),
      runtime ?? systemRuntime(nodeFileSystem()),
      options.logger ?? createLogger(),
    );
    await node.listen();
    try {
      // On the real file system, flushes and compactions run in worker threads (storage's background workers).
      await node.open({ ...options, storage: { backgroundWorker: runtime === undefined, ...options.storage } });
    } catch (error) {
      await node.cluster?.stop({ announce: false }).catch(() => {});
      await node.http.close();
      await node.engine?.close().catch(() => {});
      throw error;
    }
    return node;
  }

  get state(): NodeState {
    return this.lifecycle;
  }

  /** Base URL of the HTTP API, with the port actually bound (`httpPort: 0` picks one). */
  get httpUrl(): string {
    return this.url;
  }

  /** Stops accepting queries, leaves gossip (peers see this node DOWN), then flushes every memtable (`nodetool drain`). */
  async drain(): Promise<void> {
    const engine = this.openEngine();
    if (this.lifecycle === 'serving') {
      this.lifecycle = 'drained';
      this.logger.info({}, 'draining: queries are refused from now on');
    }
    await this.cluster?.stop();
    await engine.flush();
    this.logger.info({ commitLogBytes: engine.commitLogBytes }, 'drained');
  }

  /** Drains and closes; idempotent. */
  stop(): Promise<void> {
    this.stopping ??= this.shutdown();
    return this.stopping;
  }

  /** This node and every member gossip knows (docs/operations.md, `GET /status`). */
  status(): ClusterStatus {
    return { clusterName: this.config.clusterName, nodes: this.joined().nodes(this.liveSSTableBytes()) };
  }

  /** This node's internode address, with the port actually bound (`internodePort: 0` picks one). */
  get internodeAddress(): string {
    return this.joined().address;
  }

  /** This start's gossip generation: seconds since the epoch, above every earlier start's with this data directory. */
  get generation(): number {
    return this.joined().generation;
  }

  private joined(): ClusterMembership {
    if (this.cluster === undefined)
      throw new RingtailError(ErrorCodes.CLOSED, 'the node has not joined the cluster yet');
    return this.cluster;
  }

  private async listen(): Promise<void> {
    const { listen: host, httpPort: port } = this.config;
    try {
      await this.http.listen({ host, port });
    } catch (error) {
      await this.http.close().catch(() => {});
      throw listenError(error, host, port);
    }
    const address = this.http.server.address();
    const boundPort = typeof address === 'object' && address !== null ? address.port : port;
    this.httpPort = boundPort;
    this.url = `http://${hostPort(host, boundPort)}`;
    this.logger.info({ http: this.url }, 'listening');
  }

  private async open(options: NodeOptions): Promise<void> {
    const { dataDir } = this.config;
    const storageLogger = this.rootLogger.child({ component: 'storage' });
    await initChecksums();
    let opened: Awaited<ReturnType<typeof openStorageWithSchema>>;
    let generation: number;
    let persistedTokens: bigint[] | undefined;
    try {
      opened = await openStorageWithSchema({
        runtime: this.runtime,
        dataDirectory: dataDir,
        logger: storageLogger,
        storage:
          this.config.commitLogSync === undefined
            ? options.storage
            : {
                ...options.storage,
                commitLog: { ...options.storage?.commitLog, syncMode: this.config.commitLogSync },
              },
      });
      this.engine = opened.engine;
      this.hostId = await loadOrCreateHostId(this.runtime.fs, dataDir, this.runtime.random);
      generation = await nextGeneration(this.runtime.fs, dataDir, this.runtime.clock.nowMicros());
      persistedTokens = await loadTokens(this.runtime.fs, dataDir);
    } catch (error) {
      throw storageError(error, dataDir);
    }
    const queryLogger = this.rootLogger.child({ component: 'query' });
    const timestamps = new TimestampSource(this.runtime.clock);
    const schema = new SchemaStore(
      { engine: opened.engine, timestamps, random: this.runtime.random.fork(), logger: queryLogger },
      opened.schema,
    );
    this.logger.info({ keyspaces: schema.schema.keyspaces.size, schemaVersion: schema.version }, 'schema loaded');
    this.tableSource = () => schema.tables();
    const cluster = await this.joinCluster(generation, schema.version);
    const tokens = await cluster.joinRing(persistedTokens);
    schema.onChange((schemaVersion) => cluster.setSchemaVersion(schemaVersion));
    const factory = options.queryHandler ?? cqlQueryHandler;
    this.handler = await factory({
      config: this.config,
      runtime: this.runtime,
      engine: opened.engine,
      logger: queryLogger,
      metrics: this.metrics,
      setTableSource: (source) => {
        this.tableSource = source;
      },
      schema,
      timestamps,
      hostId: this.hostId,
      httpPort: this.httpPort,
      cluster: {
        local: {
          hostId: this.hostId,
          clusterName: this.config.clusterName,
          dc: this.config.dc,
          rack: this.config.rack,
          listen: this.config.listen,
          internodePort: parsePeerAddress(cluster.address).port,
          httpPort: this.httpPort,
          tokens: tokens.map(String),
        },
        peers: cluster,
      },
    });
    this.lifecycle = 'serving';
    cluster.markNormal();
    const { clusterName } = this.config;
    this.logger.info({ hostId: this.hostId, dataDir, clusterName, address: cluster.address }, 'serving');
  }

  /** Binds the internode port and starts gossiping. */
  private async joinCluster(generation: number, schemaVersion: string): Promise<ClusterMembership> {
    const { listen: host, internodePort: port } = this.config;
    if (this.config.clusterSecret === undefined) {
      this.logger.warn(
        {},
        'no cluster secret set: internode traffic is authenticated with the public default secret; ' +
          'set --cluster-secret or RINGTAIL_CLUSTER_SECRET',
      );
    }
    try {
      this.cluster = await ClusterMembership.start({
        config: this.config,
        runtime: this.runtime,
        logger: this.rootLogger,
        hostId: this.hostId,
        httpAddress: hostPort(host, this.httpPort),
        generation,
        schemaVersion,
        loadBytes: () => this.liveSSTableBytes(),
      });
    } catch (error) {
      throw isRingtailError(error, ErrorCodes.IO)
        ? listenError(error.cause ?? error, host, port, 'internode port')
        : error;
    }
    return this.cluster;
  }

  private async shutdown(): Promise<void> {
    this.lifecycle = 'stopping';
    const { drainTimeoutMs } = this.config.limits;
    this.logger.info({ inFlight: this.limiter.inFlight, drainTimeoutMs }, 'stopping');
    // First, so that peers mark this node DOWN at once rather than after failure detection.
    await this.cluster?.stop().catch((err: unknown) => this.logger.error({ err }, 'leaving the cluster failed'));
    const force = this.runtime.timers.setTimeout(() => {
      this.logger.warn({ inFlight: this.limiter.inFlight, drainTimeoutMs }, 'drain timed out; closing connections');
      this.http.server.closeAllConnections();
    }, drainTimeoutMs);
    try {
      await this.http.close();
    } finally {
      force.cancel();
    }
    const engine = this.engine;
    if (engine !== undefined) {
      // Flushed memtables make the next start quick: nothing to replay.
      await engine.flush().catch((err: unknown) => this.logger.error({ err }, 'flush before stop failed'));
      await engine.close();
    }
    this.lifecycle = 'stopped';
    this.logger.info({}, 'stopped');
  }

  private adminOperations(): AdminOperations {
    return {
      flush: () => this.openEngine().flush(),
      // Looked up at run time: compaction on demand is newer than the rest of the engine.
      compact:
        typeof (StorageEngine.prototype as MaybeCompacting).compact === 'function'
          ? () => (this.openEngine() as MaybeCompacting).compact!(undefined, { major: true })
          : undefined,
      drain: () => this.drain(),
    };
  }

  private openEngine(): StorageEngine {
    if (this.engine === undefined || this.lifecycle === 'stopped') {
      throw new RingtailError(ErrorCodes.CLOSED, 'storage is not open');
    }
    return this.engine;
  }

  /** Bytes of live SSTables: the load this node reports (Cassandra's). */
  private liveSSTableBytes(): number {
    let bytes = 0;
    for (const { stats } of this.storageSnapshot()?.tables ?? []) bytes += stats.sstableBytes;
    return bytes;
  }

  private storageSnapshot(): StorageSnapshot | undefined {
    const engine = this.engine;
    if (engine === undefined || this.lifecycle === 'stopped') return undefined;
    const tables = [];
    for (const ref of this.tableSource()) {
      try {
        tables.push({ ref, stats: engine.stats(ref.tableId) });
      } catch (error) {
        if (!isRingtailError(error, ErrorCodes.NOT_FOUND)) throw error; // dropped since listed
      }
    }
    return { commitLogBytes: engine.commitLogBytes, tables };
  }
}

function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** Says in words why a port (`what`: the HTTP one unless told) could not be bound. */
function listenError(error: unknown, host: string, port: number, what = 'port'): RingtailError {
  const errno = (error as { code?: unknown } | null)?.code;
  const reasons: Record<string, string> = {
    EADDRINUSE: `${what} ${port} on ${host} is already in use`,
    EACCES: `no permission to listen on ${what} ${port} on ${host}`,
    EADDRNOTAVAIL: `${host} is not an address of this machine`,
    ENOTFOUND: `cannot resolve the listen address ${host}`,
  };
  const reason = (typeof errno === 'string' ? reasons[errno] : undefined) ?? `cannot listen on ${hostPort(host, port)}`;
  return new RingtailError(ErrorCodes.IO, `${reason} (${String(errno ?? (error as Error).message)})`, {
    cause: error,
  });
}

/** Names the data directory in errors from opening it. */
function storageError(error: unknown, dataDir: string): unknown {
  if (isRingtailError(error, ErrorCodes.LOCKED)) {
    return new RingtailError(
      ErrorCodes.LOCKED,
      `data directory ${dataDir} is in use by another Ringtail node (${error.message})`,
      { cause: error },
    );
  }
  if (isRingtailError(error, ErrorCodes.IO)) {
    return new RingtailError(
      ErrorCodes.IO,
      `data directory ${dataDir} is not usable: ${error.message}; check that it is a writable directory`,
      { cause: error },
    );
  }
  return error;
}
