/**
 * The node's own histogram (src/latency-histogram.ts) must expose exactly
 * what prom-client's Histogram exposes for the same observations, in the
 * Prometheus text and as JSON; NodeMetrics' counters are its counts.
 */
import fc from 'fast-check';
import { Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { LATENCY_BUCKETS_SECONDS } from '../src/constants.js';
import { LatencyHistogram } from '../src/latency-histogram.js';
import { NodeMetrics } from '../src/metrics.js';

const NAME = 'test_duration_seconds';
const HELP = 'Time of something';

type Label = 'route' | 'status';

/** Observations: label values and a duration (0, on a bound, between bounds, past the last bound). */
const observation = fc.record({
  route: fc.constantFrom('/cql', '/health', 'unmatched', 'a "quoted"\\route'),
  status: fc.constantFrom('200', '400', '503'),
  seconds: fc.oneof(
    fc.constantFrom(0, ...LATENCY_BUCKETS_SECONDS, 10.5, 1e6),
    fc.double({ min: 0, max: 20, noNaN: true }),
  ),
});

function both(observations: readonly { route: string; status: string; seconds: number }[]) {
  const ours = new Registry();
  const theirs = new Registry();
  const histogram = new LatencyHistogram<Label>(NAME, HELP, ['route', 'status'], LATENCY_BUCKETS_SECONDS, ours);
  const reference = new Histogram<Label>({
    name: NAME,
    help: HELP,
    labelNames: ['route', 'status'],
    buckets: [...LATENCY_BUCKETS_SECONDS],
    registers: [theirs],
  });
  for (const { route, status, seconds } of observations) {
    histogram.seriesOf([route, status]).observe(seconds);
    reference.observe({ route, status }, seconds);
  }
  return { ours, theirs, histogram };
}

describe('LatencyHistogram', () => {
  it("exposes what prom-client's Histogram exposes for the same observations", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(observation, { maxLength: 60 }), async (observations) => {
        const { ours, theirs } = both(observations);
        expect(await ours.metrics()).toBe(await theirs.metrics());
        expect(await ours.getMetricsAsJSON()).toEqual(await theirs.getMetricsAsJSON());
      }),
      { numRuns: 100 },
    );
  });

  it('forgets every series on reset, as the Registry resets it', async () => {
    const { ours, histogram } = both([{ route: '/cql', status: '200', seconds: 0.001 }]);
    ours.resetMetrics();
    expect([...histogram.allSeries()]).toEqual([]);
    expect(await ours.metrics()).toBe(`# HELP ${NAME} ${HELP}\n# TYPE ${NAME} histogram\n`);
    // The same label set observed again is a new series, exposed again.
    histogram.seriesOf(['/cql', '200']).observe(0.002);
    expect([...histogram.allSeries()].map((s) => [s.labels, s.count])).toEqual([[{ route: '/cql', status: '200' }, 1]]);
  });

  it('refuses a duration that is not a finite number', () => {
    const { histogram } = both([]);
    const series = histogram.seriesOf(['x', '200']);
    expect(() => series.observe(Number.NaN)).toThrow(TypeError);
    expect(series.count).toBe(0);
  });
});

describe('NodeMetrics', () => {
  it('counts requests and statements as their histograms do', async () => {
    const metrics = new NodeMetrics({ storage: () => undefined, inFlightRequests: () => 0 });
    for (let i = 0; i < 3; i++) metrics.observeRequest('/cql', 'POST', 200, 0.002);
    metrics.observeRequest('/cql', 'POST', 400, 0.0001);
    metrics.recordStatement('insert', 0.001, 'ok');
    metrics.recordStatement('insert', 0.001, 'ok');
    metrics.recordStatement('select', 0.5, 'invalid');
    const text = await metrics.render();
    expect(text).toContain('ringtail_http_requests_total{route="/cql",method="POST",status="200"} 3');
    expect(text).toContain('ringtail_http_requests_total{route="/cql",method="POST",status="400"} 1');
    expect(text).toContain(
      'ringtail_http_request_duration_seconds_bucket{le="0.0025",route="/cql",method="POST",status="200"} 3',
    );
    expect(text).toContain('ringtail_http_request_duration_seconds_count{route="/cql",method="POST",status="200"} 3');
    expect(text).toContain('ringtail_cql_statements_total{type="insert",outcome="ok"} 2');
    expect(text).toContain('ringtail_cql_statements_total{type="select",outcome="invalid"} 1');
    expect(text).toContain('ringtail_cql_statement_duration_seconds_sum{type="select",outcome="invalid"} 0.5');
    // A second scrape counts the same, not twice as much.
    expect(await metrics.render()).toContain('ringtail_cql_statements_total{type="insert",outcome="ok"} 2');
  });
});
