/**
 * The benchmark's second baseline: a "messages-in-the-thread relay", the backend a typical
 * SigmaGPT-style tutorial builds. Express 5 + Mongoose, one `Thread` document per conversation
 * with its messages inside it, the `openai` SDK for the model. It answers the same request as our
 * POST /api/chats/:id/messages (`{ content, stream: true }`, the chat id as the thread id) and sends
 * each content chunk as one SSE `delta` event, so the load client drives both alike.
 *
 * Database commands per streamed exchange: threads.find (the thread, by threadId) · threads.update
 * (user message pushed) · [stream] · threads.update (assistant message pushed).
 *
 * What it does not do, and why it is a speed bar rather than a design: the access token is only
 * verified (no session lookup, so a token outlives logout), nothing is limited (rate, budget,
 * storage, concurrent streams), an upstream error loses the reply (nothing of it is stored; the user
 * message stays without one), a reply cannot be resumed, writes ignore backpressure, the whole thread
 * is read and rewritten on every message and sent upstream as history without a budget.
 */
import { createSecretKey } from 'node:crypto';
import cors from 'cors';
import express, { type NextFunction, type Request, type Response } from 'express';
import jwt from 'jsonwebtoken';
import mongoose from 'mongoose';
import OpenAI from 'openai';

const env = process.env;
// A KeyObject, as bench/baseline.ts and our server verify with: a string secret would re-derive
// the key on every request (BENCHMARKS.md, "Known traps") and slow this bar down for no reason.
const key = createSecretKey(Buffer.from(env.JWT_SECRET ?? ''));
const ISSUER = env.JWT_ISSUER ?? 'sigmagpt-api';
const AUDIENCE = env.JWT_AUDIENCE ?? 'sigmagpt-clients';
const MODEL = env.MODEL ?? 'bench-model';

const openai = new OpenAI({ apiKey: env.OPENAI_API_KEY ?? 'bench', baseURL: env.OPENAI_BASE_URL });

const messageSchema = new mongoose.Schema({
  role: { type: String, enum: ['user', 'assistant'], required: true },
  content: { type: String, required: true },
  timestamp: { type: Date, default: Date.now },
});

const threadSchema = new mongoose.Schema({
  threadId: { type: String, required: true, unique: true },
  userId: { type: String, required: true },
  title: { type: String, default: 'New Chat' },
  messages: [messageSchema],
  createdAt: { type: Date, default: Date.now },
  updatedAt: { type: Date, default: Date.now },
});

const Thread = mongoose.model('Thread', threadSchema);

interface AuthedRequest extends Request {
  userId?: string;
}

/** The access token's signature and claims; no session lookup (a token outlives its logout). */
function auth(req: AuthedRequest, res: Response, next: NextFunction): void {
  const header = req.headers.authorization;
  if (!header?.startsWith('Bearer ')) {
    res.status(401).json({ error: 'No token' });
    return;
  }
  try {
    const payload = jwt.verify(header.slice(7), key, {
      algorithms: ['HS256'],
      issuer: ISSUER,
      audience: AUDIENCE,
    }) as jwt.JwtPayload;
    if (payload.typ !== 'access' || typeof payload.sub !== 'string') throw new Error('not access');
    req.userId = payload.sub;
    next();
  } catch {
    res.status(401).json({ error: 'Invalid token' });
  }
}

const app = express();
app.use(cors());
app.use(express.json());

app.post('/api/chats/:threadId/messages', auth, async (req: AuthedRequest, res: Response) => {
  const { content } = req.body as { content?: unknown };
  if (typeof content !== 'string' || !content.trim()) {
    res.status(400).json({ error: 'Message is required' });
    return;
  }
  const thread = await Thread.findOne({ threadId: req.params.threadId });
  if (!thread || thread.userId !== req.userId) {
    res.status(404).json({ error: 'Thread not found' });
    return;
  }
  thread.messages.push({ role: 'user', content });
  thread.updatedAt = new Date();
  await thread.save();

  res.setHeader('Content-Type', 'text/event-stream');
  res.setHeader('Cache-Control', 'no-cache');
  res.setHeader('Connection', 'keep-alive');
  res.flushHeaders();
  const aborter = new AbortController();
  res.on('close', () => aborter.abort());
  try {
    const stream = await openai.chat.completions.create(
      {
        model: MODEL,
        messages: thread.messages.map((m) => ({ role: m.role, content: m.content })),
        stream: true,
      },
      { signal: aborter.signal },
    );
    let reply = '';
    for await (const chunk of stream) {
      const piece = chunk.choices[0]?.delta?.content;
      if (!piece) continue;
      reply += piece;
      res.write(`event: delta\ndata: ${JSON.stringify({ content: piece })}\n\n`);
    }
    thread.messages.push({ role: 'assistant', content: reply });
    thread.updatedAt = new Date();
    await thread.save();
    res.write(`event: done\ndata: ${JSON.stringify({ content: reply })}\n\n`);
  } catch (error) {
    // The reply is lost: whatever was relayed is not stored.
    console.error('thread relay: upstream failed', error);
    res.write(`event: error\ndata: ${JSON.stringify({ error: 'Something went wrong' })}\n\n`);
  }
  res.end();
});

app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
  console.error('thread relay error', error);
  if (!res.headersSent) res.status(500).json({ error: 'Something went wrong' });
  else res.end();
});

// The same pool size as our server and bench/baseline.ts; commands monitored so bench/probe.ts
// can count them (our server monitors them too).
await mongoose.connect(env.MONGODB_URI ?? '', { maxPoolSize: 50, monitorCommands: true });
await Thread.init();
const server = app.listen(Number(env.PORT ?? 0), '127.0.0.1', () => {
  console.log(`READY ${(server.address() as { port: number }).port}`);
});
server.keepAliveTimeout = 65_000;
process.on('SIGTERM', () => {
  server.close();
  void mongoose.disconnect().finally(() => process.exit(0));
  setTimeout(() => process.exit(0), 2000).unref();
});
