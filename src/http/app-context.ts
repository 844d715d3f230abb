import type { Clock } from '../clock.js';
import type { Config } from '../config/config.js';
import type { StatsSettings } from '../stats/bucket-day-stats.js';
import type { Store } from '../store/store.js';
import type { StatsAnswerCache } from './stats-answer-cache.js';

/** What every route plugin is handed: the store, the clock and the settings. */
export interface AppContext {
  store: Store;
  clock: Clock;
  config: Config;
  stats: StatsSettings;
  answers: StatsAnswerCache;
}
