import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { BodyReads } from '../../src/lib/llm/body-reads.js';

/** Everything `reads` hands out until its end, or the error it ends with. */
async function drain(reads: BodyReads): Promise<{ text: string; error?: unknown }> {
  let text = '';
  try {
    for (let bytes = await reads.read(); bytes !== null; bytes = await reads.read())
      text += Buffer.from(bytes).toString();
    return { text };
  } catch (error) {
    return { text, error };
  }
}

// The body of a model's reply, read the way openai.provider.ts reads it (the HTTP-level cases:
// upstream-stream-format.test.ts, upstream-failures.test.ts).
describe('reading a response body', () => {
  it('when reads arrive while none is awaited, then the body pauses and every read comes out in order', async () => {
    const body = new PassThrough();
    const reads = new BodyReads(body);
    body.write('a');
    body.write('b');
    await new Promise((resolve) => setImmediate(resolve));
    // The reader holds what it was given: the body waits for it.
    expect(body.isPaused()).toBe(true);
    body.end('c');
    expect(await drain(reads)).toEqual({ text: 'abc' });
    expect(reads.done).toBe(true);
  });

  it('when the body fails after some reads, then those reads come out first and then its error', async () => {
    const body = new PassThrough();
    const reads = new BodyReads(body);
    body.write('partial');
    await new Promise((resolve) => setImmediate(resolve));
    body.destroy(new Error('connection reset'));
    const { text, error } = await drain(reads);
    expect(text).toBe('partial');
    expect((error as Error).message).toBe('connection reset');
    expect(reads.done).toBe(false);
  });

  it('when the body closes before its end without an error, then reading fails as a premature close', async () => {
    const body = new PassThrough();
    const reads = new BodyReads(body);
    const reading = drain(reads);
    body.write('half');
    body.destroy();
    const { text, error } = await reading;
    expect(text).toBe('half');
    expect((error as NodeJS.ErrnoException).code).toBe('ERR_STREAM_PREMATURE_CLOSE');
  });
});
