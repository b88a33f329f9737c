// First: an unsupported Node stops here, naming its version, before anything else is loaded.
import './node-version.js';
import { existsSync } from 'node:fs';
import { config, ConfigError } from './config.js';

// Imported first by server.ts (and the admin script) so a local .env is in process.env before the
// configuration is read. Variables already set in the environment win over the file.
if (existsSync('.env')) process.loadEnvFile('.env');

// Checked here, before any module that reads the configuration as it is imported (the logger):
// a bad value stops the start with every bad key named, and nothing else (no stack trace).
try {
  config();
} catch (error) {
  if (!(error instanceof ConfigError)) throw error;
  console.error(error.message);
  process.exit(1);
}
