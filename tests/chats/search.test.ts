import type { CommandStartedEvent, Document } from 'mongodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { serverScansFilters } from '../../src/lib/db/connection.js';
import { Types } from '../../src/lib/db/mongoose.js';
import { Chat } from '../../src/modules/chats/chat.model.js';
import { Message } from '../../src/modules/chats/message.model.js';
import { backfillSearchTerms } from '../../src/modules/chats/search-backfill.js';
import {
  MAX_TERM_CHARS,
  MAX_TERMS,
  searchTerms,
  TERMS_VERSION,
} from '../../src/modules/chats/search-terms.js';
import { useTestApp } from '../helpers/app.js';
import { monitoredClient } from '../helpers/commands.js';
import { eventually } from '../helpers/eventually.js';
import { parseSse, textParser } from '../helpers/sse.js';
import { useUpstream, upstreamEnv } from '../helpers/chat-app.js';
import { createUser, type TestUser } from '../helpers/users.js';
import { expectTookTurns, releaseInPairs } from '../helpers/write-pairs.js';

const upstream = await useUpstream();
const ctx = useTestApp({
  ...upstreamEnv(upstream),
  CHAT_WRITES_PER_MINUTE: '1000',
  SEARCHES_PER_MINUTE: '1000',
  TITLES: 'on',
  // The word-search describe below reads the commands the app sends.
  DB_COMMAND_METRICS: 'true',
});

/** Each test searches as a user of its own, so its chats are the only ones it can find. */
let user: TestUser;
beforeEach(async () => {
  user = await createUser({ label: 'searcher' });
});

const newChat = async (title?: string) => {
  const res = await ctx
    .request()
    .post('/api/chats')
    .set(user.auth)
    .send(title ? { title } : {});
  expect(res.status).toBe(201);
  return res.body.id as string;
};

/** A message and its reply (`reply` is what the model answers), in JSON. */
const send = async (chatId: string, content: string, reply = 'ok', extra = {}) => {
  upstream.script({ chunks: [reply] });
  const res = await ctx
    .request()
    .post(`/api/chats/${chatId}/messages`)
    .set(user.auth)
    .send({ content, stream: false, ...extra });
  expect(res.status).toBe(201);
  return res.body.messages as { id: string; content: string }[];
};

/** The titles of the chats `q` finds, in list order. */
const search = async (q: string): Promise<string[]> => {
  const res = await ctx.request().get('/api/chats').query({ q }).set(user.auth);
  expect(res.status).toBe(200);
  expect(Array.isArray(res.body)).toBe(true);
  for (const chat of res.body) expect(chat).not.toHaveProperty('terms');
  return res.body.map((c: { title: string }) => c.title);
};

const termsOfMessage = async (id: string) => (await Message.findById(id).lean())!.terms;
const termsOfChat = async (id: string) => (await Chat.findById(id).lean())!.terms;

/**
 * A chat as an earlier version stored it, straight into the collection: with the `terms` it made
 * (none: from before search keys existed) and its `termsVersion` (none: from before versions).
 */
async function storeOlderChat(
  _id: Types.ObjectId,
  title: string,
  terms?: string[],
  termsVersion?: number,
) {
  const now = new Date();
  await Chat.collection.insertOne({
    _id,
    userId: new Types.ObjectId(user.id),
    title,
    ...(terms ? { terms } : {}),
    ...(termsVersion === undefined ? {} : { termsVersion }),
    pinned: false,
    archived: false,
    model: 'test-model',
    systemPrompt: '',
    lastMessageAt: now,
    createdAt: now,
    updatedAt: now,
  });
}

/** A question as an earlier version stored it in `chatId`: with its `terms` and `termsVersion` (if any). */
async function storeOlderMessage(
  chatId: Types.ObjectId,
  content: string,
  terms: string[],
  termsVersion?: number,
) {
  const _id = new Types.ObjectId();
  await Message.collection.insertOne({
    _id,
    chatId,
    userId: new Types.ObjectId(user.id),
    parentId: null,
    role: 'user',
    content,
    terms,
    ...(termsVersion === undefined ? {} : { termsVersion }),
    status: 'complete',
    createdAt: new Date(),
  });
  return _id;
}

describe('search keys', () => {
  it('when a text is turned into terms, then they are its distinct words, lower-cased, without diacritics, capped', () => {
    expect(searchTerms('Crème brûlée? CRÈME, naïve—café_au_lait 42x ﬁne ＡＢＣ İstanbul')).toEqual([
      'creme',
      'brulee',
      'naive',
      'cafe',
      'au',
      'lait',
      '42x',
      'fine',
      'abc',
      'istanbul',
    ]);
    // Letters whose compatibility form is a capital (mathematical alphanumerics, ℝ) fold too.
    expect(searchTerms('𝐁𝐨𝐥𝐝 ℝeal 𝑰𝒕𝒂𝒍𝒊𝒄')).toEqual(['bold', 'real', 'italic']);
    expect(searchTerms('')).toEqual([]);
    expect(searchTerms('x'.repeat(100))).toEqual(['x'.repeat(MAX_TERM_CHARS)]);
    const many = Array.from({ length: MAX_TERMS + 50 }, (_, i) => `w${i}`).join(' ');
    const terms = searchTerms(many);
    expect(terms).toHaveLength(MAX_TERMS);
    expect(terms.at(-1)).toBe(`w${MAX_TERMS - 1}`);
  });

  it('when a script writes its vowels as combining marks, then its terms keep them; the diacritics of Latin, Greek, Cyrillic, Hebrew and Arabic still go', () => {
    // Vowel signs and viramas are a word's letters: काम "work", कम "less", कोमा "coma" are three words.
    expect(searchTerms('काम कम कोमा')).toEqual(['काम', 'कम', 'कोमा']);
    expect(searchTerms('বাংলা தமிழ் தமிழா')).toEqual(['বাংলা', 'தமிழ்', 'தமிழா']);
    // Text typed decomposed (NFD) gives the terms of the same text composed.
    expect(searchTerms('क़िला ড়'.normalize('NFD'))).toEqual(searchTerms('क़िला ড়'.normalize('NFC')));
    expect(searchTerms('Tiếng Việt Ελληνικά'.normalize('NFD'))).toEqual([
      'tieng',
      'viet',
      'ελληνικα',
    ]);
    // Cyrillic letters that decompose fold to their base, as accented Latin ones do: ё is found
    // by е (as Russian usually writes it), and й by и.
    expect(searchTerms('Мой ёж')).toEqual(['мои', 'еж']);
    // Hebrew points and cantillation, Arabic harakat and the hamza over an alef: text is
    // written and searched without them. A maqaf still separates two words.
    expect(searchTerms('שָׁלוֹם בֵּית־סֵפֶר')).toEqual(['שלום', 'בית', 'ספר']);
    expect(searchTerms('بِسْمِ أحمد')).toEqual(['بسم', 'احمد']);
  });

  it('when Arabic or Persian is typed with a tatweel, a final ى or ة, Persian letter forms or non-ASCII digits, then its terms are those of the common form', () => {
    // The tatweel stretches a word; the alef maksura and the Farsi yeh are the yeh; the keheh
    // the kaf; the teh marbuta the heh.
    expect(searchTerms('كـتـاب')).toEqual(['كتاب']);
    expect(searchTerms('على مدرسة')).toEqual(searchTerms('علي مدرسه'));
    expect(searchTerms('کتابی')).toEqual(['كتابي']);
    // Digits of every script are their ASCII digits, within words too (२०२४ is the same term as ٢٠٢٤).
    expect(searchTerms('٢٠٢٤ ۱۴۰۳ २०२४ ๒๕๖๗ x٣')).toEqual(['2024', '1403', '2567', 'x3']);
    expect(searchTerms('2024 ４２')).toEqual(['2024', '42']);
  });
});

describe('searching chats by words', () => {
  it('when a word starts a word of a title or of a message, then its chat is found; the middle of a word is not', async () => {
    const holiday = await newChat('Holiday planning');
    const snakes = await newChat('Reptiles');
    const [question, answer] = await send(snakes, 'Which Pythons are venomous?', 'None of them.');
    await newChat('Unrelated');

    expect(await search('holi')).toEqual(['Holiday planning']);
    expect(await search('pyth')).toEqual(['Reptiles']);
    expect(await search('venomous')).toEqual(['Reptiles']);
    // The reply's text is searched too.
    expect(await search('none')).toEqual(['Reptiles']);
    // Words are matched from their start: a word search no longer finds text inside a word.
    expect(await search('ython')).toEqual([]);
    expect(await search('liday')).toEqual([]);

    expect(await termsOfChat(holiday)).toEqual(['holiday', 'planning']);
    expect(await termsOfMessage(question!.id)).toEqual(['which', 'pythons', 'are', 'venomous']);
    expect(await termsOfMessage(answer!.id)).toEqual(['none', 'of', 'them']);
  });

  it('when several words are given, then each must start a word of the same title or the same message, in any order', async () => {
    await newChat('Planning the holiday');
    const together = await newChat('Together');
    await send(together, 'the quick brown fox');
    const apart = await newChat('Apart');
    await send(apart, 'a quick question');
    await send(apart, 'about a fox');

    expect(await search('fox quick')).toEqual(['Together']);
    expect(await search('  QUI   bro  ')).toEqual(['Together']);
    expect(await search('holi plan')).toEqual(['Planning the holiday']);
    // One word that matches nowhere: nothing, however well the others match.
    expect(await search('quick fox zebra')).toEqual([]);
  });

  it('when the search differs in case or diacritics, then it still matches, both ways', async () => {
    const chatId = await newChat('Café Crème');
    const [question] = await send(chatId, 'Où est la gare de Zürich?');

    expect(await search('CAFE creme')).toEqual(['Café Crème']);
    expect(await search('café')).toEqual(['Café Crème']);
    expect(await search('zurich ou')).toEqual(['Café Crème']);
    expect(await search('ZÜRI')).toEqual(['Café Crème']);
    expect(await termsOfChat(chatId)).toEqual(['cafe', 'creme']);
    expect(await termsOfMessage(question!.id)).toEqual(['ou', 'est', 'la', 'gare', 'de', 'zurich']);
  });

  it('when a search in capitals ends in Σ, or spells ß as SS, then it still matches, as a search ignoring case does', async () => {
    await newChat('Οδοσήμανση της πόλης');
    await newChat('Straße und Weg');
    // Σ at the end of a word lower-cases to the final ς: a word typed in capitals (or with caps
    // lock on) ends in ς while the word it starts has σ.
    expect(await search('οδοσ')).toEqual(['Οδοσήμανση της πόλης']);
    expect(await search('ΟΔΟΣ')).toEqual(['Οδοσήμανση της πόλης']);
    // ß in capitals is SS (and Swiss German always writes ss).
    expect(await search('STRASSE')).toEqual(['Straße und Weg']);
    expect(await search('strasse weg')).toEqual(['Straße und Weg']);
  });

  it('when a word holds an invisible format character (a soft hyphen, a Persian zero-width non-joiner, a direction mark), then it is still one word, found with or without it', async () => {
    await newChat('Donau\u00addampf\u00adschiff');
    await newChat('می\u200cخواهم بروم');
    await newChat('שלום עולם');
    expect(searchTerms('Donau\u00addampf\u00adschiff')).toEqual(['donaudampfschiff']);
    expect(await search('donaudampf')).toEqual(['Donau\u00addampf\u00adschiff']);
    // Persian writes this word with or without the non-joiner: either finds it.
    expect(await search('میخواهم')).toEqual(['می\u200cخواهم بروم']);
    expect(await search('می\u200cخواهم')).toEqual(['می\u200cخواهم بروم']);
    // A right-to-left mark, as text copied from a right-to-left page often carries.
    expect(await search('\u200fשלום')).toEqual(['שלום עולם']);
  });

  it('when two words of an Indic script differ only in their vowel signs, then a search for one does not find the other', async () => {
    await newChat('कम');
    await newChat('काम की बात');
    expect(await search('काम')).toEqual(['काम की बात']);
    expect(await search('कम')).toEqual(['कम']);
    // A word is still matched from its start, vowel signs included.
    expect(await search('का')).toEqual(['काम की बात']);
  });

  it('when Hebrew is written with points or Arabic with harakat, then a search with or without them finds it', async () => {
    await newChat('שָׁלוֹם עֲלֵיכֶם');
    await newChat('كِتَابٌ جديد');
    expect(await search('שלום')).toEqual(['שָׁלוֹם עֲלֵיכֶם']);
    expect(await search('עֲלֵיכֶם')).toEqual(['שָׁלוֹם עֲלֵיכֶם']);
    expect(await search('كتاب')).toEqual(['كِتَابٌ جديد']);
    expect(await search('جَدِيد')).toEqual(['كِتَابٌ جديد']);
  });

  it('when Arabic or Persian is written with a tatweel, another form of a letter or its own digits, then a search typed the common way finds it, and the other way round', async () => {
    await newChat('كـتـاب المدرسة');
    await newChat('یک کتاب');
    await newChat('تقرير ٢٠٢٤');
    expect(await search('كتاب')).toEqual(['یک کتاب', 'كـتـاب المدرسة']);
    expect(await search('المدرسه')).toEqual(['كـتـاب المدرسة']);
    expect(await search('يك')).toEqual(['یک کتاب']);
    expect(await search('2024')).toEqual(['تقرير ٢٠٢٤']);
    expect(await search('۲۰۲۴')).toEqual(['تقرير ٢٠٢٤']);
  });

  it('when the search holds punctuation or code, then it is matched as literal text anywhere, any case', async () => {
    const chatId = await newChat('Code');
    await send(chatId, 'Why does Foo.bar() throw?');
    await newChat('Other');

    expect(await search('foo.bar()')).toEqual(['Code']);
    // A substring inside words, across the punctuation.
    expect(await search('o.BA')).toEqual(['Code']);
    // The same letters as words match by their start.
    expect(await search('bar foo')).toEqual(['Code']);
    // Regex metacharacters are literal: this is text nobody wrote.
    expect(await search('foo.*')).toEqual([]);
  });

  it('when the search is in a script written without spaces, then it matches inside the text', async () => {
    const chatId = await newChat('東京の天気');
    await send(chatId, '明日の大阪はどうですか');

    expect(await search('天気')).toEqual(['東京の天気']);
    expect(await search('大阪')).toEqual(['東京の天気']);
  });

  it('when a chat is archived, then a search leaves it out unless archived=true', async () => {
    const chatId = await newChat('Archived walrus');
    const archived = await ctx
      .request()
      .patch(`/api/chats/${chatId}`)
      .set(user.auth)
      .send({ archived: true });
    expect(archived.status).toBe(200);
    expect(await search('walrus')).toEqual([]);
    const res = await ctx
      .request()
      .get('/api/chats')
      .query({ q: 'walrus', archived: 'true' })
      .set(user.auth);
    expect(res.body.map((c: { title: string }) => c.title)).toEqual(['Archived walrus']);
  });

  it('when a text is only on a branch the chat no longer shows (an edited question, a regenerated answer), then its chat is still found, until that branch is deleted', async () => {
    const chatId = await newChat('Fruit');
    const [, first] = await send(chatId, 'tell me about pineapples', 'they grow in the tropics');
    const [banana] = await send(chatId, 'and bananas?', 'bananas are yellow');
    // The question edited: the banana branch is no longer the active one.
    await send(chatId, 'and cherries?', 'cherries are red', { parentId: first!.id });
    expect(await search('bananas')).toEqual(['Fruit']);
    expect(await search('yellow')).toEqual(['Fruit']);
    const deleted = await ctx
      .request()
      .delete(`/api/chats/${chatId}/messages/${banana!.id}`)
      .set(user.auth);
    expect(deleted.status).toBe(204);
    expect(await search('bananas')).toEqual([]);
    expect(await search('yellow')).toEqual([]);
    expect(await search('cherries')).toEqual(['Fruit']);
  });
});

describe('search keys follow every write of a text', () => {
  it('when a streamed reply is finalised, then its stored terms are those of its final text', async () => {
    const chatId = await newChat('Streams');
    upstream.script({ chunks: ['Zebra', ' crossings', ' everywhere'] });
    const res = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages`)
      .set(user.auth)
      .send({ content: 'tell me', stream: true })
      .buffer(true)
      .parse(textParser);
    expect(res.status).toBe(200);
    const done = parseSse(res.body as string).events.at(-1)!;
    expect(done.event).toBe('done');
    const replyId = done.data.message.id as string;
    const stored = await Message.findById(replyId).lean();
    expect(stored).toMatchObject({
      status: 'complete',
      content: 'Zebra crossings everywhere',
      terms: ['zebra', 'crossings', 'everywhere'],
    });
    expect(await search('crossing zeb')).toEqual(['Streams']);
  });

  it('when a reply whose instance died is finished as interrupted, then its last checkpoint becomes its terms', async () => {
    const chatId = await newChat('Interrupted');
    const [question] = await send(chatId, 'start');
    // A reply left streaming by an instance that is gone (no lease): its checkpoint carries no terms.
    const replyId = new Types.ObjectId();
    await Message.collection.insertOne({
      _id: replyId,
      chatId: new Types.ObjectId(chatId),
      userId: new Types.ObjectId(user.id),
      parentId: new Types.ObjectId(question!.id),
      role: 'assistant',
      content: 'Partial answer about marmots',
      bytes: 0,
      terms: [],
      status: 'streaming',
      model: 'test-model',
      createdAt: new Date(),
      lease: null,
    });
    // A second answer to the question: the regenerate that began it moved the branch to it.
    await Chat.updateOne(
      { _id: chatId },
      { $set: { activeLeafId: replyId }, $unset: { context: 1 } },
    );
    expect(await search('marmot')).toEqual([]);
    const read = await ctx.request().get(`/api/chats/${chatId}/messages`).set(user.auth);
    expect(read.status).toBe(200);
    expect(read.body.at(-1)).toMatchObject({ id: String(replyId), status: 'incomplete' });
    expect(await termsOfMessage(String(replyId))).toEqual([
      'partial',
      'answer',
      'about',
      'marmots',
    ]);
    expect(await search('marmot')).toEqual(['Interrupted']);
  });

  it('when a message is edited, a reply regenerated or continued, or a branch forked, then every new or changed text carries its terms', async () => {
    const chatId = await newChat('Branches');
    const [, a1] = await send(chatId, 'first question', 'first answer');
    const [q2] = await send(chatId, 'second question', 'second answer');

    // Edit: a new sibling of q2.
    const [edited, editedReply] = await send(chatId, 'amended walnut question', 'walnut answer', {
      parentId: a1!.id,
    });
    expect(await termsOfMessage(edited!.id)).toEqual(['amended', 'walnut', 'question']);
    expect(await termsOfMessage(editedReply!.id)).toEqual(['walnut', 'answer']);
    // The original stays searchable: it is still in the chat's tree.
    expect(await termsOfMessage(q2!.id)).toEqual(['second', 'question']);

    // Regenerate: a new answer to the edited question.
    upstream.script({ chunks: ['Pecan'], finishReason: 'length' });
    const regenerated = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${edited!.id}/regenerate`)
      .set(user.auth)
      .send({ stream: false });
    expect(regenerated.status).toBe(201);
    const answerId = regenerated.body.messages.at(-1).id as string;
    expect(await termsOfMessage(answerId)).toEqual(['pecan']);

    // Continue: the same answer grows, and its terms with it.
    upstream.script({ chunks: [' and hazelnut'] });
    const continued = await ctx
      .request()
      .post(`/api/chats/${chatId}/messages/${answerId}/continue`)
      .set(user.auth)
      .send({ stream: false });
    expect(continued.status).toBe(201);
    expect(await Message.findById(answerId).lean()).toMatchObject({
      content: 'Pecan and hazelnut',
      terms: ['pecan', 'and', 'hazelnut'],
    });

    // Fork: a new chat whose title and copied messages all carry terms.
    const fork = await ctx
      .request()
      .post(`/api/chats/${chatId}/fork`)
      .set(user.auth)
      .send({ messageId: answerId });
    expect(fork.status).toBe(201);
    const forkId = fork.body.id as string;
    expect(await termsOfChat(forkId)).toEqual(['branches', 'fork']);
    const copies = await Message.find({ chatId: forkId }).sort({ createdAt: 1 }).lean();
    expect(copies.map((m) => m.terms)).toEqual([
      ['first', 'question'],
      ['first', 'answer'],
      ['amended', 'walnut', 'question'],
      ['pecan', 'and', 'hazelnut'],
    ]);

    expect(await search('hazel')).toEqual(['Branches (fork)', 'Branches']);
    expect(await search('walnut amend')).toEqual(['Branches (fork)', 'Branches']);
  });

  it('when a title changes (PATCH, PUT, the compatible PUT, a first message, the model), then its terms follow', async () => {
    const chatId = await newChat('Original name');
    const patched = await ctx
      .request()
      .patch(`/api/chats/${chatId}`)
      .set(user.auth)
      .send({ title: 'Patched Pelican' });
    expect(patched.status).toBe(200);
    expect(patched.body).not.toHaveProperty('terms');
    expect(await termsOfChat(chatId)).toEqual(['patched', 'pelican']);
    expect(await search('original')).toEqual([]);
    expect(await search('pelic')).toEqual(['Patched Pelican']);

    const put = await ctx
      .request()
      .put(`/api/chats/${chatId}`)
      .set(user.auth)
      .send({ title: 'Put Puffin' });
    expect(put.status).toBe(200);
    expect(await termsOfChat(chatId)).toEqual(['put', 'puffin']);

    const compat = await ctx
      .request()
      .put(`/api/chat/${chatId}`)
      .set(user.auth)
      .send({ title: 'Compat Cormorant' });
    expect(compat.status).toBe(200);
    expect(await termsOfChat(chatId)).toEqual(['compat', 'cormorant']);
    // Changes that leave the title alone leave its terms alone.
    await ctx.request().patch(`/api/chats/${chatId}`).set(user.auth).send({ pinned: true });
    expect(await termsOfChat(chatId)).toEqual(['compat', 'cormorant']);

    // A chat created empty is named after its first message (the model then renames it).
    const empty = await newChat();
    expect(await termsOfChat(empty)).toEqual(['new', 'chat']);
    // The reply, then the title the model writes for the chat.
    upstream.script({ chunks: ['Sure.'] }, { chunks: ['Gannet migration facts'] });
    const first = await ctx
      .request()
      .post(`/api/chats/${empty}/messages`)
      .set(user.auth)
      .send({ content: 'tell me about gannets', stream: false });
    expect(first.status).toBe(201);
    const retitled = await eventually(
      () => Chat.findById(empty).lean(),
      (chat) => chat!.title !== 'tell me about gannets',
    );
    expect(retitled).toMatchObject({
      title: 'Gannet migration facts',
      terms: ['gannet', 'migration', 'facts'],
    });
    expect(await search('migration')).toEqual(['Gannet migration facts']);
  });
});

describe('the backfill of older documents', () => {
  it('when chats and messages were stored without terms, then a search still finds them, and the backfill fills their terms once', async () => {
    const owner = new Types.ObjectId(user.id);
    const now = new Date();
    const legacyChats = [new Types.ObjectId(), new Types.ObjectId(), new Types.ObjectId()];
    await Chat.collection.insertMany(
      ['Ancient Ibis notes', 'Old chat', 'Third'].map((title, i) => ({
        _id: legacyChats[i]!,
        userId: owner,
        title,
        pinned: false,
        archived: false,
        model: 'test-model',
        systemPrompt: '',
        lastMessageAt: new Date(now.getTime() - i),
        createdAt: now,
        updatedAt: now,
      })),
    );
    const legacyMessages = ['Tell me about Flamingos', 'Flamingos are pink', 'nothing'].map(
      (content, i) => ({
        _id: new Types.ObjectId(),
        chatId: legacyChats[1]!,
        userId: owner,
        parentId: null,
        role: 'user' as const,
        content,
        status: 'complete' as const,
        createdAt: new Date(now.getTime() + i),
      }),
    );
    await Message.collection.insertMany(legacyMessages);
    // One that already has terms is left as it is.
    const keptId = new Types.ObjectId();
    await Message.collection.insertOne({
      ...legacyMessages[2]!,
      _id: keptId,
      content: 'kept',
      terms: ['sentinel'],
      termsVersion: TERMS_VERSION,
    });

    // Before the backfill: found by their text.
    expect(await search('ibis ancient')).toEqual(['Ancient Ibis notes']);
    expect(await search('flamingos pink')).toEqual(['Old chat']);

    // Batches of 2: several round trips, each document filled once.
    expect(await backfillSearchTerms({ batchSize: 2 })).toEqual({ messages: 3, chats: 3 });
    expect(await termsOfChat(String(legacyChats[0]))).toEqual(['ancient', 'ibis', 'notes']);
    expect(await termsOfChat(String(legacyChats[1]))).toEqual(['old', 'chat']);
    expect(
      (await Message.find({ _id: { $in: legacyMessages.map((m) => m._id) } }).lean())
        .map((m) => m.terms)
        .sort(),
    ).toEqual([['flamingos', 'are', 'pink'], ['nothing'], ['tell', 'me', 'about', 'flamingos']]);
    expect(await termsOfMessage(String(keptId))).toEqual(['sentinel']);
    expect(await Message.countDocuments({ terms: { $exists: false } })).toBe(0);
    expect(await Chat.countDocuments({ terms: { $exists: false } })).toBe(0);

    // A second pass finds nothing to do; the search now goes by the terms.
    expect(await backfillSearchTerms({ batchSize: 2 })).toEqual({ messages: 0, chats: 0 });
    expect(await search('ibis ancient')).toEqual(['Ancient Ibis notes']);
    expect(await search('flamingo')).toEqual(['Old chat']);
  });

  it('when chats and messages carry terms made before capitals from compatibility forms were folded, then the backfill makes them again and a plain-word search finds them', async () => {
    const chatId = new Types.ObjectId();
    // As the earlier normalisation stored them: 𝐁𝐨𝐥𝐝 became "Bold".
    await storeOlderChat(chatId, '𝐁𝐨𝐥𝐝 ideas', ['Bold', 'ideas']);
    const messageId = await storeOlderMessage(chatId, 'ℝeal numbers', ['Real', 'numbers']);
    expect(await search('bold')).toEqual([]);
    expect(await backfillSearchTerms({ batchSize: 2 })).toEqual({ messages: 1, chats: 1 });
    expect(await termsOfChat(String(chatId))).toEqual(['bold', 'ideas']);
    expect(await termsOfMessage(String(messageId))).toEqual(['real', 'numbers']);
    expect(await search('Bold')).toEqual(['𝐁𝐨𝐥𝐝 ideas']);
    expect(await search('real')).toEqual(['𝐁𝐨𝐥𝐝 ideas']);
    expect(await backfillSearchTerms({ batchSize: 2 })).toEqual({ messages: 0, chats: 0 });
  });

  it('when chats and messages carry terms made before vowel signs were kept, then the backfill makes them again and a search for a Hindi word finds them, and only them', async () => {
    await newChat('कम');
    const chatId = new Types.ObjectId();
    // As the earlier normalisation stored them, with every combining mark dropped: काम as कम.
    await storeOlderChat(chatId, 'काम की बात', ['कम', 'क', 'बत']);
    const messageId = await storeOlderMessage(chatId, 'पूरा हुआ', ['पर', 'हआ']);
    // Their keys cannot hold the word as written until they are made again.
    expect(await search('पूरा')).toEqual([]);

    expect(await backfillSearchTerms({ batchSize: 2 })).toEqual({ messages: 1, chats: 1 });
    expect(await Chat.findById(chatId).lean()).toMatchObject({
      terms: ['काम', 'की', 'बात'],
      termsVersion: TERMS_VERSION,
    });
    expect(await Message.findById(messageId).lean()).toMatchObject({
      terms: ['पूरा', 'हुआ'],
      termsVersion: TERMS_VERSION,
    });
    expect(await search('पूरा')).toEqual(['काम की बात']);
    expect(await search('काम')).toEqual(['काम की बात']);
    expect(await search('कम')).toEqual(['कम']);
    // Done once: the next start's pass finds nothing to make again.
    expect(await backfillSearchTerms({ batchSize: 2 })).toEqual({ messages: 0, chats: 0 });
  });

  it('when chats and messages carry terms of version 1, made before Arabic letter forms and digits were folded, then the backfill makes them again and a search typed the common way finds them', async () => {
    const chatId = new Types.ObjectId();
    await storeOlderChat(chatId, 'كـتـاب ٢٠٢٤', ['كـتـاب', '٢٠٢٤'], 1);
    const messageId = await storeOlderMessage(chatId, 'یک مدرسة', ['یک', 'مدرسة'], 1);
    expect(await search('كتاب')).toEqual([]);

    expect(await backfillSearchTerms({ batchSize: 2 })).toEqual({ messages: 1, chats: 1 });
    expect(await Chat.findById(chatId).lean()).toMatchObject({
      terms: ['كتاب', '2024'],
      termsVersion: TERMS_VERSION,
    });
    expect(await Message.findById(messageId).lean()).toMatchObject({
      terms: ['يك', 'مدرسه'],
      termsVersion: TERMS_VERSION,
    });
    expect(await search('2024')).toEqual(['كـتـاب ٢٠٢٤']);
    expect(await search('مدرسه')).toEqual(['كـتـاب ٢٠٢٤']);
  });
});

describe('the query a word search runs', () => {
  const commands: CommandStartedEvent[] = [];
  const record = (event: CommandStartedEvent) => commands.push(event);
  beforeAll(() => {
    // Listened to for this describe only.
    monitoredClient().on('commandStarted', record);
  });
  afterAll(() => {
    monitoredClient().off('commandStarted', record);
  });

  const sent = (name: 'aggregate' | 'find', collection: string) =>
    commands.filter((c) => c.commandName === name && c.command[name] === collection);
  const source = (regex: unknown) => (regex instanceof RegExp ? regex.source : regex);

  /**
   * FerretDB cannot show which index a query uses (it scans), so this checks what makes MongoDB
   * use one: the indexes are declared and created, and the filter is the owner plus an anchored,
   * case-sensitive regex on `terms` per word (a range of `{ userId, terms }` per word).
   */
  it('when the search is words, then both queries filter on the owner and an anchored regex on terms per word, served by a declared { userId, terms } index', async () => {
    for (const model of [Chat, Message] as const) {
      expect(model.schema.indexes().map(([keys]) => keys)).toContainEqual({ userId: 1, terms: 1 });
      const created = (await model.collection.indexes()).map((i) => i.key);
      expect(created).toContainEqual({ userId: 1, terms: 1 });
    }

    commands.length = 0;
    expect(await search('Hello Wörld')).toEqual([]);
    const [aggregate] = sent('aggregate', 'messages');
    const match = (aggregate!.command.pipeline as Document[])[0]!.$match as Document;
    expect(String(match.userId)).toBe(user.id);
    const [indexed, legacy] = match.$or as Document[];
    expect(
      (indexed!.$and as Document[]).map((c) => ({
        keys: Object.keys(c),
        regex: source(c.terms.$regex),
        options: c.terms.$options ?? '',
      })),
    ).toEqual([
      { keys: ['terms'], regex: '^hello', options: '' },
      { keys: ['terms'], regex: '^world', options: '' },
    ]);
    // Only documents still waiting for the backfill are read by their text.
    expect(legacy!.terms).toEqual({ $exists: false });

    const [find] = sent('find', 'chats');
    const filter = find!.command.filter as Document;
    expect(String(filter.userId)).toBe(user.id);
    const [titleMatch] = filter.$and[0].$or as Document[];
    expect(
      (titleMatch!.$or[0].$and as Document[]).map((c) => source(c.terms.$regex) as string),
    ).toEqual(['^hello', '^world']);
  });

  /**
   * Every start runs the backfill: once every document carries the current termsVersion, its
   * query must find that out from an index (on MongoDB), not by reading every message again.
   */
  it('when the backfill looks for documents to make again, then it filters on termsVersion alone, served by a declared { termsVersion } index', async () => {
    for (const model of [Chat, Message] as const) {
      expect(model.schema.indexes().map(([keys]) => keys)).toContainEqual({ termsVersion: 1 });
      const created = (await model.collection.indexes()).map((i) => i.key);
      expect(created).toContainEqual({ termsVersion: 1 });
    }

    commands.length = 0;
    expect(await backfillSearchTerms()).toEqual({ messages: 0, chats: 0 });
    for (const collection of ['messages', 'chats']) {
      const [find] = sent('find', collection);
      expect(find!.command.filter).toEqual({
        $or: [{ termsVersion: { $exists: false } }, { termsVersion: { $lt: TERMS_VERSION } }],
      });
    }
  });

  /**
   * Every document stored before termsVersion is made again at the first start of this version.
   * The embedded FerretDB serves only a filter on `_id` alone from an index: an update filtered
   * on anything more reads the whole collection, once per document, and the pass took minutes for
   * a few thousand messages while it held the database.
   */
  it('when the backfill makes keys again on a server that scans filters, then each of its writes and reads of a document names it by _id alone, and its batches are read by an _id range', async () => {
    const owner = new Types.ObjectId(user.id);
    const chatId = new Types.ObjectId();
    const now = new Date();
    await storeOlderChat(chatId, 'Older Title', ['older', 'title']);
    await Message.collection.insertMany(
      ['first older text', 'second older text', 'third older text'].map((content) => ({
        _id: new Types.ObjectId(),
        chatId,
        userId: owner,
        parentId: null,
        role: 'user' as const,
        content,
        terms: content.split(' '),
        status: 'complete' as const,
        createdAt: now,
      })),
    );

    commands.length = 0;
    expect(await backfillSearchTerms({ batchSize: 2 })).toEqual({ messages: 3, chats: 1 });
    expect(await Chat.findById(chatId).lean()).toMatchObject({ termsVersion: TERMS_VERSION });
    const writes = commands.filter(
      (c) =>
        ['update', 'findAndModify'].includes(c.commandName) &&
        ['messages', 'chats'].includes(c.command[c.commandName] as string),
    );
    expect(writes.length).toBeGreaterThan(0);
    if (serverScansFilters()) {
      const filters = writes.flatMap((c) =>
        c.commandName === 'update'
          ? (c.command.updates as Document[]).map((u) => u.q as Document)
          : [c.command.query as Document],
      );
      const reads = commands
        .filter((c) => c.commandName === 'find' && c.command.filter?._id instanceof Types.ObjectId)
        .map((c) => c.command.filter as Document);
      for (const filter of [...filters, ...reads]) expect(Object.keys(filter)).toEqual(['_id']);
      // The walk reads its batches by an `_id` range alone (a filter on the keys as well scanned the
      // collection for every batch); one look per collection first tells whether any is left.
      const finds = commands.filter(
        (c) =>
          c.commandName === 'find' &&
          ['messages', 'chats'].includes(c.command.find as string) &&
          !(c.command.filter?._id instanceof Types.ObjectId),
      );
      const onKeys = finds.filter((c) =>
        Object.keys((c.command.filter as Document | undefined) ?? {}).some((k) => k !== '_id'),
      );
      expect(onKeys.map((c) => [c.command.find, c.command.limit])).toEqual([
        ['messages', 1],
        ['chats', 1],
      ]);
      expect(finds.length - onKeys.length).toBeGreaterThanOrEqual(3);
    }
  });

  it('when the search is not words, then it is the literal substring scan, bounded by maxTimeMS', async () => {
    commands.length = 0;
    expect(await search('foo.bar(')).toEqual([]);
    const [aggregate] = sent('aggregate', 'messages');
    const match = (aggregate!.command.pipeline as Document[])[0]!.$match as Document;
    expect(match.terms).toBeUndefined();
    expect(match.content).toEqual({ $regex: 'foo\\.bar\\(', $options: 'i' });
    expect(aggregate!.command.maxTimeMS).toBeGreaterThan(0);
    expect(sent('find', 'chats')[0]!.command.maxTimeMS).toBeGreaterThan(0);
  });

  it('when a chat stored without terms is renamed as the backfill fills it, then they take turns and the new title and its terms stay', async () => {
    const chatId = new Types.ObjectId();
    await storeOlderChat(chatId, 'Legacy title');
    let renamed: Promise<{ status: number }> | undefined;
    const pairs = releaseInPairs(
      [
        [Chat.collection, 'updateOne'],
        [Chat.collection, 'findOneAndUpdate'],
        [Chat.collection, 'bulkWrite'],
      ],
      {
        whenHeldAlone: () => {
          renamed ??= ctx
            .request()
            .patch(`/api/chats/${String(chatId)}`)
            .set(user.auth)
            .send({ title: 'Renamed meanwhile' })
            .then((res) => res);
        },
      },
    );
    try {
      await backfillSearchTerms();
      expect((await renamed!).status).toBe(200);
      expectTookTurns(pairs, 'the backfill and the rename');
    } finally {
      pairs.restore();
    }
    expect(await Chat.findById(chatId).lean()).toMatchObject({
      title: 'Renamed meanwhile',
      terms: ['renamed', 'meanwhile'],
    });
  });
});
