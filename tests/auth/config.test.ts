import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/lib/config.js';

const production = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://db.example:27017/x',
  MODELS: 'demo',
};

describe('configuration of secrets and token lifetime', () => {
  it.each([
    ['missing', undefined],
    ['short (31 bytes)', 'x'.repeat(31)],
    ['a known default', 'change-me'],
  ])('when JWT_SECRET is %s in production, then the server refuses to start', (_label, secret) => {
    expect(() => loadConfig({ ...production, JWT_SECRET: secret })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, JWT_SECRET: secret })).toThrow(/JWT_SECRET/);
  });

  it('when JWT_SECRET is 32+ random bytes in production, then the config loads with Secure-cookie mode and bcrypt cost 12', () => {
    const c = loadConfig({ ...production, JWT_SECRET: 'k'.repeat(16) + 'Zq3!v9LmP0sT8wXy' });
    expect(c.isProduction).toBe(true);
    expect(c.bcryptCost).toBe(12);
  });

  it('when the access token lifetime is set above 15 minutes or bcrypt cost below 10, then the config is refused', () => {
    expect(() =>
      loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), ACCESS_TOKEN_TTL_SECONDS: '901' }),
    ).toThrow(/ACCESS_TOKEN_TTL_SECONDS/);
    expect(() =>
      loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40), BCRYPT_COST: '9' }),
    ).toThrow(/BCRYPT_COST/);
    expect(
      loadConfig({ NODE_ENV: 'test', JWT_SECRET: 'x'.repeat(40) }).ACCESS_TOKEN_TTL_SECONDS,
    ).toBeLessThanOrEqual(900);
  });
});

describe('configuration of the model provider', () => {
  const secret = 'k'.repeat(16) + 'Zq3!v9LmP0sT8wXy';
  const base = {
    NODE_ENV: 'production',
    MONGODB_URI: 'mongodb://db.example:27017/x',
    JWT_SECRET: secret,
  };

  it('when production has no OPENAI_API_KEY and MODELS is not set, then the server refuses to start instead of quietly serving the demo model', () => {
    expect(() => loadConfig(base)).toThrow(/OPENAI_API_KEY/);
  });

  it('when production has no key and names a real model, then the server refuses to start', () => {
    expect(() => loadConfig({ ...base, MODELS: 'gpt-4o-mini' })).toThrow(/OPENAI_API_KEY/);
  });

  it('when production chooses MODELS=demo explicitly, or has a key, then the config loads', () => {
    expect(loadConfig({ ...base, MODELS: 'demo' }).models).toEqual(['demo']);
    expect(loadConfig({ ...base, OPENAI_API_KEY: 'sk-test' }).models).toEqual(['gpt-4o-mini']);
  });

  it('when development has no key, then the demo model is the default', () => {
    expect(loadConfig({ NODE_ENV: 'development', JWT_SECRET: secret }).defaultModel).toBe('demo');
  });

  it('when MONGODB_URI is set but empty (as env and compose files write an unset value), then development takes the embedded database and production says it is required', () => {
    const dev = loadConfig({
      NODE_ENV: 'development',
      JWT_SECRET: 'x'.repeat(40),
      MONGODB_URI: '',
    });
    expect(dev.MONGODB_URI).toBeUndefined();
    expect(() =>
      loadConfig({
        ...production,
        JWT_SECRET: 'k'.repeat(16) + 'Zq3!v9LmP0sT8wXy',
        MONGODB_URI: '',
      }),
    ).toThrow(/MONGODB_URI: required in production/);
    expect(() => loadConfig({ NODE_ENV: 'development', MONGODB_URI: 'not a uri' })).toThrow(
      /MONGODB_URI/,
    );
  });
});
