import { Worker } from 'node:worker_threads';
import type { ChatTurn } from '../../lib/llm/index.js';
import { logger } from '../../lib/logger.js';

/**
 * Token counts for calls whose provider sent no usage (some compatible servers never do; no
 * provider does for a reply cut off by a stop or a disconnect), which sooner or later happens on
 * every server. gpt-tokenizer's o200k_base encoding (GPT-4o, GPT-4.1, o-series) does the counting
 * on a thread of its own (tokenizer.worker.ts): its tables (about 16 MB of heap in small objects,
 * 65 MB of memory) stay out of the heap of the thread that serves the streams, whose every full
 * garbage collection would mark them again, and a long text is counted without holding up the
 * event loop.
 */
class TokenizerThread {
  private readonly worker: Worker;
  private readonly pending = new Map<
    number,
    { resolve: (counts: number[]) => void; reject: (error: Error) => void }
  >();
  private nextId = 0;

  constructor(private readonly onEnd: (thread: TokenizerThread) => void) {
    // Compiled, the thread runs the compiled file; from the sources (development, tests), tsx
    // loads the TypeScript one.
    const compiled = !import.meta.url.endsWith('.ts');
    this.worker = new Worker(
      new URL(`./tokenizer.worker.${compiled ? 'js' : 'ts'}`, import.meta.url),
      compiled ? {} : { execArgv: ['--import', 'tsx'] },
    );
    // An idle thread never keeps the process alive (one with counts pending does: see count).
    this.worker.unref();
    this.worker.on(
      'message',
      ({ id, counts, error }: { id: number; counts?: number[]; error?: string }) => {
        const request = this.pending.get(id);
        if (!request) return;
        this.pending.delete(id);
        if (this.pending.size === 0) this.worker.unref();
        if (counts) request.resolve(counts);
        else request.reject(new Error(error ?? 'the tokenizer thread gave no count'));
      },
    );
    this.worker.on('error', (error: Error) => this.end(error));
    this.worker.on('exit', (code) => this.end(new Error(`the tokenizer thread exited (${code})`)));
  }

  /** The tokens of each text. */
  count(texts: string[]): Promise<number[]> {
    const id = (this.nextId += 1);
    if (this.pending.size === 0) this.worker.ref();
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, texts });
    });
  }

  /** Ends the thread; counts pending on it fall back to the rough count. */
  async stop(): Promise<void> {
    await this.worker.terminate();
  }

  private end(error: Error): void {
    this.onEnd(this);
    for (const request of this.pending.values()) request.reject(error);
    this.pending.clear();
  }
}

let thread: TokenizerThread | undefined;
/** The running thread; one that failed is replaced at the next count. */
const tokenizer = () =>
  (thread ??= new TokenizerThread((ended) => {
    if (thread === ended) thread = undefined;
  }));

/**
 * Starts the tokenizer's thread now, so its tables (about 140 ms of loading) are ready before the
 * first count. The loading runs on that thread: nothing waits for it.
 */
export function startTokenizer(): void {
  tokenizer();
}

/** Ends the tokenizer's thread (the next count starts another). */
export async function stopTokenizer(): Promise<void> {
  await thread?.stop();
}

/** OpenAI's chat framing: about 3 tokens per message, and 3 more that prime the reply. */
const TOKENS_PER_MESSAGE = 3;
const REPLY_PRIMING = 3;
/** When the thread cannot count (it could not start, or died): about 4 characters a token. */
const roughCount = (text: string) => Math.ceil(text.length / 4);

export interface CountedTokens {
  promptTokens: number;
  completionTokens: number;
}

/** Counts what a call sent and received, as the provider would have reported it (about). */
export async function countTokens(prompt: ChatTurn[], completion: string): Promise<CountedTokens> {
  const texts = [completion, ...prompt.map((turn) => turn.content)];
  let counts: number[];
  try {
    counts = await tokenizer().count(texts);
  } catch (error) {
    // The call is still charged: an estimate of the estimate, rather than nothing.
    logger.warn(
      { err: (error as Error).message },
      'tokenizer thread failed; counting about 4 characters a token',
    );
    counts = texts.map(roughCount);
  }
  const [completionTokens = 0, ...turns] = counts;
  const promptTokens = turns.reduce((sum, n) => sum + TOKENS_PER_MESSAGE + n, REPLY_PRIMING);
  return { promptTokens, completionTokens };
}
