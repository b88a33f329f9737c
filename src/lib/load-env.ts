import { existsSync } from 'node:fs';

// Imported first by server.ts so a local .env is in process.env before the configuration is read.
// Variables already set in the environment win over the file.
if (existsSync('.env')) process.loadEnvFile('.env');
