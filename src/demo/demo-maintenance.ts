import { cliClient } from '../cli/cli-client.js';
import { DAY_MS } from '../time/instant.js';
import { OUTAGE_HOURS, type DemoTimeline } from './demo-behaviour.js';
import type { DemoAccount } from './demo-setup.js';

const HOUR_MS = 3_600_000;
/** The imported weekly window covers the first three hours of the `outages` node's weekly outage: the rest still counts as down. */
const WEEKLY_WINDOW_MINUTES = 180;

/**
 * Gives the demo's first bucket maintenance both ways it comes: the
 * `outages` node's weekly window, imported by the operator as history
 * (it begins on the first outage day of the history, so it is marked
 * `imported`), and a window the demo user announces for tomorrow, all nodes.
 *
 * @example
 * await addDemoMaintenance(url, operatorToken, account, timeline, 30);
 */
export async function addDemoMaintenance(
  baseUrl: string,
  operatorToken: string,
  account: DemoAccount,
  timeline: DemoTimeline,
  historyDays: number,
): Promise<void> {
  const bucket = account.buckets[0];
  const outages = account.nodes.find((node) => node.trait === 'outages');
  if (!bucket || !outages) return;
  // Outage days are 1, 8, 15... days ago (isOutageDay): the earliest one the history holds.
  const firstOutageDaysAgo = historyDays >= 1 ? 1 + 7 * Math.floor((historyDays - 1) / 7) : 1;
  const firstOutage = (timeline.anchorDay - firstOutageDaysAgo) * DAY_MS + OUTAGE_HOURS.from * HOUR_MS;
  const operator = cliClient(baseUrl);
  operator.setAuthToken(operatorToken);
  await operator.importMaintenanceWindows({
    windows: [
      {
        bucketId: bucket.id,
        nodeIds: [outages.id],
        start: new Date(firstOutage),
        rrule: 'FREQ=WEEKLY',
        durationMinutes: WEEKLY_WINDOW_MINUTES,
        reason: 'weekly kernel patching (from the old tool)',
      },
    ],
  });
  const member = cliClient(baseUrl);
  member.setAuthToken(account.token);
  const tomorrow = (timeline.anchorDay + 1) * DAY_MS;
  await member.createMaintenanceWindow(bucket.id, {
    start: new Date(tomorrow + 3 * HOUR_MS),
    end: new Date(tomorrow + 4 * HOUR_MS),
    reason: 'storage firmware upgrade',
  });
}
