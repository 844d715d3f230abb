/** One environment variable the service reads. */
export interface EnvVariable {
  /** The value an unset variable takes, read as if it had been set to it. */
  default?: string;
  /** What leaving it unset means where that is no single value (the README's default column). */
  unset?: string;
  /** What it sets, as the README's configuration table says it. */
  doc: string;
}

/**
 * Every variable the service reads, with its default and meaning: the one
 * list from which `Env`, `readEnv` and the defaults of `envToConfig` come,
 * and which the README's configuration table must match (test/config-table.test.ts).
 *
 * @example
 * ENV_VARIABLES.PORT.default; // '3000'
 */
export const ENV_VARIABLES = {
  PORT: { default: '3000', doc: 'HTTP port' },
  HOST: { default: '127.0.0.1', doc: 'listen address' },
  DATA_DIR: { default: './data', doc: 'where the embedded store and the generated operator token live' },
  DATABASE_URL: {
    unset: '`sqlite:$DATA_DIR/flashback.db`',
    doc: '`sqlite:<path>` for the embedded store, `postgres://...` for PostgreSQL',
  },
  FLASHBACK_ADMIN_TOKEN: { unset: 'unset (generated)', doc: "the operator's bearer token, at least 16 characters" },
  STALE_AFTER_SECONDS: { default: '180', doc: "how long one report's status stays true without a newer one" },
  NODE_RETENTION_DAYS: { default: '7', doc: 'how long a silent node keeps being listed for a bucket' },
  LATE_REPORT_DAYS: { default: '7', doc: 'oldest `createdAt` a node may still send' },
  RAW_RETENTION_DAYS: {
    default: '0',
    doc: 'raw reports older than this are dropped (rollups stay) and refused; 0 keeps them forever',
  },
  RATE_LIMIT_PER_MINUTE: {
    default: '6000',
    doc: 'requests per minute per token, node or client address; 0 turns limits off',
  },
  LOG_LEVEL: { default: 'info', doc: '`fatal`, `error`, `warn`, `info`, `debug`, `trace` or `silent`' },
  ALERT_ALLOW_PRIVATE_TARGETS: {
    default: '0',
    doc: '1: alert channel URLs may point at loopback, private or link-local addresses',
  },
  SMTP_URL: {
    unset: 'unset (email channels are refused)',
    doc: '`smtp://host:port` (or `smtps://`) for email alert channels',
  },
  SMTP_FROM: { default: 'alerts@flashback.invalid', doc: 'sender of alert emails' },
  DASHBOARD_URL: { default: 'http://127.0.0.1:3000/', doc: "the dashboard's address, for the links in alerts" },
  ALERT_TIMEOUT_MS: { default: '10000', doc: 'how long one delivery try may take' },
  ALERT_RETRY_BASE_MS: {
    default: '10000',
    doc: 'first backoff between tries; it doubles (±25 % jitter) up to `ALERT_RETRY_MAX_MS`',
  },
  ALERT_RETRY_MAX_MS: { default: '3600000', doc: 'longest backoff between tries' },
  ALERT_GIVE_UP_MS: { default: '86400000', doc: 'a delivery not done this long after its event is `gave_up`' },
  ALERT_SWEEP_MS: { default: '2000', doc: 'how often silent nodes, hold-downs and `uptime.below` are looked at' },
} as const satisfies Record<string, EnvVariable>;

/** The name of a variable the service reads. */
export type EnvName = keyof typeof ENV_VARIABLES;

/** The variables the service reads, as strings (or unset). */
export type Env = { [Name in EnvName]?: string | undefined };

/** The names of `ENV_VARIABLES`, in the order of the list. */
export const ENV_NAMES = Object.keys(ENV_VARIABLES) as EnvName[];

/** The variables that have a default value. */
export type DefaultedEnvName = {
  [Name in EnvName]: (typeof ENV_VARIABLES)[Name] extends { default: string } ? Name : never;
}[EnvName];

/**
 * The variable's value in `env`, or its default; undefined when it is unset and has none.
 *
 * @example
 * envValue({}, 'LOG_LEVEL'); // 'info'
 */
export function envValue(env: Env, name: DefaultedEnvName): string;
export function envValue(env: Env, name: EnvName): string | undefined;
export function envValue(env: Env, name: EnvName): string | undefined {
  const variable: EnvVariable = ENV_VARIABLES[name];
  return env[name] ?? variable.default;
}
