import type { Kysely } from 'kysely';
import type { NodeProfile, SeriesDay, StatsSource } from '../stats/bucket-day-stats.js';
import type { Report } from '../stats/node-status.js';
import type { Database } from './database-schema.js';
import { reportFromRow, summaryFromRow } from './rollup-rows.js';
import type { NodeStore } from './node-store.js';
import { BucketSpanCache } from './bucket-span-cache.js';
import type { StoreEvents } from './store-events.js';

/**
 * The reads behind the stats call, on either store. The rollups of the days
 * before the day asked change only with late reports, so they are kept
 * (`BucketSpanCache`) and a current-day answer reads one row per node.
 */
export class StatsStore implements StatsSource {
  private readonly earlierDays: BucketSpanCache<SeriesDay[]>;

  constructor(
    private readonly db: Kysely<Database>,
    private readonly nodes: NodeStore,
    events: StoreEvents,
  ) {
    this.earlierDays = new BucketSpanCache(events, { dropOnNodeChange: false, maxEntries: 2_000 });
  }

  async seriesDays(bucketId: string, fromDay: number, toDay: number): Promise<SeriesDay[]> {
    if (fromDay >= toDay) return this.readSeriesDays(bucketId, fromDay, toDay);
    const generation = this.earlierDays.generation(bucketId);
    let earlier = this.earlierDays.get(bucketId, fromDay, toDay - 1);
    if (!earlier) {
      earlier = await this.readSeriesDays(bucketId, fromDay, toDay - 1);
      this.earlierDays.set(bucketId, fromDay, toDay - 1, earlier, generation);
    }
    return [...earlier, ...(await this.readSeriesDays(bucketId, toDay, toDay))];
  }

  private async readSeriesDays(bucketId: string, fromDay: number, toDay: number): Promise<SeriesDay[]> {
    const rows = await this.db
      .selectFrom('series as s')
      .innerJoin('daily_rollups as r', 'r.series_id', 's.id')
      .select(['s.node_id', 's.first_at as series_first_at'])
      .selectAll('r')
      .where('s.bucket_id', '=', bucketId)
      .where('r.day', '>=', fromDay)
      .where('r.day', '<=', toDay)
      .execute();
    return rows.map((row) => ({
      seriesId: row.series_id,
      nodeId: row.node_id,
      firstAt: row.series_first_at,
      day: row.day,
      summary: summaryFromRow(row),
    }));
  }

  async seriesReports(seriesId: number, from: number, to: number): Promise<Report[]> {
    const rows = await this.db
      .selectFrom('reports')
      .select(['at', 'status', 'latency_ms'])
      .where('series_id', '=', seriesId)
      .where('at', '>=', from)
      .where('at', '<', to)
      .orderBy('at')
      .execute();
    return rows.map(reportFromRow);
  }

  nodeProfiles(nodeIds: readonly string[], asOf: number): Promise<Map<string, NodeProfile>> {
    return this.nodes.profiles(nodeIds, asOf);
  }
}
