/** The docs module's public entry: GET /api/openapi.json and the reference page at /docs. */
export { docsRouter } from './docs.routes.js';
