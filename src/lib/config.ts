import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import path from 'node:path';
import { z } from 'zod';
import { limitBytes } from './sizes.js';

/**
 * Why a production secret is refused, or undefined. Its length alone passes "x" typed 40 times:
 * a random secret of 32 bytes or more has many distinct characters (a hex one up to 16, base64
 * about 40), a placeholder a few.
 */
function weakSecret(value: string): string | undefined {
  if (Buffer.byteLength(value) < 32) return 'must be at least 32 bytes';
  if (new Set(value).size < 8)
    return 'must be random (it repeats a few characters): `openssl rand -base64 48` makes one';
  return undefined;
}

/** Above this a daily token budget is a typo, not a limit (a billion tokens a day per user). */
export const MAX_TOKEN_BUDGET = 1_000_000_000;

/** A whole number within bounds, refused in those words (not zod's "expected int, received NaN"). */
const wholeNumber = (min = 0, max = Number.MAX_SAFE_INTEGER) => {
  const error =
    max < Number.MAX_SAFE_INTEGER
      ? `a whole number from ${min} to ${max}`
      : `a whole number of at least ${min}`;
  // Digits only: Number() would also read `0x1F90` as 8080 and `1e3` as 1000, a value other than
  // the one written (and lists refuse those forms in their `limit`). Spaces around them, or the
  // `\r` of a file saved with Windows line ends, change nothing and are let go.
  return z.preprocess(
    (value) => (typeof value === 'string' && !/^\d+$/.test(value.trim()) ? Number.NaN : value),
    z.coerce.number({ error }).int({ error }).min(min, { error }).max(max, { error }),
  );
};
const int = (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) =>
  wholeNumber(min, max).default(fallback);
/** Node's timers take at most 2^31 - 1 ms (about 24.8 days); a longer one fires at once. */
const TIMER_MAX_MS = 2 ** 31 - 1;
const ms = (fallback: number, min: number, max = TIMER_MAX_MS) => int(fallback, min, max);
const bool = (fallback: boolean) =>
  z
    .enum(['true', 'false', '1', '0'])
    .default(fallback ? 'true' : 'false')
    .transform((v) => v === 'true' || v === '1');
/** A body size as body-parser reads it: `100kb`, `1mb` or a number of bytes. */
const size = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => limitBytes(v) !== undefined, 'a size such as 100kb, 1mb or 5000 (bytes)')
    // 0 (or a fraction of a byte) would refuse every request with a body: a 413 for all of them.
    .refine((v) => (limitBytes(v) ?? 1) > 0, 'a size of at least 1 byte');
/** An http(s) URL (a bare `host:port` would parse as a URL of the scheme `host:`). */
const httpUrl = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((v) => /^https?:\/\/[^/]/i.test(v) && URL.canParse(v), 'an http:// or https:// URL');
/** A browser origin exactly as browsers send it: scheme, host and port, no path or trailing slash. */
const isOrigin = (v: string) => URL.canParse(v) && new URL(v).origin === v;
const list = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    );

/** Names Express's `trust proxy` takes for a range of addresses, beside IPs and CIDRs. */
const TRUST_NAMES = new Set(['loopback', 'linklocal', 'uniquelocal']);
/** An IPv4 or IPv6 address, with an optional /prefix (or IPv4 netmask) as proxy-addr reads them. */
function isTrustedRange(entry: string): boolean {
  if (TRUST_NAMES.has(entry)) return true;
  const [address = '', prefix, ...rest] = entry.split('/');
  const version = isIP(address);
  if (version === 0 || rest.length > 0) return false;
  if (prefix === undefined) return true;
  if (version === 4 && isIP(prefix) === 4) return isNetmask(prefix);
  // proxy-addr refuses a prefix of 0 (`0.0.0.0/0`, `::/0`): trusting every address is a hop count.
  return (
    /^\d{1,3}$/.test(prefix) && Number(prefix) >= 1 && Number(prefix) <= (version === 4 ? 32 : 128)
  );
}

/** An IPv4 netmask proxy-addr takes: ones then zeros, at least one one (255.255.0.0, not 255.0.255.0). */
function isNetmask(mask: string): boolean {
  const bits = mask.split('.').reduce((n, octet) => n * 256 + Number(octet), 0);
  const zeros = 2 ** 32 - 1 - bits;
  return bits !== 0 && (zeros & (zeros + 1)) === 0;
}

/**
 * The proxies whose X-Forwarded-For is believed: a number of hops (0 to 10), or the proxies'
 * addresses (IPs, CIDRs, `loopback`, `linklocal`, `uniquelocal`, comma-separated). A hop count
 * believes whoever connects; addresses believe only the proxies, so a client that reaches the
 * instance some other way cannot pick its own address.
 */
const trustProxy = () =>
  z
    .string()
    .default('0')
    .transform((value, ctx): number | string[] => {
      const text = value.trim();
      if (/^\d+$/.test(text)) {
        const hops = Number(text);
        if (hops <= 10) return hops;
      } else {
        const entries = text
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
        if (entries.length > 0 && entries.every(isTrustedRange)) return entries;
      }
      ctx.addIssue({
        code: 'custom',
        message:
          "a number of hops from 0 to 10, or the proxies' addresses: IPs, CIDRs, loopback, linklocal, uniquelocal, comma-separated",
      });
      return z.NEVER;
    });

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  PORT: int(3000, 0, 65535),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATA_DIR: z.string().default('data'),

  // Unset (or empty: `MONGODB_URI=` in a compose or env file): the embedded database.
  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, 'a mongodb:// or mongodb+srv:// URI')
    .optional(),
  DB_SERVER_SELECTION_TIMEOUT_MS: ms(1500, 100, 60_000),

  JWT_SECRET: z.string().optional(),
  JWT_ISSUER: z.string().default('sigmagpt-api'),
  JWT_AUDIENCE: z.string().default('sigmagpt-clients'),
  ACCESS_TOKEN_TTL_SECONDS: int(900, 10, 900),
  REFRESH_TOKEN_TTL_DAYS: int(30, 1, 365),
  REFRESH_GRACE_SECONDS: int(10, 0, 60),
  MAX_SESSIONS_PER_USER: int(100, 1, 100_000),
  BCRYPT_COST: wholeNumber(10, 15).optional(),
  BCRYPT_MAX_CONCURRENCY: int(2, 1, 64),
  BCRYPT_MAX_QUEUE: int(16, 0, 10_000),
  PASSWORD_CHECKS_PER_ADDRESS: int(4, 1, 10_000),

  CORS_ORIGINS: list('http://localhost:5173,http://localhost:3000').refine(
    (origins) => origins.every(isOrigin),
    'origins as browsers send them: scheme://host[:port], no path or trailing slash',
  ),
  TRUST_PROXY: trustProxy(),
  // Every body within the text limits, however the client escapes them: JSON encoders that write
  // each non-ASCII character as `\uXXXX` (Python's json.dumps, `requests`' json=) take 12 bytes for
  // a character past U+FFFF. The largest is a new chat's: 12 × (MAX_MESSAGE_CHARS 16000 +
  // MAX_SYSTEM_PROMPT_CHARS 8000 + MAX_TITLE_CHARS 200 + a model id's 200) = 292,800 bytes.
  BODY_LIMIT: size('300kb'),
  // POST /api/chats/import alone: a chat's export holds every message of every branch, far past
  // BODY_LIMIT (a few long replies pass it). Read only once the caller is authenticated.
  IMPORT_BODY_LIMIT: size('20mb'),
  // Imports one process runs at once, whoever sends them: each holds its parsed file (several
  // times IMPORT_BODY_LIMIT as objects), blocks the event loop while parsing and checking it, and
  // keeps the database writing its batches.
  IMPORTS_PER_INSTANCE: int(2, 1, 1000),
  DOCS_ENABLED: z
    .enum(['true', 'false', '1', '0'])
    .optional()
    .transform((v) => (v === undefined ? undefined : v === 'true' || v === '1')),

  LOGIN_LIMIT_PER_ACCOUNT: int(10, 1),
  LOGIN_LIMIT_PER_IP: int(50, 1),
  LOGIN_WINDOW_SECONDS: int(900, 1),
  PASSWORD_CHECKS_PER_IP_PER_MINUTE: int(30, 1),
  SIGNUP_LIMIT_PER_IP: int(10, 1),
  SIGNUP_WINDOW_SECONDS: int(3600, 1),
  RATE_LIMITS_ENABLED: bool(true),

  OPENAI_API_KEY: z.string().optional(),
  OPENAI_BASE_URL: httpUrl('https://api.openai.com/v1'),
  MODELS: list(''),
  DEFAULT_MODEL: z.string().optional(),
  UPSTREAM_TIMEOUT_MS: ms(120_000, 100),
  UPSTREAM_IDLE_TIMEOUT_MS: ms(30_000, 50),
  MAX_GENERATION_SECONDS: int(600, 1, 86_400),
  UPSTREAM_MAX_RETRIES: int(1, 0, 5),
  DEMO_CHUNK_DELAY_MS: ms(40, 0, 5000),

  MAX_MESSAGE_CHARS: int(16_000, 1),
  // A reply is one database document (16 MB at most): at 3 bytes a UTF-16 unit at worst, 3 MB.
  MAX_REPLY_CHARS: int(1_000_000, 1_000, 16_000_000),
  MAX_TITLE_CHARS: int(200, 1),
  MAX_SYSTEM_PROMPT_CHARS: int(8_000, 1),
  HISTORY_TOKEN_BUDGET: int(8_000, 100),
  MAX_TREE_MESSAGES: int(10_000, 10, 1_000_000),
  TITLES: z.enum(['on', 'off']).default('on'),
  TITLE_MODEL: z.string().optional(),
  TITLE_MAX_TOKENS: int(24, 1, 200),
  TITLE_TIMEOUT_MS: ms(10_000, 100, 120_000),
  MAX_TOKENS: int(0, 0),
  MESSAGES_PER_MINUTE: int(20, 1),
  SEARCHES_PER_MINUTE: int(30, 1),
  CHAT_WRITES_PER_MINUTE: int(30, 1),
  ACCOUNT_WRITES_PER_MINUTE: int(30, 1),
  MAX_CHATS_PER_USER: int(2_000, 1, 1_000_000),
  MAX_MESSAGES_PER_USER: int(50_000, 2),
  MAX_STORED_BYTES_PER_USER: int(50_000_000, 1),
  STORAGE_RECOUNT_SECONDS: int(60, 0, 3600),
  SEARCH_TIMEOUT_MS: ms(2_000, 1, 60_000),
  MAX_CONCURRENT_STREAMS: int(2, 1),
  MAX_READERS_PER_USER: int(20, 1, 10_000),
  SSE_PING_SECONDS: z.coerce
    .number({ error: 'a number of seconds from 0.05 to 15' })
    .min(0.05, { error: 'a number of seconds from 0.05 to 15' })
    .max(15, { error: 'a number of seconds from 0.05 to 15' })
    .default(15),
  STOP_POLL_MS: ms(500, 20, 1000),
  GENERATION_LEASE_SECONDS: int(60, 2, 3600),
  STREAM_CHECKPOINT_MS: ms(1000, 20, 60_000),
  STREAM_CHECKPOINTS_PER_SECOND: int(1000, 1),
  DETACH_GRACE_SECONDS: int(30, 0, 3600),
  RESUME_POLL_MS: ms(250, 20, 500),
  PAGE_SIZE_MAX: int(100, 1, 1000),
  // A page of messages also ends once their text passes this: PAGE_SIZE_MAX replies of up to
  // MAX_REPLY_CHARS each would make one answer of many megabytes, built whole in memory for each
  // read. The first message always goes in, so one reply larger than this is a page of its own.
  PAGE_BYTES_MAX: size('1mb'),
  UPSTREAM_MAX_SOCKETS: int(256, 1),
  SHUTDOWN_GRACE_MS: ms(10_000, 3_000),
  // How long after SIGTERM readiness fails while everything is still served, for a balancer to
  // notice before requests are refused; 0 (no balancer in front) refuses them at once.
  SHUTDOWN_DRAIN_DELAY_MS: ms(0, 0, 600_000),
  REQUEST_TIMEOUT_MS: ms(30_000, 100, 600_000),
  HEADERS_TIMEOUT_MS: ms(10_000, 100, 600_000),
  // Above 600 s too: Google Cloud's balancers keep backend connections 600 s and need it longer.
  KEEP_ALIVE_TIMEOUT_MS: ms(65_000, 1_000, 3_600_000),
  SEND_TIMEOUT_MS: ms(30_000, 1_000, 600_000),

  // Personal API keys and the OpenAI-compatible /v1 endpoint.
  API_KEY_HASH_SECRET: z.string().optional(),
  API_KEYS_PER_USER: int(20, 1, 100),
  API_KEY_LAST_USED_INTERVAL_SECONDS: int(60, 1, 86_400),
  // V1_MAX_INPUT_CHARS counts characters, 12 bytes an emoji as `\uXXXX\uXXXX`: 2.4 MB of text at
  // the default, and room for the JSON around V1_MAX_MESSAGES messages.
  V1_BODY_LIMIT: size('2.5mb'),
  V1_MAX_MESSAGES: int(500, 1, 10_000),
  V1_MAX_INPUT_CHARS: int(200_000, 1),
  TOKEN_BUDGET_PER_DAY: int(0, 0, MAX_TOKEN_BUDGET),
  SERVICE_TOKEN_BUDGET_PER_DAY: int(0, 0, MAX_TOKEN_BUDGET * 1000),
  ADMIN_EMAILS: list(''),
  METRICS_TOKEN: z
    .string()
    .optional()
    .transform((v) => v || undefined),
  METRICS_PORT: int(0, 0, 65535),
  METRICS_HOST: z.string().default('127.0.0.1'),
  DB_COMMAND_METRICS: bool(false),
});

/** Edits (insert, delete, replace one character) between two names. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i += 1) {
    const next = [i];
    for (let j = 1; j <= b.length; j += 1)
      next[j] = Math.min(
        row[j]! + 1,
        next[j - 1]! + 1,
        row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    row = next;
  }
  return row[b.length]!;
}

/**
 * Variables that look like a misspelt setting (`TOKEN_BUDGET_PERDAY`): not one of ours, but within
 * two edits of one. The environment holds many other variables, so only near misses are named.
 */
export function misspeltSettings(
  source: NodeJS.ProcessEnv = process.env,
): { name: string; setting: string }[] {
  const settings = Object.keys(envSchema.shape);
  const known = new Set(settings);
  const found: { name: string; setting: string }[] = [];
  for (const name of Object.keys(source)) {
    if (known.has(name) || name.length < 6 || !/^[A-Z0-9_]+$/.test(name)) continue;
    const setting = settings.find((s) => editDistance(name, s) <= 2);
    if (setting) found.push({ name, setting });
  }
  return found;
}

/** Reads the development JWT secret from the data folder, creating it on first use. */
function developmentSecret(dataDir: string): string {
  const file = path.join(dataDir, 'jwt-secret');
  // An empty file (a start that died between creating and writing it, a `touch`) would be an
  // empty HMAC key, with which anyone signs valid tokens: it is replaced like a missing one.
  const kept = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
  if (kept !== '') return kept;
  mkdirSync(dataDir, { recursive: true });
  const secret = randomBytes(48).toString('base64url');
  // Written whole under another name, then renamed into place: never seen half written.
  const partial = `${file}.${process.pid}`;
  writeFileSync(partial, secret, { mode: 0o600 });
  renameSync(partial, file);
  return secret;
}

export class ConfigError extends Error {}

/**
 * The variables with a value: an empty or blank one (`PORT=` in an env or compose file) is unset,
 * so it takes the default, never 0 or an empty string.
 */
const withValues = (source: NodeJS.ProcessEnv) =>
  Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v.trim() !== ''));

/**
 * The configuration from the environment. Every problem is named in one go: a bad value, and the
 * checks across values (production's secrets, DEFAULT_MODEL in MODELS …), which are made with the
 * bad values left at their defaults and do not speak of those again.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env) {
  const values = withValues(source);
  const parsed = envSchema.safeParse(values);
  const bad = new Set(parsed.error?.issues.map((i) => String(i.path[0])) ?? []);
  const valueProblems = parsed.error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
  const env =
    parsed.data ??
    envSchema.parse(Object.fromEntries(Object.entries(values).filter(([key]) => !bad.has(key))));
  const isProduction = env.NODE_ENV === 'production';
  const problems: string[] = [];
  const dataDir = path.resolve(env.DATA_DIR);

  let jwtSecret = env.JWT_SECRET;
  if (isProduction) {
    if (!jwtSecret) problems.push('JWT_SECRET: required in production');
    const secrets = { JWT_SECRET: jwtSecret, API_KEY_HASH_SECRET: env.API_KEY_HASH_SECRET };
    for (const [name, value] of Object.entries(secrets)) {
      const weakness = value ? weakSecret(value) : undefined;
      if (weakness) problems.push(`${name}: ${weakness}`);
    }
    if (!env.MONGODB_URI) problems.push('MONGODB_URI: required in production');
  }
  if (jwtSecret === undefined && !isProduction) {
    // A DATA_DIR that cannot hold the generated secret (under a file, not writable) is a bad
    // value like any other: named in the refusal, not an fs stack trace.
    try {
      jwtSecret = developmentSecret(dataDir);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? String(error);
      if (!bad.has('DATA_DIR'))
        problems.push(`DATA_DIR: cannot keep the development JWT secret in ${dataDir} (${code})`);
    }
  }
  jwtSecret ??= '';

  // Without an API key the built-in demo model answers; production has to ask for that explicitly.
  const models =
    env.MODELS.length > 0 ? env.MODELS : env.OPENAI_API_KEY ? ['gpt-4o-mini'] : ['demo'];
  const demoOnly = env.MODELS.length > 0 && env.MODELS.every((m) => m === 'demo');
  if (isProduction && !env.OPENAI_API_KEY && !demoOnly) {
    problems.push('OPENAI_API_KEY: required in production unless MODELS=demo');
  }
  const adminEmails = env.ADMIN_EMAILS.map((e) => e.toLowerCase());
  for (const email of adminEmails) {
    if (!z.email().safeParse(email).success)
      problems.push(`ADMIN_EMAILS: "${email}" is not a valid email address`);
  }
  if (env.METRICS_TOKEN !== undefined && env.METRICS_TOKEN.length < 16)
    problems.push('METRICS_TOKEN: must be at least 16 characters');
  if (env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT)
    problems.push('METRICS_PORT: must differ from PORT');
  const defaultModel = env.DEFAULT_MODEL ?? models[0]!;
  if (!models.includes(defaultModel))
    problems.push(`DEFAULT_MODEL: "${defaultModel}" is not in MODELS`);
  if (env.HEADERS_TIMEOUT_MS > env.REQUEST_TIMEOUT_MS)
    problems.push('HEADERS_TIMEOUT_MS: must not exceed REQUEST_TIMEOUT_MS');
  const names = (problem: string) => problem.match(/[A-Z][A-Z0-9_]+/g) ?? [];
  const all = [
    ...valueProblems,
    ...problems.filter((problem) => !names(problem).some((name) => bad.has(name))),
  ];
  if (all.length > 0) throw new ConfigError(`Invalid configuration:\n  ${all.join('\n  ')}`);

  return Object.freeze({
    ...env,
    isProduction,
    isTest: env.NODE_ENV === 'test',
    dataDir,
    jwtSecret,
    apiKeyHashSecret: env.API_KEY_HASH_SECRET ?? jwtSecret,
    bcryptCost: env.BCRYPT_COST ?? (isProduction ? 12 : 10),
    // The interactive reference is for development; production serves it only when asked to.
    docsEnabled: env.DOCS_ENABLED ?? !isProduction,
    models: Object.freeze(models),
    defaultModel,
    adminEmails: Object.freeze(adminEmails),
  });
}

export type Config = ReturnType<typeof loadConfig>;

/** The process-wide configuration, parsed once at first use. */
let current: Config | undefined;
export function config(): Config {
  current ??= loadConfig();
  return current;
}

/** Re-reads the environment (tests that need other limits call this before building the app). */
export function reloadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  current = loadConfig(source);
  return current;
}
