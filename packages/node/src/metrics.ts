/**
 * The node's Prometheus metrics, on a Registry of its own (never prom-client's
 * global one, so two nodes in one process never share counters). Storage
 * gauges are read when scraped; every label takes a bounded set of values.
 * Metric names are listed in docs/operations.md.
 */
import type { StatementKind } from '@ringtail/cql';
import type { TableStats } from '@ringtail/storage';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { LATENCY_BUCKETS_SECONDS } from './constants.js';

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
}

export class NodeMetrics implements StatementMetrics {
  readonly registry = new Registry();
  private readonly requests: Counter<'route' | 'method' | 'status'>;
  private readonly requestSeconds: Histogram<'route' | 'method' | 'status'>;
  private readonly statements: Counter<'type' | 'outcome'>;
  private readonly statementSeconds: Histogram<'type' | 'outcome'>;

  constructor(sources: MetricSources) {
    const registers = [this.registry];
    const buckets = [...LATENCY_BUCKETS_SECONDS];
    this.requests = new Counter({
      name: 'ringtail_http_requests_total',
      help: 'HTTP requests answered, by route pattern, method and status code',
      labelNames: ['route', 'method', 'status'],
      registers,
    });
    this.requestSeconds = new Histogram({
      name: 'ringtail_http_request_duration_seconds',
      help: 'Time from receiving an HTTP request to sending its answer',
      labelNames: ['route', 'method', 'status'],
      buckets,
      registers,
    });
    this.statements = new Counter({
      name: 'ringtail_cql_statements_total',
      help: 'CQL statements executed, by statement type and outcome',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.statementSeconds = new Histogram({
      name: 'ringtail_cql_statement_duration_seconds',
      help: 'Time to execute one CQL statement',
      labelNames: ['type', 'outcome'],
      buckets,
      registers,
    });
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
    collectDefaultMetrics({ register: this.registry });

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
    const labels = { route, method, status: String(status) };
    this.requests.inc(labels);
    this.requestSeconds.observe(labels, seconds);
  }

  recordStatement(type: StatementKind, seconds: number, outcome: StatementOutcome): void {
    this.statements.inc({ type, outcome });
    this.statementSeconds.observe({ type, outcome }, seconds);
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
