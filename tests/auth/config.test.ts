import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig, misspeltSettings } from '../../src/lib/config.js';
import { limitBytes } from '../../src/lib/sizes.js';

const production = {
  NODE_ENV: 'production',
  MONGODB_URI: 'mongodb://db.example:27017/x',
  MODELS: 'demo',
};
/** What `openssl rand -base64 33` gives. */
const STRONG_SECRET = 'Zq3v8Jc1hL0pR7wX2nY5tK9bM4sD6fG1aE3iU8oQ0zP';

describe('configuration of secrets and token lifetime', () => {
  it.each([
    ['missing', undefined],
    ['short (31 bytes)', 'x'.repeat(31)],
    ['a known default', 'change-me'],
    ['one character 40 times', 'x'.repeat(40)],
    ['a few characters repeated', 'abc123'.repeat(8)],
  ])('when JWT_SECRET is %s in production, then the server refuses to start', (_label, secret) => {
    expect(() => loadConfig({ ...production, JWT_SECRET: secret })).toThrow(ConfigError);
    expect(() => loadConfig({ ...production, JWT_SECRET: secret })).toThrow(/JWT_SECRET/);
  });

  it.each([
    ['short (31 bytes)', 'Zq3v8Jc1hL0pR7wX2nY5tK9bM4sD6fG', /must be at least 32 bytes/],
    ['one character 32 times', 'a'.repeat(32), /must be random/],
  ])(
    'when API_KEY_HASH_SECRET is %s in production, then the server refuses to start naming it',
    (_label, secret, why) => {
      const load = () =>
        loadConfig({ ...production, JWT_SECRET: STRONG_SECRET, API_KEY_HASH_SECRET: secret });
      expect(load).toThrow(ConfigError);
      expect(load).toThrow(new RegExp(`API_KEY_HASH_SECRET: ${why.source}`));
    },
  );

  it('when the secrets are random in production, hex or base64, then the config loads', () => {
    // `openssl rand -hex 32` has at most 16 distinct characters.
    const hex = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08';
    expect(loadConfig({ ...production, JWT_SECRET: hex }).isProduction).toBe(true);
    const c = loadConfig({ ...production, JWT_SECRET: hex, API_KEY_HASH_SECRET: STRONG_SECRET });
    expect(c.API_KEY_HASH_SECRET).toBe(STRONG_SECRET);
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

describe('values an operator gets wrong', () => {
  const dev = { NODE_ENV: 'development', JWT_SECRET: 'x'.repeat(40) };
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'sigmagpt-config-'));
  const refused = (env: Record<string, string>) => {
    try {
      loadConfig({ ...dev, ...env });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      return (error as Error).message;
    }
    return null;
  };

  it('when a value is empty or blank (as env and compose files write an unset one), then it is the default, never 0', () => {
    const c = loadConfig({
      ...dev,
      PORT: '',
      TOKEN_BUDGET_PER_DAY: ' ',
      MAX_TOKENS: '',
      TITLES: 'on',
    });
    expect(c.PORT).toBe(3000);
    expect(c.TOKEN_BUDGET_PER_DAY).toBe(0);
    expect(loadConfig({ ...dev, SHUTDOWN_GRACE_MS: '', RATE_LIMITS_ENABLED: '' })).toMatchObject({
      SHUTDOWN_GRACE_MS: 10_000,
      RATE_LIMITS_ENABLED: true,
    });
    // Every kind of setting, not only numbers: sizes, URLs, names, folders, secrets.
    const blank = loadConfig({
      NODE_ENV: '',
      BODY_LIMIT: ' ',
      OPENAI_BASE_URL: '',
      LOG_LEVEL: '',
      DEFAULT_MODEL: '',
      DATA_DIR: dataDir,
      JWT_SECRET: '',
      API_KEY_HASH_SECRET: '',
    });
    expect(blank).toMatchObject({
      NODE_ENV: 'development',
      BODY_LIMIT: '300kb',
      OPENAI_BASE_URL: 'https://api.openai.com/v1',
      LOG_LEVEL: 'info',
      defaultModel: 'demo',
    });
    // A development secret is made (not an empty one), and the API keys' secret is that one.
    expect(blank.jwtSecret.length).toBeGreaterThanOrEqual(32);
    expect(blank.apiKeyHashSecret).toBe(blank.jwtSecret);
    expect(loadConfig({ ...dev, DATA_DIR: ' ' }).dataDir).toBe(path.resolve('data'));
  });

  it('when a size, a URL or an origin cannot be what it names, then the start is refused naming the key', () => {
    expect(refused({ BODY_LIMIT: '100kilobytes' })).toMatch(/BODY_LIMIT: a size such as 100kb/);
    expect(refused({ V1_BODY_LIMIT: 'lots' })).toMatch(/V1_BODY_LIMIT/);
    expect(loadConfig({ ...dev, BODY_LIMIT: '2mb', V1_BODY_LIMIT: '5000' }).BODY_LIMIT).toBe('2mb');
    for (const url of ['localhost:4720/v1', 'htp://example.com/v1', 'example.com'])
      expect(refused({ OPENAI_BASE_URL: url }), url).toMatch(/OPENAI_BASE_URL: an http/);
    expect(
      loadConfig({ ...dev, OPENAI_BASE_URL: 'http://127.0.0.1:11434/v1' }).OPENAI_BASE_URL,
    ).toBe('http://127.0.0.1:11434/v1');
    for (const origins of [
      'http://localhost:5173/',
      'localhost:8080',
      '*',
      'https://app.example/x',
    ])
      expect(refused({ CORS_ORIGINS: origins }), origins).toMatch(
        /CORS_ORIGINS: origins as browsers/,
      );
    expect(
      loadConfig({ ...dev, CORS_ORIGINS: 'https://app.example, http://localhost:5173' })
        .CORS_ORIGINS,
    ).toEqual(['https://app.example', 'http://localhost:5173']);
    // A replica set's URI names several hosts: not a URL a browser would parse, a MongoDB URI.
    const replicaSet = 'mongodb://a.example:27017,b.example:27017/chat?replicaSet=rs0';
    expect(loadConfig({ ...dev, MONGODB_URI: replicaSet }).MONGODB_URI).toBe(replicaSet);
  });

  it('when the body limits are left at their defaults, then they take the largest bodies the default text limits allow, every character escaped; a value set is kept', () => {
    const c = loadConfig(dev);
    // A new chat: message, system prompt, title and a model id, 12 bytes an emoji as \uXXXX\uXXXX.
    const chat = 12 * (c.MAX_MESSAGE_CHARS + c.MAX_SYSTEM_PROMPT_CHARS + c.MAX_TITLE_CHARS + 200);
    expect(limitBytes(c.BODY_LIMIT)).toBeGreaterThanOrEqual(chat + 1024);
    // /v1 counts characters of text, 12 bytes an emoji as \uXXXX\uXXXX, and each message's JSON.
    const v1 = 12 * c.V1_MAX_INPUT_CHARS + 100 * c.V1_MAX_MESSAGES;
    expect(limitBytes(c.V1_BODY_LIMIT)).toBeGreaterThanOrEqual(v1);
    const set = loadConfig({ ...dev, BODY_LIMIT: '100kb', V1_BODY_LIMIT: '1mb' });
    expect(set).toMatchObject({ BODY_LIMIT: '100kb', V1_BODY_LIMIT: '1mb' });
  });

  it('when a time in milliseconds is longer than a Node timer can wait, then the start is refused', () => {
    expect(refused({ UPSTREAM_TIMEOUT_MS: '3000000000' })).toMatch(/UPSTREAM_TIMEOUT_MS/);
    expect(refused({ SHUTDOWN_GRACE_MS: String(2 ** 31) })).toMatch(/SHUTDOWN_GRACE_MS/);
    expect(loadConfig({ ...dev, SHUTDOWN_GRACE_MS: String(2 ** 31 - 1) }).SHUTDOWN_GRACE_MS).toBe(
      2 ** 31 - 1,
    );
  });

  it('when SHUTDOWN_DRAIN_DELAY_MS is left out, then it is 0 (SIGTERM refuses new requests at once); a value set is kept, and one above ten minutes is refused', () => {
    expect(loadConfig(dev).SHUTDOWN_DRAIN_DELAY_MS).toBe(0);
    expect(loadConfig({ ...dev, SHUTDOWN_DRAIN_DELAY_MS: '15000' }).SHUTDOWN_DRAIN_DELAY_MS).toBe(
      15_000,
    );
    expect(refused({ SHUTDOWN_DRAIN_DELAY_MS: '600001' })).toMatch(
      /SHUTDOWN_DRAIN_DELAY_MS: a whole number from 0 to 600000/,
    );
  });
});

describe('a configuration with several problems', () => {
  it('when values are bad and checks across values fail too, then one refusal names them all, bad values in plain words, and no check speaks of a bad value again', () => {
    let message = '';
    try {
      loadConfig({
        NODE_ENV: 'production',
        PORT: 'abc',
        MAX_TOKENS: '1.5',
        JWT_SECRET: 'short',
        MODELS: 'demo',
        DEFAULT_MODEL: 'gpt-9',
        METRICS_PORT: '9100',
        ADMIN_EMAILS: 'not-an-email',
      });
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      message = (error as Error).message;
    }
    expect(message.split('\n')).toEqual([
      'Invalid configuration:',
      '  PORT: a whole number from 0 to 65535',
      '  MAX_TOKENS: a whole number of at least 0',
      '  JWT_SECRET: must be at least 32 bytes',
      '  MONGODB_URI: required in production',
      '  ADMIN_EMAILS: "not-an-email" is not a valid email address',
      '  DEFAULT_MODEL: "gpt-9" is not in MODELS',
    ]);
  });
});

describe('settings that are misspelt', () => {
  it('when a variable is within two edits of a setting, then it is named with the setting it misses; other variables are not', () => {
    expect(
      misspeltSettings({
        TOKEN_BUDGET_PERDAY: '1000',
        MAX_TOKEN: '100',
        MAX_TOKENS: '100',
        PATH: '/usr/bin',
        HOSTNAME: 'box',
        PYTHONUNBUFFERED: '1',
        SSL_CERT_FILE: '/x',
      }),
    ).toEqual([
      { name: 'TOKEN_BUDGET_PERDAY', setting: 'TOKEN_BUDGET_PER_DAY' },
      { name: 'MAX_TOKEN', setting: 'MAX_TOKENS' },
    ]);
  });
});

describe('values that would be read as something else, or could never work', () => {
  const dev = { NODE_ENV: 'development', JWT_SECRET: 'x'.repeat(40) };

  it('when a body limit is 0, then the start is refused naming it (every request with a body would be a 413)', () => {
    expect(() => loadConfig({ ...dev, BODY_LIMIT: '0' })).toThrow(
      /BODY_LIMIT: a size of at least 1 byte/,
    );
    expect(() => loadConfig({ ...dev, V1_BODY_LIMIT: '0b' })).toThrow(/V1_BODY_LIMIT/);
  });

  it.each([
    ['PORT', '0x1F90'],
    ['MAX_TOKENS', '1e3'],
    ['PORT', '8080.0'],
  ])(
    'when the whole-number setting %s is written %j, then it is refused as lists refuse such a limit',
    (name, value) => {
      expect(() => loadConfig({ ...dev, [name]: value })).toThrow(
        new RegExp(`${name}: a whole number`),
      );
    },
  );

  it('when a whole number has spaces or a Windows line end around it, then it is read as written', () => {
    expect(loadConfig({ ...dev, PORT: ' 8080\r' }).PORT).toBe(8080);
  });
});
