import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { dailyInfoOf } from '../src/http/node-stats-answer.js';
import { bucketDayStats } from '../src/stats/bucket-day-stats.js';
import { DAY_MS, dayOf } from '../src/time/instant.js';
import { createNode, dayStats, importReports, stage } from './helpers/fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

const NOW = Date.parse('2024-03-20T12:00:00.000Z');
const iso = (at: number): string => new Date(at).toISOString();

for (const kind of STORE_KINDS) {
  describe(`kept answers of the current day follow the clock (${kind})`, () => {
    let t: TestApp;
    before(async () => {
      t = await startTestApp(kind, { now: iso(NOW) });
    });
    after(() => t.close());

    it('answer exactly as a fresh computation at every instant, as statuses go stale and dated-ahead data comes due', async () => {
      const { bucketId } = await stage(t, 'current');
      const steady = await createNode(t, { host: 'a.example' });
      const fading = await createNode(t, { host: 'b.example' });
      const ahead = await createNode(t, { host: 'c.example' });
      const reports = [];
      for (let at = NOW - 3_600_000; at < NOW; at += 60_000) {
        reports.push({ nodeId: steady, bucketId, at: iso(at), status: 'ONLINE' as const, latencyMs: 20 });
      }
      // Its last report goes stale 40 ms after NOW.
      reports.push({ nodeId: fading, bucketId, at: iso(NOW - 6 * 3_600_000), status: 'ONLINE' as const, latencyMs: 9 });
      reports.push({ nodeId: fading, bucketId, at: iso(NOW - 180_000 + 40), status: 'ONLINE' as const, latencyMs: 11 });
      // A node whose clock runs 60 ms ahead, and a re-registration dated 80 ms ahead.
      reports.push({ nodeId: ahead, bucketId, at: iso(NOW - 7_200_000), status: 'OFFLINE' as const });
      reports.push({ nodeId: ahead, bucketId, at: iso(NOW + 60), status: 'ONLINE' as const, latencyMs: 30 });
      await importReports(t, reports);
      const registered = await t.call({
        method: 'POST',
        url: `/admin/nodes/${ahead}/registrations`,
        payload: { at: iso(NOW + 80), version: '9.9.9' },
      });
      assert.equal(registered.statusCode, 201, registered.body);

      const settings = { staleAfterMs: t.config.staleAfterSeconds * 1000, nodeRetentionDays: t.config.nodeRetentionDays };
      const day = iso(NOW).slice(0, 10);
      const seen = new Set<string>();
      // Instants ahead of NOW, in order, each asked twice (the second answer comes from the kept one).
      for (const offset of [0, 1, 39, 40, 41, 59, 60, 61, 79, 80, 81, 200, 400]) {
        t.clock.current = NOW + offset;
        const fresh = (await bucketDayStats(t.store.stats, bucketId, dayOf(t.clock.current), t.clock.current, settings)).map(
          dailyInfoOf,
        );
        for (let ask = 0; ask < 2; ask++) {
          assert.deepEqual(await dayStats(t, bucketId, day), fresh, `at NOW + ${offset} ms, ask ${ask + 1}`);
        }
        seen.add(JSON.stringify(fresh));
      }
      // The answer did change along the way: the fading node went DISCONNECTED, the node ahead showed its report and version.
      assert.ok(seen.size >= 4, `${seen.size} distinct answers`);
      t.clock.current = NOW + 400;
      const [, fadingEntry, aheadEntry] = await dayStats(t, bucketId, day);
      assert.equal(fadingEntry?.node_status, 'DISCONNECTED');
      assert.equal(aheadEntry?.node_status, 'ONLINE');
      assert.equal(aheadEntry?.version, '9.9.9');
      assert.ok(NOW + 400 < (dayOf(NOW) + 1) * DAY_MS);
    });
  });
}
