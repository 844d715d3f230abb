import { join } from 'node:path';
import { ENV_NAMES, envValue, type DefaultedEnvName, type Env } from './env-variables.js';

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
  alerts: AlertSettings;
}

/** How alerts are raised and delivered (spec/alerts.md); the timings are settings so that tests can shorten them. */
export interface AlertSettings {
  /** `ALERT_ALLOW_PRIVATE_TARGETS=1`: channel URLs may point at loopback, private or link-local addresses. */
  allowPrivateTargets: boolean;
  /** `SMTP_URL`, e.g. `smtp://mail.example.com:587`; null: email channels are refused. */
  smtpUrl: string | null;
  /** `SMTP_FROM`: the sender of alert emails. */
  smtpFrom: string;
  /** `DASHBOARD_URL`: the dashboard's address, for the links in alerts. */
  dashboardUrl: string;
  /** `ALERT_TIMEOUT_MS`: how long one try may take (10 s). */
  timeoutMs: number;
  /** `ALERT_RETRY_BASE_MS` and `ALERT_RETRY_MAX_MS`: the backoff between tries, 10 s doubling up to 1 h, with jitter. */
  retryBaseMs: number;
  retryMaxMs: number;
  /** `ALERT_GIVE_UP_MS`: after this long since the event, a delivery is given up (24 h). */
  giveUpAfterMs: number;
  /** `ALERT_SWEEP_MS`: how often silent nodes and hold-downs are looked at (2 s; a silent node is noticed within 10 s). */
  sweepIntervalMs: number;
}

/** A setting that cannot be used; its message names the variable and what it needs. */
export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** Picks the service's variables out of an environment (by default the process's). */
export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const env: Env = {};
  for (const name of ENV_NAMES) if (source[name] !== undefined && source[name] !== '') env[name] = source[name];
  return env;
}

/** A whole number from `min` to `max`: the variable's value, or its default (see `ENV_VARIABLES`). */
function integer(env: Env, name: DefaultedEnvName, min: number, max: number): number {
  const text = envValue(env, name);
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
  return env.DATABASE_URL ?? `sqlite:${join(envValue(env, 'DATA_DIR'), 'flashback.db')}`;
}

/**
 * Validates the environment into a `Config`, with api.md's defaults.
 * Throws `ConfigError` on the first unusable value.
 *
 * @example
 * const config = envToConfig(readEnv());
 */
export function envToConfig(env: Env): Config {
  const dataDir = envValue(env, 'DATA_DIR');
  const databaseUrl = databaseUrlOf(env);
  if (!/^(sqlite:.+|postgres(ql)?:\/\/.+)$/.test(databaseUrl)) {
    throw new ConfigError(`DATABASE_URL must be sqlite:<path> or postgres://..., got ${JSON.stringify(databaseUrl)}`);
  }
  const adminToken = env.FLASHBACK_ADMIN_TOKEN ?? null;
  if (adminToken !== null && adminToken.length < 16) {
    throw new ConfigError('FLASHBACK_ADMIN_TOKEN must be at least 16 characters long');
  }
  const logLevel = envValue(env, 'LOG_LEVEL');
  if (!LOG_LEVELS.includes(logLevel)) throw new ConfigError(`LOG_LEVEL must be one of ${LOG_LEVELS.join(', ')}`);
  return {
    port: integer(env, 'PORT', 0, 65_535),
    host: envValue(env, 'HOST'),
    dataDir,
    databaseUrl,
    adminToken,
    staleAfterSeconds: integer(env, 'STALE_AFTER_SECONDS', 1, 86_400 * 7),
    nodeRetentionDays: integer(env, 'NODE_RETENTION_DAYS', 0, 3650),
    lateReportDays: integer(env, 'LATE_REPORT_DAYS', 0, 3650),
    rawRetentionDays: integer(env, 'RAW_RETENTION_DAYS', 0, 36_500),
    rateLimitPerMinute: integer(env, 'RATE_LIMIT_PER_MINUTE', 0, 100_000_000),
    logLevel,
    alerts: alertSettings(env),
  };
}

function alertSettings(env: Env): AlertSettings {
  const allow = envValue(env, 'ALERT_ALLOW_PRIVATE_TARGETS');
  if (allow !== '0' && allow !== '1') throw new ConfigError('ALERT_ALLOW_PRIVATE_TARGETS must be 0 or 1');
  const smtpUrl = env.SMTP_URL ?? null;
  if (smtpUrl !== null && !/^smtps?:\/\/[^/]+/.test(smtpUrl)) {
    throw new ConfigError('SMTP_URL must be smtp://host[:port] or smtps://host[:port]');
  }
  const dashboardUrl = envValue(env, 'DASHBOARD_URL');
  if (!/^https?:\/\/[^/]+/.test(dashboardUrl)) throw new ConfigError('DASHBOARD_URL must be an http or https URL');
  const retryBaseMs = integer(env, 'ALERT_RETRY_BASE_MS', 1, 3_600_000);
  return {
    allowPrivateTargets: allow === '1',
    smtpUrl,
    smtpFrom: envValue(env, 'SMTP_FROM'),
    dashboardUrl: dashboardUrl.endsWith('/') ? dashboardUrl : `${dashboardUrl}/`,
    timeoutMs: integer(env, 'ALERT_TIMEOUT_MS', 1, 600_000),
    retryBaseMs,
    retryMaxMs: integer(env, 'ALERT_RETRY_MAX_MS', retryBaseMs, 86_400_000),
    giveUpAfterMs: integer(env, 'ALERT_GIVE_UP_MS', 1, 30 * 86_400_000),
    sweepIntervalMs: integer(env, 'ALERT_SWEEP_MS', 10, 10_000),
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
