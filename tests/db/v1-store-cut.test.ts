import { ObjectId } from 'mongodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { createUser, type TestUser } from '../helpers/users.js';
import { databaseBack, sleep, useProxiedApp } from '../helpers/proxied-app.js';
import { armCut, recordSteps } from './cut-survey.js';

const ctx = useProxiedApp({ ACCOUNT_WRITES_PER_MINUTE: '1000', TITLES: 'off' });
const STEPS: Record<string, string[]> = {};

async function keyed() {
  await databaseBack();
  const user = await createUser();
  const key = await ctx.request().post('/api/keys').set(user.auth).send({ name: 'k' });
  expect(key.status).toBe(201);
  return { user, key: key.body.key as string };
}
const complete = (key: string, idem: string, stream: boolean) =>
  ctx
    .request()
    .post('/v1/chat/completions')
    .set('Authorization', `Bearer ${key}`)
    .set('Idempotency-Key', idem)
    .timeout(40_000)
    .send({ model: 'test-model', messages: [{ role: 'user', content: 'q' }], store: true, stream });

for (const stream of [false, true]) {
  describe(`a /v1 store:true ${stream ? 'stream' : 'JSON'} completion under an Idempotency-Key one of whose commands loses its answer`, () => {
    const mode = stream ? 'stream' : 'json';
    beforeAll(async () => {
      const { key } = await keyed();
      STEPS[mode] = await recordSteps(ctx, async () =>
        expect((await complete(key, 'rec', stream)).status).toBe(200),
      );
      console.log(mode, STEPS[mode]);
    }, 60_000);

    for (const before of [false, true]) {
      it(`when any one of its commands is cut ${before ? 'before it is sent' : 'after it lands'}, then a repeat with the key leaves one chat holding one question and one whole answer`, async () => {
        const failures: string[] = [];
        for (const step of STEPS[mode]!.filter(
          (s) => !process.env.ONLY || s.startsWith(process.env.ONLY),
        )) {
          const { user, key } = await keyed();
          const cut = armCut(ctx, step, before);
          const idem = `k-${mode}-${before}-${step}`;
          const first = await complete(key, idem, stream).catch((e: Error) => ({
            status: -1,
            body: { error: { code: e.message } },
            headers: {} as Record<string, string>,
            text: '',
          }));
          cut.disarm();
          await databaseBack();
          await sleep(800);
          let told = first;
          const failed = (r: typeof first) =>
            r.status !== 200 || (stream && !/\[DONE\]/.test(r.text ?? ''));
          for (let i = 0; i < 20 && failed(told); i += 1) {
            await sleep(500);
            told = await complete(key, idem, stream);
          }
          await sleep(500);
          const u = new ObjectId(user.id);
          let chats = await ctx.db.collection('chats').countDocuments({ userId: u });
          // A half-made chat is removed again, in the background when need be: give it time.
          for (let i = 0; i < 40 && chats !== 1; i += 1) {
            await sleep(250);
            chats = await ctx.db.collection('chats').countDocuments({ userId: u });
          }
          const msgs = await ctx.db.collection('messages').find({ userId: u }).toArray();
          const answers = msgs.filter((m) => m.role === 'assistant');
          const firstErr = stream
            ? /error/.test(first.text ?? '')
              ? `sse-error:${/"code":"([^"]+)"/.exec(first.text ?? '')?.[1]}`
              : ''
            : (first.body?.error?.code ?? '');
          const line = `${step}: hit=${cut.hit()} first=${first.status}/${firstErr}/ra=${first.headers?.['retry-after'] ?? ''} final=${told.status}/${told.body?.error?.code ?? ''} chats=${chats} msgs=${msgs.length} answers=${answers.map((a) => `${a.status}:${a.content}`).join('|')}`;
          const ok =
            told.status === 200 &&
            chats === 1 &&
            msgs.length === 2 &&
            answers.every((a) => a.status === 'complete');
          if (!ok) failures.push(line);
          else console.log('ok', line);
        }
        expect(failures).toEqual([]);
      }, 500_000);
    }
  });
}
