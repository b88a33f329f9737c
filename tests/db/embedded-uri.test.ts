import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/lib/config.js';
import { resolveDatabase } from '../../src/lib/db/resolve.js';
import { logger } from '../../src/lib/logger.js';

describe('the embedded database’s address', () => {
  it('when the server starts without MONGODB_URI, then it names the embedded database’s URI with its database, and a tool given that URI sees what the server stores', async () => {
    const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-embedded-uri-'));
    const database = await resolveDatabase(
      loadConfig({ NODE_ENV: 'development', DATA_DIR: dataDir, JWT_SECRET: 'x'.repeat(40) }),
      logger,
    );
    const server = new MongoClient(database.uri);
    const tool = new MongoClient(database.embeddedUri!);
    try {
      expect(database.dbName).toBe('sigmagpt');
      expect(database.embeddedUri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/sigmagpt$/);
      // Written where the server writes (its URI and database name), read through the tool's URI.
      await server.db(database.dbName).collection('probe').insertOne({ seen: 'by the tool' });
      expect(
        await tool
          .db()
          .collection('probe')
          .findOne({}, { projection: { _id: 0 } }),
      ).toEqual({
        seen: 'by the tool',
      });
    } finally {
      await Promise.all([server.close(), tool.close()]);
      await database.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
