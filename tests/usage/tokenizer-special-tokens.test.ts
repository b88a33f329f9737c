import { countTokens } from 'gpt-tokenizer/encoding/o200k_base';
import { beforeAll, describe, expect, it } from 'vitest';
import { Types } from '../../src/lib/db/mongoose.js';
import { useTestApp } from '../helpers/app.js';
import { chargesWhere } from '../helpers/charges.js';
import { useUpstream, upstreamEnv } from '../helpers/chat-app.js';
import { captureLogs } from '../helpers/log-capture.js';
import { createUser, type TestUser } from '../helpers/users.js';

const upstream = await useUpstream();
const ctx = useTestApp({ ...upstreamEnv(upstream) });
const lines = captureLogs();
let user: TestUser;
beforeAll(async () => {
  user = await createUser({ label: 'special-tokens' });
});

/** Text a tokenizer counts about one token per character: a rough count of 4 characters a token is far below. */
const CJK = '秘密の会話を続けます。'.repeat(40);

describe('estimated tokens of a text that names a special token', () => {
  it('when a message holds "<|endoftext|>" and the provider reports no usage, then the tokens are still counted with the tokenizer and no warning quotes the text', async () => {
    const chat = await ctx.request().post('/api/chats').set(user.auth).send({});
    expect(chat.status).toBe(201);
    upstream.script({ chunks: ['ok'], usage: false });
    lines.length = 0;
    const content = `${CJK} <|endoftext|> SECRET-CANARY-TOKENIZER`;
    const res = await ctx
      .request()
      .post(`/api/chats/${chat.body.id}/messages`)
      .set(user.auth)
      .send({ content, stream: false });
    expect(res.status).toBe(201);
    const [entry] = await chargesWhere({ chatId: new Types.ObjectId(chat.body.id as string) });
    expect(entry!.estimated).toBe(true);
    // What the tokenizer gives for the text when special tokens are read as plain text.
    const exact = countTokens(content, { allowedSpecial: new Set(), disallowedSpecial: new Set() });
    expect(entry!.promptTokens).toBeGreaterThanOrEqual(exact);
    const all = lines.join('');
    expect(all).not.toContain('tokenizer thread failed');
    expect(all).not.toContain('endoftext');
  });
});
