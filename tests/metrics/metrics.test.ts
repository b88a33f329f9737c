import { readFileSync } from 'node:fs';
import type http from 'node:http';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../src/app.js';
import { reloadConfig } from '../../src/lib/config.js';
import { freePort } from '../../src/lib/db/embedded.js';
import { startMetricsServer } from '../../src/modules/metrics/index.js';
import { User } from '../../src/modules/users/user.model.js';
import { useTestApp } from '../helpers/app.js';
import { expectError } from '../helpers/auth.js';
import { eventually } from '../helpers/eventually.js';
import { listen, openStream } from '../helpers/sse.js';
import { useUpstream, upstreamEnv } from '../helpers/chat-app.js';
import { createUser, type TestUser } from '../helpers/users.js';
import { isExposed, metricNamesIn, parseMetrics, valueOf } from './metrics-text.js';

const TOKEN = 'metrics-token-0123456789';
const upstream = await useUpstream();
const env = {
  ...upstreamEnv(upstream),
  METRICS_TOKEN: TOKEN,
  DB_COMMAND_METRICS: 'true',
  // A disconnect cuts the reply at once (no grace for a reader to resume it): outcome client_gone.
  DETACH_GRACE_SECONDS: '0',
};
const ctx = useTestApp(env);
let user: TestUser;

beforeAll(async () => {
  user = await createUser({ label: 'metrics' });
});

const scrape = async () => {
  const res = await ctx.request().get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
  expect(res.status).toBe(200);
  return res.text;
};
const newChat = async () => {
  const res = await ctx.request().post('/api/chats').set(user.auth).send({});
  // A creation refused here would otherwise show up as a send's 404 to /api/chats/undefined.
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body.id as string;
};
const send = (chatId: string, stream = false) =>
  ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(user.auth)
    .send({ content: 'hello', stream });

describe('GET /metrics', () => {
  it('when the METRICS_TOKEN is missing or wrong, then 401; with it, the Prometheus text format', async () => {
    const none = await ctx.request().get('/metrics');
    expectError(none, 401, 'UNAUTHENTICATED');
    expect(none.headers['www-authenticate']).toBe('Bearer');
    const wrong = await ctx.request().get('/metrics').set('Authorization', `Bearer ${TOKEN}x`);
    expectError(wrong, 401, 'UNAUTHENTICATED');
    // An API access token is not a metrics token.
    expectError(await ctx.request().get('/metrics').set(user.auth), 401, 'UNAUTHENTICATED');
    const ok = await ctx.request().get('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expect(ok.status).toBe(200);
    expect(ok.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const { types } = parseMetrics(ok.text);
    for (const [name, type] of [
      ['sigmagpt_http_request_duration_seconds', 'histogram'],
      ['sigmagpt_open_streams', 'gauge'],
      ['sigmagpt_replies_total', 'counter'],
      ['sigmagpt_reply_ttft_seconds', 'histogram'],
      ['sigmagpt_reply_chunk_gap_seconds', 'histogram'],
      ['sigmagpt_upstream_errors_total', 'counter'],
      ['sigmagpt_tokens_total', 'counter'],
      ['sigmagpt_db_command_duration_seconds', 'histogram'],
      ['nodejs_eventloop_lag_p99_seconds', 'gauge'],
    ]) {
      expect(types.get(name!), name).toBe(type);
    }
  });

  it('when neither METRICS_TOKEN nor METRICS_PORT is set, then /metrics is not served (404)', async () => {
    reloadConfig({ ...process.env, ...env, METRICS_TOKEN: '' });
    try {
      const app = createApp();
      const { default: supertest } = await import('supertest');
      expectError(await supertest(app).get('/metrics'), 404, 'NOT_FOUND');
      // Nor with another method: there is no such route.
      expectError(await supertest(app).post('/metrics'), 404, 'NOT_FOUND');
    } finally {
      reloadConfig({ ...process.env, ...env });
    }
  });

  it('when /metrics or /healthz is asked with another method, then 405 with Allow, as published, and the request metric names the route', async () => {
    const contract = (await ctx.request().get('/api/openapi.json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>;
    };
    expect(Object.keys(contract.paths['/metrics']!.get!.responses)).toContain('405');
    const posted = await ctx.request().post('/metrics').set('Authorization', `Bearer ${TOKEN}`);
    expectError(posted, 405, 'METHOD_NOT_ALLOWED');
    expect(posted.headers.allow).toBe('GET, HEAD');
    const name = 'sigmagpt_http_request_duration_seconds_count';
    const labels = { method: 'POST', route: '/healthz', status: '405' };
    const before = valueOf(await scrape(), name, labels);
    expectError(await ctx.request().post('/healthz'), 405, 'METHOD_NOT_ALLOWED');
    expect(valueOf(await scrape(), name, labels) - before).toBe(1);
  });

  it('when METRICS_PORT is set, then the metrics are served on that port (loopback) and not on the API port', async () => {
    const port = await freePort();
    const c = reloadConfig({
      ...process.env,
      ...env,
      METRICS_TOKEN: '',
      METRICS_PORT: String(port),
    });
    let server: http.Server | undefined;
    try {
      server = await startMetricsServer(c);
      const { default: supertest } = await import('supertest');
      expectError(await supertest(createApp()).get('/metrics'), 404, 'NOT_FOUND');
      const res = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('sigmagpt_open_streams');
      // Its errors carry a request id as the API port's do, to match them with the log.
      const other = await fetch(`http://127.0.0.1:${port}/other`);
      expect(other.status).toBe(404);
      const { error } = (await other.json()) as { error: { code: string; requestId: string } };
      expect(error.code).toBe('NOT_FOUND');
      expect(error.requestId).toMatch(/^[0-9a-f-]{36}$/);
      expect(other.headers.get('x-request-id')).toBe(error.requestId);
    } finally {
      server?.close();
      reloadConfig({ ...process.env, ...env });
    }
  });
});

describe('values move when replies run', () => {
  it('when replies complete, fail and stream, then requests, replies, TTFT, gaps, upstream errors, tokens and database timings count them', async () => {
    const chatId = await newChat();
    const before = await scrape();
    upstream.script(
      {
        chunks: ['a', 'b', 'c', 'd'],
        usage: { prompt_tokens: 17, completion_tokens: 4, total_tokens: 21 },
      },
      { chunks: ['e', 'f'], usage: false },
      { status: 500 },
    );
    expect((await send(chatId)).status).toBe(201);
    expect((await send(chatId, true)).status).toBe(200);
    expect((await send(chatId)).status).toBe(502);
    const after = await scrape();
    const delta = (name: string, labels: Record<string, string> = {}) =>
      valueOf(after, name, labels) - valueOf(before, name, labels);

    const route = '/api/chats/:id/messages';
    expect(
      delta('sigmagpt_http_request_duration_seconds_count', {
        route,
        method: 'POST',
        status: '201',
      }),
    ).toBe(1);
    expect(
      delta('sigmagpt_http_request_duration_seconds_count', {
        route,
        method: 'POST',
        status: '200',
      }),
    ).toBe(1);
    expect(
      delta('sigmagpt_http_request_duration_seconds_count', {
        route,
        method: 'POST',
        status: '502',
      }),
    ).toBe(1);
    // Routes are templates: no chat id ever appears in a label.
    for (const sample of parseMetrics(after).samples)
      expect(sample.labels.route ?? '').not.toMatch(/[0-9a-f]{24}/);

    expect(delta('sigmagpt_replies_total', { model: 'test-model', outcome: 'complete' })).toBe(2);
    expect(
      delta('sigmagpt_replies_total', { model: 'test-model', outcome: 'upstream_error' }),
    ).toBe(1);
    expect(delta('sigmagpt_upstream_errors_total', { code: 'UPSTREAM_ERROR', cause: '500' })).toBe(
      1,
    );
    expect(delta('sigmagpt_reply_ttft_seconds_count', { model: 'test-model' })).toBe(2);
    // One gap between each pair of consecutive chunks: 3 + 1.
    expect(delta('sigmagpt_reply_chunk_gap_seconds_count', { model: 'test-model' })).toBe(4);
    expect(
      delta('sigmagpt_tokens_total', { model: 'test-model', type: 'prompt', source: 'reported' }),
    ).toBe(17);
    expect(
      delta('sigmagpt_tokens_total', {
        model: 'test-model',
        type: 'completion',
        source: 'reported',
      }),
    ).toBe(4);
    expect(
      delta('sigmagpt_tokens_total', {
        model: 'test-model',
        type: 'completion',
        source: 'estimated',
      }),
    ).toBeGreaterThan(0);
    expect(
      delta('sigmagpt_db_command_duration_seconds_count', { command: 'insert', outcome: 'ok' }),
    ).toBeGreaterThanOrEqual(4);
    expect(valueOf(after, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThan(0);
  });

  /** Upstream errors counted with cause connection, in a scrape. */
  const connectionErrors = (text: string) =>
    valueOf(text, 'sigmagpt_upstream_errors_total', {
      code: 'UPSTREAM_ERROR',
      cause: 'connection',
    });

  it('when the provider cannot be reached, then the upstream error is counted with cause connection', async () => {
    const chatId = await newChat();
    const before = await scrape();
    // Port 1 refuses connections: the SDK raises its connection error (no retries here).
    reloadConfig({ ...process.env, ...env, OPENAI_BASE_URL: 'http://127.0.0.1:1/v1' });
    try {
      expect((await send(chatId)).status).toBe(502);
    } finally {
      reloadConfig({ ...process.env, ...env });
    }
    const after = await scrape();
    expect(connectionErrors(after) - connectionErrors(before)).toBe(1);
  });

  it('when the provider drops its connection mid-reply, then the upstream error is counted with cause connection', async () => {
    const chatId = await newChat();
    const before = await scrape();
    upstream.script({ chunks: ['part', 'ial'], failAfter: 1, failWith: 'close' });
    expect((await send(chatId)).status).toBe(502);
    const after = await scrape();
    expect(connectionErrors(after) - connectionErrors(before)).toBe(1);
  });

  it('when a stream is open, then the open-streams gauge counts it, and not after it ends', async () => {
    const chatId = await newChat();
    upstream.script({ chunks: Array.from({ length: 100 }, (_, i) => `w${i} `), delayMs: 20 });
    const server = await listen(ctx.app);
    try {
      // The registry is the process's: other files in this worker may have counted already.
      const before = await scrape();
      const idle = valueOf(before, 'sigmagpt_open_streams');
      const goneBefore = valueOf(before, 'sigmagpt_replies_total', { outcome: 'client_gone' });
      const s = openStream(server.port, `/api/chats/${chatId}/messages`, user.accessToken, {
        content: 'long',
        stream: true,
      });
      await s.waitForEvent('delta');
      expect(valueOf(await scrape(), 'sigmagpt_open_streams')).toBe(idle + 1);
      s.close();
      await s.ended;
      const text = await eventually(scrape, (t) => valueOf(t, 'sigmagpt_open_streams') === idle);
      expect(valueOf(text, 'sigmagpt_open_streams')).toBe(idle);
      const stopped = await eventually(
        scrape,
        (t) => valueOf(t, 'sigmagpt_replies_total', { outcome: 'client_gone' }) > goneBefore,
      );
      expect(valueOf(stopped, 'sigmagpt_replies_total', { outcome: 'client_gone' })).toBe(
        goneBefore + 1,
      );
    } finally {
      await server.close();
    }
  });

  it('when a message is refused for the budget, then the refusal is counted', async () => {
    await User.updateOne({ _id: user.id }, { $set: { tokenBudgetPerDay: 1 } });
    try {
      const before = valueOf(await scrape(), 'sigmagpt_quota_exceeded_total');
      expectError(await send(await newChat()), 429, 'QUOTA_EXCEEDED');
      expect(valueOf(await scrape(), 'sigmagpt_quota_exceeded_total')).toBe(before + 1);
    } finally {
      await User.updateOne({ _id: user.id }, { $set: { tokenBudgetPerDay: null } });
    }
  });
});

describe('the Grafana dashboard', () => {
  const dashboard = JSON.parse(
    readFileSync(path.resolve(import.meta.dirname, '../../ops/grafana-dashboard.json'), 'utf8'),
  ) as { panels: { title: string; targets?: { expr: string }[] }[] };
  const queried = [
    ...new Set(
      dashboard.panels.flatMap((p) => (p.targets ?? []).flatMap((t) => metricNamesIn(t.expr))),
    ),
  ];

  it('when its queries are read, then every metric name they use is one the endpoint exposes', async () => {
    const { types } = parseMetrics(await scrape());
    expect(queried.length).toBeGreaterThan(10);
    expect(queried.filter((name) => !isExposed(name, types))).toEqual([]);
    // The check itself would notice a name the endpoint does not have.
    expect(isExposed('sigmagpt_no_such_metric_total', types)).toBe(false);
    expect(isExposed('sigmagpt_open_streams_bucket', types)).toBe(false);
  });

  it('when its panels are listed, then the series of the operating guide each have one', () => {
    for (const name of [
      'sigmagpt_http_request_duration_seconds_count',
      'sigmagpt_http_request_duration_seconds_bucket',
      'sigmagpt_open_streams',
      'sigmagpt_replies_total',
      'sigmagpt_reply_ttft_seconds_bucket',
      'sigmagpt_reply_chunk_gap_seconds_bucket',
      'sigmagpt_upstream_errors_total',
      'sigmagpt_tokens_total',
      'sigmagpt_db_command_duration_seconds_bucket',
      'nodejs_eventloop_lag_p99_seconds',
    ])
      expect(queried, name).toContain(name);
  });
});
