// Times the stats engine path in-process (no HTTP) for a closed day and the
// current day: `node --import tsx bench/profile-query.ts [sqlite|postgres-url]`.
import { rmSync } from 'node:fs';
import { bucketDayStats } from '../src/stats/bucket-day-stats.js';
import { openServiceStore } from '../src/ingest/service-store.js';
import { dayOf } from '../src/time/instant.js';
import { seedHistory } from './seed-history.js';

const url = process.argv[2] ?? 'sqlite:/tmp/prof/profile.db';
if (url.startsWith('sqlite:')) rmSync(url.slice(7), { force: true });
const store = await openServiceStore({ databaseUrl: url, staleAfterMs: 180_000 });
const now = Date.now();
const seeded = await seedHistory(store, now, () => undefined);
const settings = { staleAfterMs: 180_000, nodeRetentionDays: 7 };
for (const [label, day] of [
  ['closed', dayOf(now) - 1],
  ['today', dayOf(now)],
] as const) {
  const started = performance.now();
  const rounds = 200;
  for (let i = 0; i < rounds; i++) await bucketDayStats(store.stats, seeded.denseBucket, day, Date.now(), settings);
  console.log(`${label}: ${((performance.now() - started) / rounds).toFixed(2)} ms per answer`);
}
await store.close();
