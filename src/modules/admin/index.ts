/**
 * The admin module's public entry: the operator routes (accounts, usage, audit) and the roles that
 * ADMIN_EMAILS and `npm run admin` grant.
 */
export { adminRoutes } from './admin.routes.js';
export { applyAdminEmails, promote, roleForEmail } from './roles.js';
