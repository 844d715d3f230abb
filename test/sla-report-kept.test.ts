import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { openServiceStore, type ServiceStore } from '../src/ingest/service-store.js';
import { createNode, importReports, stage, type ImportedReport } from './helpers/fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { STORE_KINDS } from './helpers/test-stores.js';

const MINUTE = 60_000;
const DAY = Date.parse('2024-03-05T00:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();

function day(nodeId: string, bucketId: string, skip: (minute: number) => boolean): ImportedReport[] {
  const reports: ImportedReport[] = [];
  for (let m = 0; m < 1440; m++) {
    if (!skip(m)) reports.push({ nodeId, bucketId, at: iso(DAY + m * MINUTE), status: 'ONLINE', latencyMs: 10 + (m % 5) });
  }
  return reports;
}

for (const kind of STORE_KINDS) {
  describe(`a kept period report (${kind})`, () => {
    let t: TestApp;
    let bucketId: string;
    let token: string;
    let nodeId: string;
    const ask = async (): Promise<{ onlineMs: number; reports: number }> => {
      const response = await t.call({
        method: 'POST',
        url: `/bucket/${bucketId}/report`,
        payload: { from: '2024-03-01', to: '2024-03-31' },
        token,
      });
      assert.equal(response.statusCode, 200, response.body);
      const body = response.json<{ nodes: Array<{ onlineMs: number; p50_latency_ms: number | null }> }>();
      return { onlineMs: body.nodes[0]?.onlineMs ?? -1, reports: body.nodes.length };
    };

    before(async () => {
      t = await startTestApp(kind, { now: '2024-04-10T12:00:00.000Z' });
      ({ bucketId, token } = await stage(t, 'kept'));
      nodeId = await createNode(t, { host: 'n1.example.net', ip: '10.0.0.1' });
      // Silent 10:00–12:00: two hours less three minutes of DISCONNECTED.
      await importReports(
        t,
        day(nodeId, bucketId, (m) => m >= 600 && m < 720),
      );
    });
    after(async () => t?.close());

    it('answers the same report again, and follows a late report at once', async () => {
      const first = await ask();
      assert.deepEqual(await ask(), first);
      await importReports(t, [{ nodeId, bucketId, at: iso(DAY + 660 * MINUTE), status: 'ONLINE', latencyMs: 12 }]);
      const after = await ask();
      assert.equal(after.onlineMs, first.onlineMs + 3 * MINUTE, 'the late report holds 3 minutes ONLINE');
    });

    if (kind === 'postgres') {
      it("follows another instance's late report at once (no event reaches this one)", async () => {
        const before = await ask();
        const other: ServiceStore = await openServiceStore({ databaseUrl: t.config.databaseUrl, staleAfterMs: 180_000 });
        try {
          await other.reports.ingest([{ nodeId, bucketId, at: DAY + 690 * MINUTE, status: 'ONLINE', latencyMs: 11 }]);
        } finally {
          await other.close();
        }
        assert.equal((await ask()).onlineMs, before.onlineMs + 3 * MINUTE);
      });
    }
  });
}
