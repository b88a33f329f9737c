import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { EXPORTS_PER_USER } from '../../src/modules/chats/export-cap.js';
import { insertBigChat } from '../helpers/big-chat.js';
import { useChatApp } from '../helpers/chat-app.js';
import { blockedOnClient } from '../helpers/sse.js';

// A client that stops reading holds its export (a cursor batch and a part) until SEND_TIMEOUT_MS.
const ctx = useChatApp({ RATE_LIMITS_ENABLED: 'false', TITLES: 'off', SEND_TIMEOUT_MS: '60000' });

/** An export whose client reads nothing once the head has come. */
async function heldExport(path: string) {
  const req = http.get({
    host: '127.0.0.1',
    port: ctx.server.port,
    path,
    headers: { authorization: `Bearer ${ctx.user.accessToken}` },
    agent: false,
  });
  req.on('error', () => undefined);
  const res = await new Promise<http.IncomingMessage>((resolve) => req.on('response', resolve));
  res.pause();
  return { req, status: res.statusCode };
}

describe('exports one user runs at once', () => {
  it(`when ${EXPORTS_PER_USER} exports of the user wait on clients that do not read, then another is 429 RATE_LIMITED with Retry-After, and one is taken again once one of them ends`, async () => {
    // 24 turns, 12 replies of 900,000 characters: more than a socket's buffers take.
    const big = await insertBigChat(ctx.user.id, {
      depth: 24,
      edits: 0,
      regens: 0,
      content: (i, role) => (role === 'assistant' ? `${i} `.padEnd(900_000, 'x') : `q${i}`),
    });
    const path = `/api/chats/${String(big.chatId)}/export`;
    const held = [];
    for (let i = 0; i < EXPORTS_PER_USER; i += 1) {
      const url = `${path}?format=${i % 2 ? 'markdown' : 'json'}`;
      const one = await heldExport(url);
      expect(one.status).toBe(200);
      await blockedOnClient(ctx.server.lastServed('GET', url), 200, 30_000);
      held.push(one);
    }
    const refused = await ctx.request().get(path).set(ctx.user.auth);
    expect(refused.status).toBe(429);
    expect(refused.body.error.code).toBe('RATE_LIMITED');
    expect(refused.headers['retry-after']).toBe('1');

    held[0]!.req.destroy();
    let again = refused;
    for (let i = 0; i < 40 && again.status === 429; i += 1) {
      await new Promise((r) => setTimeout(r, 50));
      again = await ctx.request().get(`${path}?format=markdown`).set(ctx.user.auth);
    }
    expect(again.status).toBe(200);
    expect(again.text.startsWith('# ')).toBe(true);
    for (const one of held) one.req.destroy();
  }, 120_000);
});
