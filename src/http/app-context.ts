import type { AlertService } from '../alerts/alert-service.js';
import type { Clock } from '../time/clock.js';
import type { Config } from '../config/config.js';
import type { StatsSettings } from '../stats/bucket-day-stats.js';
import type { ServiceStore } from '../ingest/service-store.js';
import type { CallerBudgets } from './caller-budgets.js';
import type { CredentialLookups } from './credential-lookups.js';
import type { StatsAnswerCache } from './stats-answer-cache.js';

/** What every route plugin is handed: the store, the clock, the settings, and the caches and budgets of the HTTP layer. */
export interface AppContext {
  store: ServiceStore;
  clock: Clock;
  config: Config;
  stats: StatsSettings;
  answers: StatsAnswerCache;
  /** Token and node lookups for authentication. */
  credentials: CredentialLookups;
  /** Told when a signed node request's signature holds. */
  budgets: CallerBudgets;
  /** Alerts: raised from reports and sweeps, delivered from the outbox. */
  alerts: AlertService;
}
