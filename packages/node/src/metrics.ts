/**
 * The node's Prometheus metrics, on a Registry of its own (never prom-client's
 * global one, so two nodes in one process never share counters). Storage
 * gauges are read when scraped; every label takes a bounded set of values.
 * Metric names are listed in docs/operations.md.
 */
import type { StatementKind } from '@ringtail/cql';
import type { TableStats } from '@ringtail/storage';
import { Counter, collectDefaultMetrics, Gauge, type LabelValues, Registry } from 'prom-client';
import type { ClusterStats } from './cluster/membership.js';
import { LATENCY_BUCKETS_SECONDS } from './constants.js';
import { LatencyHistogram } from './latency-histogram.js';

/** One table the schema knows: its storage id and its CQL name. */
export interface TableRef {
  readonly tableId: string;
  readonly keyspace: string;
  readonly table: string;
}

/** Lists the tables that exist now; called on every scrape and `/status`. */
export type TableSource = () => Iterable<TableRef>;

/** What storage holds at one moment. */
export interface StorageSnapshot {
  readonly commitLogBytes: number;
  readonly tables: readonly { readonly ref: TableRef; readonly stats: TableStats }[];
}

/** How a statement ended. */
export type StatementOutcome = 'ok' | 'invalid' | 'unavailable' | 'timeout' | 'error';

/** The hook a query handler calls once per statement. */
export interface StatementMetrics {
  recordStatement(type: StatementKind, seconds: number, outcome: StatementOutcome): void;
}

export interface MetricSources {
  /** `undefined` while storage is not open. */
  storage(): StorageSnapshot | undefined;
  inFlightRequests(): number;
  /** Gossip and internode figures; `undefined` before the node joined the cluster. */
  cluster?(): ClusterStats | undefined;
}

export class NodeMetrics implements StatementMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'method' | 'status'>;
  private readonly requestSeconds: LatencyHistogram<'route' | 'method' | 'status'>;
  private readonly statements: Counter<'type' | 'outcome'>;
  private readonly statementSeconds: LatencyHistogram<'type' | 'outcome'>;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    // Each request and statement updates one histogram (latency-histogram.ts: prom-client's
    // own cost a tenth of executing a single-row INSERT); the two counters are the
    // histograms' counts, copied when scraped.
    this.requests = new Counter({
      name: 'ringtail_http_requests_total',
      help: 'HTTP requests answered, by route pattern, method and status code',
      labelNames: ['route', 'method', 'status'],
      registers,
      collect: () => copyCounts(this.requests, this.requestSeconds),
    });
    this.requestSeconds = new LatencyHistogram(
      'ringtail_http_request_duration_seconds',
      'Time from receiving an HTTP request to sending its answer',
      ['route', 'method', 'status'],
      LATENCY_BUCKETS_SECONDS,
      this.registry,
    );
    this.statements = new Counter({
      name: 'ringtail_cql_statements_total',
      help: 'CQL statements executed, by statement type and outcome',
      labelNames: ['type', 'outcome'],
      registers,
      collect: () => copyCounts(this.statements, this.statementSeconds),
    });
    this.statementSeconds = new LatencyHistogram(
      'ringtail_cql_statement_duration_seconds',
      'Time to execute one CQL statement',
      ['type', 'outcome'],
      LATENCY_BUCKETS_SECONDS,
      this.registry,
    );
    new Gauge({
      name: 'ringtail_http_in_flight_requests',
      help: 'Queries and admin operations running now',
      registers,
      collect() {
        this.set(sources.inFlightRequests());
      },
    });
    new Gauge({
      name: 'ringtail_commitlog_bytes',
      help: 'Bytes in commit-log segments not yet discarded',
      registers,
      collect() {
        const storage = sources.storage();
        if (storage !== undefined) this.set(storage.commitLogBytes);
      },
    });
    tableGauge('ringtail_table_live_sstables', 'Live SSTables per table', (s) => s.liveSSTables);
    tableGauge('ringtail_table_sstable_bytes', 'Bytes in live SSTables per table', (s) => s.sstableBytes);
    tableGauge('ringtail_table_memtable_bytes', 'Bytes in the active memtable per table', (s) => s.memtableBytes);
    clusterGauge('ringtail_gossip_live_endpoints', 'Other members this node sees UP', (s) => s.liveEndpoints);
    clusterGauge('ringtail_gossip_down_endpoints', 'Other members this node sees DOWN', (s) => s.downEndpoints);
    clusterCounter('ringtail_gossip_rounds_total', 'Gossip rounds run', (s) => s.gossipRounds);
    clusterCounter(
      'ringtail_gossip_convictions_total',
      'Members the failure detector marked DOWN',
      (s) => s.convictions,
    );
    clusterCounter(
      'ringtail_internode_protocol_errors_total',
      'Internode connections closed for a failed handshake (wrong secret or cluster) or a protocol error',
      (s) => s.protocolErrors,
    );
    new Gauge({
      name: 'ringtail_internode_connections',
      help: 'Open internode connections: inbound (accepted) and outbound (dialed)',
      labelNames: ['direction'],
      registers,
      collect() {
        const stats = sources.cluster?.();
        if (stats === undefined) return;
        this.set({ direction: 'inbound' }, stats.inboundConnections);
        this.set({ direction: 'outbound' }, stats.outboundConnections);
      },
    });
    collectDefaultMetrics({ register: this.registry });

    function clusterGauge(name: string, help: string, read: (stats: ClusterStats) => number): void {
      new Gauge({
        name,
        help,
        registers,
        collect() {
          const stats = sources.cluster?.();
          if (stats !== undefined) this.set(read(stats));
        },
      });
    }

    function clusterCounter(name: string, help: string, read: (stats: ClusterStats) => number): void {
      new Counter({
        name,
        help,
        registers,
        collect() {
          const stats = sources.cluster?.();
          if (stats === undefined) return;
          this.reset(); // the gossiper and transport count; the counter mirrors them
          this.inc(read(stats));
        },
      });
    }

    function tableGauge(name: string, help: string, read: (stats: TableStats) => number): void {
      new Gauge({
        name,
        help,
        labelNames: ['keyspace', 'table'],
        registers,
        collect() {
          this.reset(); // a dropped table disappears from the next scrape
          for (const { ref, stats } of sources.storage()?.tables ?? []) {
            this.set({ keyspace: ref.keyspace, table: ref.table }, read(stats));
          }
        },
      });
    }
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** `route` is the route pattern (`/cql`), never the raw URL, so labels stay bounded. */
  observeRequest(route: string, method: string, status: number, seconds: number): void {
    this.requestSeconds.seriesOf([route, method, String(status)]).observe(seconds);
  }

  recordStatement(type: StatementKind, seconds: number, outcome: StatementOutcome): void {
    this.statementSeconds.seriesOf([type, outcome]).observe(seconds);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}

/** Sets `counter` to the observation counts of `histogram`, label set by label set. */
function copyCounts<T extends string>(counter: Counter<T>, histogram: LatencyHistogram<T>): void {
  counter.reset();
  for (const series of histogram.allSeries()) counter.inc(series.labels as LabelValues<T>, series.count);
}
