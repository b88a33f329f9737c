import express from 'express';
import supertest from 'supertest';
import { describe, expect, it } from 'vitest';
import { pingDatabase } from '../../src/lib/db/connection.js';
import { healthRouter } from '../../src/modules/health/health.routes.js';
import { useTestApp } from '../helpers/app.js';

useTestApp();

/** The real readiness route over the real database ping, counting how often the database is asked. */
function countingApp() {
  const counter = { pings: 0 };
  const app = express().use(
    healthRouter(async () => {
      counter.pings += 1;
      return pingDatabase();
    }),
  );
  return { request: supertest(app), counter };
}

describe('readiness is cheap to ask', () => {
  it('when /readyz is called many times within a second, at once or one after another, then the database is pinged once', async () => {
    const { request, counter } = countingApp();
    const parallel = await Promise.all(Array.from({ length: 20 }, () => request.get('/readyz')));
    const sequential = [];
    for (let i = 0; i < 5; i += 1) sequential.push(await request.get('/readyz'));
    for (const res of [...parallel, ...sequential]) {
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ status: 'ready', database: 'up', draining: false });
    }
    expect(counter.pings).toBe(1);
  });

  it('when the cached answer is over a second old, then the database is asked again', async () => {
    const { request, counter } = countingApp();
    expect((await request.get('/readyz')).status).toBe(200);
    const pinged = Date.now();
    while (Date.now() - pinged < 1100) await new Promise((r) => setTimeout(r, 50));
    expect((await request.get('/readyz')).status).toBe(200);
    expect(counter.pings).toBe(2);
  });
});
