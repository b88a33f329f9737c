import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/lib/config.js';

const dev = { NODE_ENV: 'development', JWT_SECRET: 'x'.repeat(40) };

/** README, Configuration: a bad value stops the start, named; a body limit of 0 can never work. */
describe('a body limit that refuses every body', () => {
  it('when BODY_LIMIT is 0, then the start is refused naming it (every request with a body would be a 413)', () => {
    expect(() => loadConfig({ ...dev, BODY_LIMIT: '0' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...dev, BODY_LIMIT: '0' })).toThrow(
      /BODY_LIMIT: a size of at least 1 byte/,
    );
  });

  it('when V1_BODY_LIMIT is 0b, then the start is refused naming it', () => {
    expect(() => loadConfig({ ...dev, V1_BODY_LIMIT: '0b' })).toThrow(/V1_BODY_LIMIT/);
  });
});
