import { countTokens as exact } from 'gpt-tokenizer/encoding/o200k_base';
import { describe, expect, it } from 'vitest';
import { countTokens, stopTokenizer } from '../../src/modules/usage/tokenizer.js';

describe('counting tokens when the provider reports none', () => {
  it('when the text is ordinary prose or code, then the count is exactly the tokenizer count', async () => {
    for (const text of [
      'Bonjour, le monde',
      'The quick brown fox jumps over the lazy dog. '.repeat(500),
      'function add(a: number, b: number) { return a + b; }\n'.repeat(300),
    ]) {
      expect((await countTokens([], text)).completionTokens).toBe(exact(text));
    }
  });

  it('when messages are sent, then each adds its tokens plus 3 of framing, and 3 prime the reply', async () => {
    const { promptTokens } = await countTokens(
      [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: 'Hello there' },
      ],
      '',
    );
    expect(promptTokens).toBe(3 + 3 + exact('Be brief.') + 3 + exact('Hello there'));
  });

  it('when a text has long runs without spaces (CJK, URLs), then the count stays within 5 % of the exact one', async () => {
    for (const text of [
      '你好，世界。这是一个测试。'.repeat(400),
      `https://example.com/${'abc'.repeat(100)}`,
    ]) {
      const counted = (await countTokens([], text)).completionTokens;
      expect(Math.abs(counted - exact(text)) / exact(text)).toBeLessThan(0.05);
    }
  });

  it('when a reply is megabytes without a space, then it is counted in bounded time (whole-word BPE would take hours)', async () => {
    const started = performance.now();
    const { completionTokens } = await countTokens([], 'y'.repeat(4_000_000));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(completionTokens).toBeGreaterThan(100_000);
  });

  it('when the tokenizer thread ends mid-count, then that count falls back to about 4 characters a token, and the next is exact again on a new thread', async () => {
    const text = 'The quick brown fox jumps over the lazy dog. '.repeat(20_000);
    const counting = countTokens([], text);
    await stopTokenizer();
    expect(await counting).toEqual({
      promptTokens: 3,
      completionTokens: Math.ceil(text.length / 4),
    });
    expect((await countTokens([], 'Bonjour, le monde')).completionTokens).toBe(
      exact('Bonjour, le monde'),
    );
  });
});
