/** The health module's public entry: liveness (/healthz) and readiness (/readyz). */
export { healthRouter } from './health.routes.js';
