/** The metrics module's public entry: the scrape endpoint (instruments live in src/lib/metrics.ts). */
export { metricsRouter, startMetricsServer } from './metrics.routes.js';
