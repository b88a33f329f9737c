import { expect, it } from 'vitest';
import mongoose from '../../src/lib/db/mongoose.js';
import { useTestApp } from '../helpers/app.js';
import { useUpstream, upstreamEnv } from '../helpers/chat-app.js';
import { createUser } from '../helpers/users.js';
import { parseMetrics, valueOf } from './metrics-text.js';

// With DB_COMMAND_METRICS on, metrics.test.ts checks that every command is timed.
const TOKEN = 'metrics-token-0123456789';
const upstream = await useUpstream();
const ctx = useTestApp(() => ({ ...upstreamEnv(upstream), METRICS_TOKEN: TOKEN }));

it('when DB_COMMAND_METRICS is not set, then the driver is not monitored and a whole exchange times no command', async () => {
  // The option that makes the driver build an event per command (and decode each reply for it).
  expect(mongoose.connection.getClient().options.monitorCommands).toBe(false);
  const scrape = async () =>
    (await ctx.request().get('/metrics').set('Authorization', `Bearer ${TOKEN}`)).text;
  const user = await createUser({ label: 'db-metrics-off' });
  const before = await scrape();
  const chat = await ctx.request().post('/api/chats').set(user.auth).send({});
  const sent = await ctx
    .request()
    .post(`/api/chats/${chat.body.id as string}/messages`)
    .set(user.auth)
    .send({ content: 'hello' });
  expect(sent.status).toBe(201);
  const after = await scrape();
  // Declared (the dashboard's queries find it), and nothing observed by this exchange.
  expect(parseMetrics(after).types.get('sigmagpt_db_command_duration_seconds')).toBe('histogram');
  const timed = (text: string) => valueOf(text, 'sigmagpt_db_command_duration_seconds_count');
  expect(timed(after) - timed(before)).toBe(0);
  // The same exchange through the replies' own series, so the scrape did see it.
  expect(
    valueOf(after, 'sigmagpt_replies_total', { outcome: 'complete' }) -
      valueOf(before, 'sigmagpt_replies_total', { outcome: 'complete' }),
  ).toBe(1);
});
