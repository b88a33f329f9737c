import os from 'node:os';
import path from 'node:path';

// Test configuration, set before any module of the app reads process.env.
Object.assign(process.env, {
  NODE_ENV: 'test',
  LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
  DATA_DIR: path.join(os.tmpdir(), 'sigmagpt-test-data'),
  JWT_SECRET: 'test-secret-that-is-long-enough-for-hs256-0123456789',
  CORS_ORIGINS: 'http://localhost:5173',
  OPENAI_API_KEY: 'test-key',
  // A title request after each first reply would reach the scripted upstream; tests of titles turn it on.
  TITLES: 'off',
});

// In-process files share worker processes (isolate: false) and this file runs before each of them:
// every file starts from the configuration above, whatever the file before it loaded.
const { reloadConfig } = await import('../../src/lib/config.js');
reloadConfig();
