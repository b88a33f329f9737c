import client from 'prom-client';
import { describe, expect, it } from 'vitest';
import { HotHistogram } from '../../src/lib/hot-histogram.js';

const BOUNDS = [0.001, 0.01, 0.1, 1];
// On, between and over the bounds, and over all of them (the `+Inf` bucket alone).
const VALUES = [0.0005, 0.001, 0.004, 0.01, 0.05, 0.1, 0.7, 1, 3, 42];

/** The same observations through prom-client's own Histogram and through a HotHistogram. */
function bothExpositions() {
  const reference = new client.Registry();
  const histogram = new client.Histogram({
    name: 'gap_seconds',
    help: 'Gaps',
    labelNames: ['model'] as const,
    buckets: BOUNDS,
    registers: [reference],
  });
  const hotRegistry = new client.Registry();
  const hot = new HotHistogram('gap_seconds', 'Gaps', 'model', BOUNDS, hotRegistry);
  VALUES.forEach((value, i) => {
    const model = i % 3 === 0 ? 'model-b' : 'model-a';
    histogram.observe({ model }, value);
    hot.series(model).observe(value);
  });
  return { reference, hotRegistry, hot };
}

describe('HotHistogram', () => {
  it('when values are observed, then /metrics reads exactly as prom-client’s histogram would', async () => {
    const { reference, hotRegistry } = bothExpositions();
    const expected = await reference.metrics();
    expect(expected).toContain('gap_seconds_bucket{le="+Inf",model="model-a"} 6');
    expect(await hotRegistry.metrics()).toBe(expected);
    // The JSON form too (what a cluster aggregator reads): per model, each bound, +Inf, sum, count.
    const [json] = await hotRegistry.getMetricsAsJSON();
    expect(json?.type).toBe('histogram');
    expect(json?.values).toHaveLength(2 * (BOUNDS.length + 3));
  });

  it('when a series is asked for twice, then both observations land in it', async () => {
    const registry = new client.Registry();
    const hot = new HotHistogram('twice_seconds', 'Twice', 'model', BOUNDS, registry);
    hot.series('m').observe(0.002);
    hot.series('m').observe(0.2);
    const text = await registry.metrics();
    expect(text).toContain('twice_seconds_bucket{le="0.01",model="m"} 1');
    expect(text).toContain('twice_seconds_bucket{le="1",model="m"} 2');
    expect(text).toContain('twice_seconds_count{model="m"} 2');
    expect(text).toContain('twice_seconds_sum{model="m"} 0.202');
  });

  it('when the registry is reset, then a kept series counts from zero and still reaches it', async () => {
    const { hotRegistry, hot } = bothExpositions();
    hotRegistry.resetMetrics();
    expect(await hotRegistry.metrics()).toContain('gap_seconds_count{model="model-a"} 0');
    hot.series('model-a').observe(0.5);
    const text = await hotRegistry.metrics();
    expect(text).toContain('gap_seconds_bucket{le="0.1",model="model-a"} 0');
    expect(text).toContain('gap_seconds_bucket{le="1",model="model-a"} 1');
    expect(text).toContain('gap_seconds_count{model="model-a"} 1');
  });
});
