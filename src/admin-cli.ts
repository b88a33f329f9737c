/**
 * Operator commands that need no administrator yet (the first one, say):
 *
 *   npm run admin -- promote <email>   make the account with this email an administrator
 *   node dist/admin-cli.js promote <email>   the same, compiled (in the Docker image)
 *
 * Connects like the server does: MONGODB_URI (and .env), or in development the embedded database
 * in DATA_DIR, which a running development server holds: stop it first, or give MONGODB_URI the
 * address its `database connected` log line names (`uri`). The change is recorded
 * in the audit as made by `cli`. Exit code 0 when the account is (now) an administrator, 1 otherwise.
 */
import './lib/load-env.js';
import { config } from './lib/config.js';
import { connectResolvedDatabase, disconnectDatabase } from './lib/db/connection.js';
import { DataDirInUseError } from './lib/db/data-dir-lock.js';
import { resolveDatabase } from './lib/db/resolve.js';
import { logger } from './lib/logger.js';
import { promote } from './modules/admin/index.js';
import { findAccountByEmail } from './modules/users/index.js';

// One line for both ways in: the compiled script (the Docker image) has no npm run admin.
const USAGE =
  'usage: npm run admin -- promote <email>   (compiled: node dist/admin-cli.js promote <email>)';

async function main(args: string[]): Promise<number> {
  const [command, email, ...rest] = args;
  if (command !== 'promote' || !email || rest.length > 0) {
    console.error(USAGE);
    return 1;
  }
  // Checked already (load-env.ts): a bad value stopped the script with the keys named.
  const c = config();
  const database = await resolveDatabase(c, logger);
  try {
    await connectResolvedDatabase(database);
    const user = await findAccountByEmail(email);
    if (!user) {
      // Where it looked: a DATA_DIR other than the server's is another embedded database.
      console.error(`No account with the email ${email} (looked in ${database.description})`);
      return 1;
    }
    const changed = await promote(user, 'cli');
    console.log(
      changed
        ? `${user.email} is now an administrator`
        : `${user.email} was already an administrator`,
    );
    if (user.disabled)
      console.log('Note: the account is disabled; enable it with PATCH /api/admin/users/:id');
    return 0;
  } finally {
    await disconnectDatabase();
    await database.stop();
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(
      error instanceof DataDirInUseError
        ? // Its own DATA_DIR would be another, empty database: the server's is the one to change.
          `a server (pid ${error.pid}) is using the embedded database in ${error.dataDir}: stop it, or run this with MONGODB_URI set to the address its "database connected" log line names (uri)`
        : error instanceof Error
          ? error.message
          : error,
    );
    process.exit(1);
  },
);
