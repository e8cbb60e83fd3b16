import pino, { type LoggerOptions } from 'pino';

/**
 * Paths that must never reach a log line. pino censors them wherever they appear at these depths;
 * keep the list generous: a secret in a log is a breach.
 */
const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'headers.authorization',
  'authorization',
  'token',
  'apiKey',
  'key',
  'secret',
  'password',
  'credentials',
  'accessKeyId',
  'secretAccessKey',
  'sessionToken',
  'WebIdentityToken',
  'privateKey',
  '*.token',
  '*.apiKey',
  '*.secret',
  '*.password',
  '*.credentials',
  '*.accessKeyId',
  '*.secretAccessKey',
  '*.sessionToken',
  '*.SecretAccessKey',
  '*.SessionToken',
  '*.WebIdentityToken',
  '*.privateKey',
  '*.webIdentityToken',
];

/** Options shared by every process's pino logger. */
export function loggerOptions(level = process.env.LOG_LEVEL ?? 'info'): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    base: { pid: process.pid },
    timestamp: pino.stdTimeFunctions.isoTime,
  };
}
