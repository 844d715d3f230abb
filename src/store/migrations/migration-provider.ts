import type { Migration, MigrationProvider } from 'kysely';
import * as initialSchema from './001-initial-schema.js';
import * as sqliteClusteredReports from './002-sqlite-clustered-reports.js';
import * as postgresDayPartitions from './003-postgres-day-partitions.js';
import * as recentReports from './004-recent-reports.js';
import * as deletedSeries from './005-deleted-series.js';
import * as maintenanceWindows from './006-maintenance-windows.js';
import * as slaRollups from './007-sla-rollups.js';
import * as alerts from './008-alerts.js';
import * as rollupDetails from './009-rollup-details.js';
import * as sqliteDetailQueue from './010-sqlite-detail-queue.js';

/**
 * The numbered migrations, listed in code rather than read from a folder so
 * that they work the same from `src/` (tsx) and `dist/` (compiled).
 */
export const migrationProvider: MigrationProvider = {
  getMigrations: async (): Promise<Record<string, Migration>> => ({
    '001-initial-schema': initialSchema,
    '002-sqlite-clustered-reports': sqliteClusteredReports,
    '003-postgres-day-partitions': postgresDayPartitions,
    '004-recent-reports': recentReports,
    '005-deleted-series': deletedSeries,
    '006-maintenance-windows': maintenanceWindows,
    '007-sla-rollups': slaRollups,
    '008-alerts': alerts,
    '009-rollup-details': rollupDetails,
    '010-sqlite-detail-queue': sqliteDetailQueue,
  }),
};
