import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { describeUpstreamFailure } from '../../src/lib/llm/upstream-errors.js';

describe('what the log says about a provider that cannot be reached', () => {
  it('when the connection is refused, then the logged summary says so (not just {name:"Error"})', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:4560'), {
      code: 'ECONNREFUSED',
    });
    const error = new OpenAI.APIConnectionError({ cause: refused });
    const summary = describeUpstreamFailure(error);
    // The operator needs to tell "wrong OPENAI_BASE_URL / provider down" from a provider's 500.
    expect(JSON.stringify(summary)).toMatch(/ECONNREFUSED|connection/i);
  });

  it('when the SDK times out waiting for the response head, then the summary says it timed out', () => {
    const summary = describeUpstreamFailure(new OpenAI.APIConnectionTimeoutError());
    expect(JSON.stringify(summary)).toMatch(/timeout|timed out/i);
  });
});
