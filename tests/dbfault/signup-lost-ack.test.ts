import { describe, expect, it } from 'vitest';
import { uniqueEmail } from '../helpers/app.js';
import { PASSWORD } from '../helpers/auth.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';

const ctx = useProxiedApp();

describe('sign-up whose user insert lands but whose answer is lost', () => {
  it('when the client signs up again with the same details once the database is back, then it gets in (201, or at least a session), not 409 EMAIL_TAKEN for its own half-made account', async () => {
    ctx.proxy.record(true);
    const email = uniqueEmail('lost');
    const cut = ctx.proxy.cutReplyTo((c) => c.name === 'insert' && c.collection === 'users');
    const first = await ctx.request().post('/api/auth/signup').send({ email, password: PASSWORD });
    await cut;
    ctx.proxy.record(false);
    console.log('first', first.status, first.body.error?.code);
    expect(first.status).toBe(503);
    await databaseBack();
    await sleep(300);
    const again = await ctx.request().post('/api/auth/signup').send({ email, password: PASSWORD });
    console.log('again', again.status, again.body.error?.code, again.body.error?.message);
    expect(again.status).toBe(201);
  });
});
