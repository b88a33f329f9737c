import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/lib/config.js';

const dev = { NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40) };
const refusal = (env: Record<string, string>) => {
  try {
    loadConfig({ ...dev, ...env });
  } catch (error) {
    return (error as Error).message;
  }
  return null;
};

describe('every bad value refused in plain words', () => {
  it.each([
    ['BCRYPT_COST', 'abc', /BCRYPT_COST: a whole number from 10 to 15/],
    ['BCRYPT_COST', '12.5', /BCRYPT_COST: a whole number from 10 to 15/],
    ['BCRYPT_COST', '9', /BCRYPT_COST: a whole number from 10 to 15/],
    ['SSE_PING_SECONDS', 'abc', /SSE_PING_SECONDS: a number of seconds from 0.05 to 15/],
    ['SSE_PING_SECONDS', '0', /SSE_PING_SECONDS: a number of seconds from 0.05 to 15/],
  ])(
    'when %s is %j, then the refusal says what it takes, not zod’s "expected number"',
    (key, value, said) => {
      const message = refusal({ [key]: value });
      expect(message).toMatch(said);
      expect(message).not.toMatch(/Invalid input|expected|received/);
    },
  );
});
