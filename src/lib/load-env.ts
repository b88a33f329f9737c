// First: an unsupported Node stops here, naming its version, before anything else is loaded.
import './node-version.js';
import { existsSync } from 'node:fs';
import { config, ConfigError, misspeltSettings } from './config.js';

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
  // Said here too: a misspelt name is most often why a required setting is missing, and the
  // warning server.ts logs once the configuration is good would never be reached.
  for (const { name, setting } of misspeltSettings())
    console.error(`  (${name} is not a setting; did you mean ${setting}?)`);
  process.exit(1);
}
