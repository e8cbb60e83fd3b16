import { z } from 'zod';

/** The development key-encryption key: fine on a laptop, refused in production. */
export const DEV_KEY_ENCRYPTION_KEY = Buffer.alloc(32, 'tally-dev-key-encryption-key!!!!').toString('base64');

const port = z.coerce.number().int().min(1).max(65535);
const positiveInt = z.coerce.number().int().positive();
const url = (protocols: string[]) =>
  z
    .string()
    .url()
    .refine((v) => protocols.includes(new URL(v).protocol), {
      message: `must be a ${protocols.join(' or ')} URL`,
    });
const optionalUrl = z.preprocess((v) => (v === '' ? undefined : v), url(['http:', 'https:']).optional());

const shape = {
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: url(['postgresql:', 'postgres:']).default('postgresql://postgres@127.0.0.1:5432/tally'),
  REDIS_URL: url(['redis:', 'rediss:']).default('redis://127.0.0.1:6379'),
  /** Key prefix for every BullMQ key: lets test runs and deployments share one Redis. */
  REDIS_PREFIX: z
    .string()
    .regex(/^[\w.-]{1,64}$/, 'must be 1-64 letters, digits, dots, dashes or underscores')
    .default('tally'),
  PORT: port.default(3000),
  WORKER_METRICS_PORT: port.default(9464),
  OIDC_ISSUER_URL: url(['http:', 'https:'])
    .refine((v) => !v.endsWith('/'), { message: 'must not end with a slash' })
    .default('http://127.0.0.1:3000'),
  OIDC_AUDIENCE: z.string().min(1).max(255).default('sts.amazonaws.com'),
  KEY_ENCRYPTION_KEY: z
    .string()
    .refine((v) => Buffer.from(v, 'base64').length === 32 && /^[A-Za-z0-9+/]+=*$/.test(v), {
      message: 'must be 32 bytes, base64-encoded (openssl rand -base64 32)',
    })
    .optional(),
  ADMIN_API_KEY: z
    .string()
    .regex(/^tly_[A-Za-z0-9_-]{43,}$/, 'must look like tly_ followed by at least 43 base64url characters')
    .optional(),
  AWS_REGION: z
    .string()
    .regex(/^[a-z]{2}(-gov)?-[a-z]+-\d$/, 'must be an AWS region such as us-east-1')
    .default('us-east-1'),
  CFN_TEMPLATE_BASE_URL: optionalUrl,
  AWS_ENDPOINT_URL_STS: optionalUrl,
  AWS_ENDPOINT_URL_CLOUDCONTROL: optionalUrl,
  AWS_ENDPOINT_URL_ORGANIZATIONS: optionalUrl,
  AWS_ENDPOINT_URL_SQS: optionalUrl,
  AWS_ENDPOINT_URL_EVENTBRIDGE: optionalUrl,
  AWS_ENDPOINT_URL_CLOUDTRAIL: optionalUrl,
  /** How long a signing key stays active before the scheduled rotation. */
  SIGNING_KEY_ROTATION_DAYS: positiveInt.max(365).default(30),
  STS_DURATION_SECONDS: z.coerce.number().int().min(900).max(43200).default(3600),
  /** Jobs one worker process runs at once, and at most per (account, region). */
  SYNC_CONCURRENCY: positiveInt.max(2048).default(512),
  SYNC_ACCOUNT_REGION_CONCURRENCY: positiveInt.max(64).default(8),
  /**
   * Cloud Control calls per second per (account, region): where the pacer starts, and its ceiling. In
   * between it finds the account's actual limit from AWS's throttling answers.
   */
  SYNC_CALL_RATE_INITIAL: z.coerce.number().positive().max(1000).default(5),
  SYNC_CALL_RATE_MAX: z.coerce.number().positive().max(1000).default(100),
  /** Tries of one sync task before it fails alone (the run ends partial), and the first retry's delay (doubling). */
  SYNC_TASK_ATTEMPTS: positiveInt.max(20).default(5),
  SYNC_TASK_BACKOFF_MS: positiveInt.max(600_000).default(5000),
  /** A sync job's lock: a crashed worker's jobs (and its per-region slots) are taken over after this long. */
  SYNC_LOCK_DURATION_MS: positiveInt.min(1000).max(600_000).default(30_000),
  /**
   * A running run that made no progress (no task started, wrote a page or ended) for this long ends
   * `failed` with the reason, so its connection syncs again on schedule. Fractions allowed (tests).
   */
  SYNC_RUN_STALL_MINUTES: z.coerce.number().min(0.1).max(1440).default(30),
  SCHEDULER_INTERVAL_SECONDS: positiveInt.max(3600).default(15),
  SCHEDULER_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Live events: this worker consumes the queues of live connections (one consumer each across workers). */
  LIVE_EVENTS_ENABLED: z
    .enum(['true', 'false'])
    .default('true')
    .transform((v) => v === 'true'),
  /** Connections one worker process consumes at most. */
  LIVE_EVENTS_MAX_STREAMS: positiveInt.max(100_000).default(1000),
  /** A consumer's lease: another worker takes a dead worker's connections over after this long. */
  LIVE_EVENTS_LEASE_MS: positiveInt.min(1000).max(600_000).default(30_000),
  /** SQS long poll (seconds, AWS allows 0-20). */
  LIVE_EVENTS_WAIT_SECONDS: z.coerce.number().int().min(0).max(20).default(20),
  /** A refresh waits this long for more events about the same resource (one GetResource per burst). */
  LIVE_EVENTS_DEBOUNCE_MS: z.coerce.number().int().min(0).max(60_000).default(1000),
  /** Changes older than this are removed from the feed; a cursor before them is expired (410). */
  CHANGE_RETENTION_DAYS: positiveInt.max(3650).default(30),
  /**
   * Destinations may reach private, loopback and link-local addresses (tests, the demo, self-hosting).
   * Off by default: a hosted service POSTing to customer URLs must not reach its own network.
   */
  DESTINATIONS_ALLOW_PRIVATE_NETWORKS: z
    .enum(['true', 'false'])
    .default('false')
    .transform((v) => v === 'true'),
  /** One delivery request's limit (connect to last byte), and the changes sent per batch. */
  DELIVERY_TIMEOUT_MS: positiveInt.min(100).max(120_000).default(10_000),
  DELIVERY_BATCH_SIZE: positiveInt.max(1000).default(100),
  /** Destinations one worker process delivers to at once. */
  DELIVERY_CONCURRENCY: positiveInt.max(1024).default(64),
  /** First retry delay (doubling, with jitter) and its ceiling. */
  DELIVERY_BACKOFF_MS: positiveInt.max(600_000).default(1000),
  DELIVERY_BACKOFF_MAX_MS: positiveInt.max(86_400_000).default(300_000),
  /** Consecutive failed attempts before a destination is `failing`, then `paused` (its backlog kept). */
  DELIVERY_FAILING_AFTER: positiveInt.max(1000).default(3),
  DELIVERY_PAUSE_AFTER: positiveInt.max(10_000).default(20),
  /** After a webhook secret rotation, how long the previous secret still signs. */
  WEBHOOK_SECRET_OVERLAP_HOURS: positiveInt.max(720).default(24),
  /** API requests one key may make per minute. */
  RATE_LIMIT_PER_MINUTE: positiveInt.default(600),
  /** On SIGTERM: how long /readyz answers 503 before the api stops accepting (lets load balancers notice). */
  SHUTDOWN_DELAY_MS: z.coerce.number().int().min(0).max(60_000).default(5000),
  /** On SIGTERM: the most a process waits for in-flight requests / active jobs before it exits anyway. */
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).max(600_000).default(25_000),
};

const schema = z.object(shape).superRefine((env, ctx) => {
  if (env.SYNC_CALL_RATE_INITIAL > env.SYNC_CALL_RATE_MAX) {
    ctx.addIssue({
      code: 'custom',
      path: ['SYNC_CALL_RATE_INITIAL'],
      message: `must not exceed SYNC_CALL_RATE_MAX (${env.SYNC_CALL_RATE_MAX})`,
    });
  }
  if (env.DELIVERY_FAILING_AFTER > env.DELIVERY_PAUSE_AFTER) {
    ctx.addIssue({
      code: 'custom',
      path: ['DELIVERY_FAILING_AFTER'],
      message: `must not exceed DELIVERY_PAUSE_AFTER (${env.DELIVERY_PAUSE_AFTER})`,
    });
  }
  if (env.NODE_ENV !== 'production') return;
  if (!env.KEY_ENCRYPTION_KEY || env.KEY_ENCRYPTION_KEY === DEV_KEY_ENCRYPTION_KEY) {
    ctx.addIssue({
      code: 'custom',
      path: ['KEY_ENCRYPTION_KEY'],
      message: 'is required in production and must not be the development key',
    });
  }
  if (!env.OIDC_ISSUER_URL.startsWith('https://')) {
    ctx.addIssue({ code: 'custom', path: ['OIDC_ISSUER_URL'], message: 'must be https in production' });
  }
});

type Env = z.infer<typeof schema>;

/** The validated configuration; `keyEncryptionKey` is the decoded KEY_ENCRYPTION_KEY (or the dev key). */
export type AppConfig = Env & { keyEncryptionKey: Buffer; usingDevKey: boolean };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and validates the environment. Throws one ConfigError naming every bad variable. */
export function parseConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const picked = Object.fromEntries(Object.keys(shape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const result = schema.safeParse(picked);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((i) => {
        const name = String(i.path[0] ?? 'environment');
        const got = env[name] === undefined ? 'missing' : 'invalid';
        return `${name} (${got}): ${i.message}`;
      }),
    );
  }
  const usingDevKey = !result.data.KEY_ENCRYPTION_KEY;
  const keyEncryptionKey = Buffer.from(result.data.KEY_ENCRYPTION_KEY ?? DEV_KEY_ENCRYPTION_KEY, 'base64');
  return { ...result.data, keyEncryptionKey, usingDevKey };
}

/**
 * Loads the configuration once at process start. On bad input it prints the single message
 * and exits 1: a half-configured process must not start.
 */
export function loadConfigOrExit(env: NodeJS.ProcessEnv = process.env): AppConfig {
  try {
    const config = parseConfig(env);
    if (config.usingDevKey) {
      process.stderr.write('warning: KEY_ENCRYPTION_KEY is not set; using the development key\n');
    }
    return config;
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exit(1);
  }
}

/** The configuration with secrets replaced, for the one start-up log line. */
export function redactedConfig(config: AppConfig): Record<string, unknown> {
  const {
    keyEncryptionKey: _k,
    KEY_ENCRYPTION_KEY,
    ADMIN_API_KEY,
    DATABASE_URL,
    REDIS_URL,
    ...rest
  } = config;
  const hidePassword = (u: string) => u.replace(/\/\/([^:/@]+):[^@]+@/, '//$1:[redacted]@');
  return {
    ...rest,
    DATABASE_URL: hidePassword(DATABASE_URL),
    REDIS_URL: hidePassword(REDIS_URL),
    KEY_ENCRYPTION_KEY: KEY_ENCRYPTION_KEY ? '[redacted]' : '(development key)',
    ADMIN_API_KEY: ADMIN_API_KEY ? '[redacted]' : undefined,
  };
}
