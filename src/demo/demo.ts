import { ConfigError, envToConfig, exitOnConfigError, readEnv, type Config } from '../config/config.js';
import { formatDemoBanner, type BannerSettings } from './demo-banner.js';
import { startDemo, type DemoHandle } from './start-demo.js';

// `npm run demo`: the service with a simulated fleet, for a look at the
// dashboard and the API without a single real bridge node. It reads PORT,
// HOST, DATABASE_URL, FLASHBACK_ADMIN_TOKEN and LOG_LEVEL like the service,
// and DEMO_HISTORY_DAYS (default 30); everything else is the demo's own.

/** The demo's own directory, emptied at each start. */
const DATA_DIR = './data/demo';

/** One report a minute: 30 days import in about 20 s on two cores (STALE_AFTER_SECONDS would not allow more than 3 min). */
const HISTORY_STEP_MS = 60_000;
const LIVE_INTERVAL_MS = 5_000;

const say = (line: string): void => void process.stdout.write(`${line}\n`);

interface DemoSettings {
  config: Config;
  databaseUrl: string | undefined;
  banner: BannerSettings;
}

function historyDays(text: string | undefined): number {
  if (text === undefined || text === '') return 30;
  const days = /^\d+$/.test(text) ? Number(text) : NaN;
  if (!(days >= 1 && days <= 365))
    throw new ConfigError(`DEMO_HISTORY_DAYS must be a whole number from 1 to 365, got ${JSON.stringify(text)}`);
  return days;
}

function loadSettings(): DemoSettings {
  const env = readEnv();
  return exitOnConfigError(() => ({
    // Only what the demo takes from the service's settings; the rest are the demo's own.
    config: envToConfig({
      DATA_DIR,
      PORT: env.PORT,
      HOST: env.HOST,
      DATABASE_URL: env.DATABASE_URL,
      FLASHBACK_ADMIN_TOKEN: env.FLASHBACK_ADMIN_TOKEN,
      LOG_LEVEL: env.LOG_LEVEL,
    }),
    databaseUrl: env.DATABASE_URL,
    banner: {
      historyDays: historyDays(process.env.DEMO_HISTORY_DAYS),
      historyStepMs: HISTORY_STEP_MS,
      liveIntervalMs: LIVE_INTERVAL_MS,
    },
  }));
}

async function main(): Promise<void> {
  const { config, databaseUrl, banner } = loadSettings();
  const starting = new AbortController();
  let demo: DemoHandle | undefined;
  let stopping = false;

  const shutdown = (signal: NodeJS.Signals): void => {
    if (stopping) {
      // A second Ctrl-C: the person does not want to wait for a clean stop.
      process.exit(130);
    }
    stopping = true;
    say(`${signal}: stopping the demo`);
    // While starting, startDemo itself undoes what it started, then rejects.
    if (!demo) return starting.abort(new Error(`stopped by ${signal}`));
    demo.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`the demo did not stop cleanly: ${(error as Error).message}\n`);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);

  say(`starting the demo on ${databaseUrl ? 'DATABASE_URL' : `a fresh store in ${DATA_DIR}`} ...`);
  try {
    demo = await startDemo({
      dataDir: DATA_DIR,
      ...(databaseUrl && { databaseUrl }),
      port: config.port,
      host: config.host,
      adminToken: config.adminToken,
      ...banner,
      logLevel: process.env.LOG_LEVEL ? config.logLevel : 'warn',
      log: say,
      signal: starting.signal,
    });
  } catch (error) {
    if (starting.signal.aborted) process.exit(0);
    process.stderr.write(`the demo could not start: ${(error as Error).message}\n`);
    process.exit(1);
  }
  // A signal during the last step of the start came too late to abort it.
  if (starting.signal.aborted) {
    await demo.stop();
    process.exit(0);
  }
  process.stdout.write(formatDemoBanner(demo, banner, new Date()));
}

main().catch((error: unknown) => {
  process.stderr.write(`the demo failed: ${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
