import { join } from 'node:path';

/** The service's settings, read once from the environment at start. */
export interface Config {
  port: number;
  host: string;
  dataDir: string;
  /** `sqlite:<path>` or `postgres://...` */
  databaseUrl: string;
  /** The operator's bearer token; null: generated into `$DATA_DIR/operator-token`. */
  adminToken: string | null;
  staleAfterSeconds: number;
  nodeRetentionDays: number;
  lateReportDays: number;
  /** 0 keeps raw reports forever. */
  rawRetentionDays: number;
  /** 0 turns rate limits off. */
  rateLimitPerMinute: number;
  logLevel: string;
}

/** The variables the service reads, as strings (or unset). */
export interface Env {
  PORT?: string | undefined;
  HOST?: string | undefined;
  DATA_DIR?: string | undefined;
  DATABASE_URL?: string | undefined;
  FLASHBACK_ADMIN_TOKEN?: string | undefined;
  STALE_AFTER_SECONDS?: string | undefined;
  NODE_RETENTION_DAYS?: string | undefined;
  LATE_REPORT_DAYS?: string | undefined;
  RAW_RETENTION_DAYS?: string | undefined;
  RATE_LIMIT_PER_MINUTE?: string | undefined;
  LOG_LEVEL?: string | undefined;
}

/** A setting that cannot be used; its message names the variable and what it needs. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

const NAMES: Array<keyof Env> = [
  'PORT',
  'HOST',
  'DATA_DIR',
  'DATABASE_URL',
  'FLASHBACK_ADMIN_TOKEN',
  'STALE_AFTER_SECONDS',
  'NODE_RETENTION_DAYS',
  'LATE_REPORT_DAYS',
  'RAW_RETENTION_DAYS',
  'RATE_LIMIT_PER_MINUTE',
  'LOG_LEVEL',
];

/** Picks the service's variables out of an environment (by default the process's). */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const env: Env = {};
  for (const name of NAMES) if (source[name] !== undefined && source[name] !== '') env[name] = source[name];
  return env;
}

function integer(env: Env, name: keyof Env, fallback: number, min: number, max: number): number {
  const text = env[name];
  if (text === undefined) return fallback;
  const value = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) {
    throw new ConfigError(`${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return value;
}

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/**
 * The store the service opens: `DATABASE_URL`, else the SQLite file in
 * `DATA_DIR` (not validated here: `envToConfig` does). Tools that open the
 * store themselves (`fbstats backup`) find it the same way.
 *
 * @example
 * databaseUrlOf({ DATA_DIR: '/var/lib/fbstats' }); // 'sqlite:/var/lib/fbstats/flashback.db'
 */
export function databaseUrlOf(env: Env): string {
  return env.DATABASE_URL ?? `sqlite:${join(env.DATA_DIR ?? './data', 'flashback.db')}`;
}

/**
 * Validates the environment into a `Config`, with api.md's defaults.
 * Throws `ConfigError` on the first unusable value.
 *
 * @example
 * const config = envToConfig(readEnv());
 */
export function envToConfig(env: Env): Config {
  const dataDir = env.DATA_DIR ?? './data';
  const databaseUrl = databaseUrlOf(env);
  if (!/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must be sqlite:<path> or postgres://..., got ${JSON.stringify(databaseUrl)}`);
  }
  const adminToken = env.FLASHBACK_ADMIN_TOKEN ?? null;
  if (adminToken !== null && adminToken.length < 16) {
    throw new ConfigError('FLASHBACK_ADMIN_TOKEN must be at least 16 characters long');
  }
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  return {
    port: integer(env, 'PORT', 3000, 0, 65_535),
    host: env.HOST ?? '127.0.0.1',
    dataDir,
    databaseUrl,
    adminToken,
    staleAfterSeconds: integer(env, 'STALE_AFTER_SECONDS', 180, 1, 86_400 * 7),
    nodeRetentionDays: integer(env, 'NODE_RETENTION_DAYS', 7, 0, 3650),
    lateReportDays: integer(env, 'LATE_REPORT_DAYS', 7, 0, 3650),
    rawRetentionDays: integer(env, 'RAW_RETENTION_DAYS', 0, 0, 36_500),
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 6000, 0, 100_000_000),
    logLevel,
  };
}

/**
 * Runs `read` and, on a `ConfigError`, prints its one line and exits 1: a
 * bad setting stops a process with a message, not a stack trace.
 *
 * @example
 * const config = exitOnConfigError(() => envToConfig(readEnv()));
 */
export function exitOnConfigError<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`configuration error: ${error.message}\n`);
      process.exit(1);
    }
    throw error;
  }
}
