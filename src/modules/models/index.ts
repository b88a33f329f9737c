/** The models module's public entry: GET /api/models, the models this server allows. */
export { modelRoutes } from './models.routes.js';
