/** The admin module's public entry: what other modules may call. */
export { adminRoutes } from './admin.routes.js';
export { endAccess } from './admin.service.js';
export { applyAdminEmails, promote, roleForEmail } from './roles.js';
