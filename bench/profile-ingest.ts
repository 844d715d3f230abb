// Times ReportIngest.ingest in-process, 16 concurrent writers of 100-entry
// batches: `node --import tsx bench/profile-ingest.ts [databaseUrl]`.
import { rmSync } from 'node:fs';
import { openServiceStore } from '../src/ingest/service-store.js';

const url = process.argv[2] ?? 'sqlite:/tmp/prof/ingest.db';
if (url.startsWith('sqlite:')) rmSync(url.slice(7), { force: true });
const store = await openServiceStore({ databaseUrl: url, staleAfterMs: 180_000 });
const now = Date.now();
const user = await store.users.create(`u${now}@example.com`, 'u', now);
const workspace = await store.workspaces.create('w', user?.id ?? '', now);
const buckets: string[] = [];
for (let i = 0; i < 100; i++) {
  buckets.push(
    (
      await store.buckets.create(
        { name: `b${i}`, workspaceId: workspace.id, storageType: 'S3', bucket: null, endpoint: null, region: null },
        now,
      )
    ).id,
  );
}
const nodes: string[] = [];
for (let i = 0; i < 16; i++) {
  nodes.push(
    (await store.nodes.create({ ip: '10.0.0.1', host: 'h', region: 'r', provider: 'p', version: 'v', publicKey: 'k' }, now)).id,
  );
}
let groups = 0;
store.events.on('ingested', () => groups++);
const seconds = Number(process.argv[3] ?? 5);
const deadline = Date.now() + seconds * 1000;
let accepted = 0;
await Promise.all(
  nodes.map(async (nodeId) => {
    let at = now - 3_600_000;
    while (Date.now() < deadline) {
      at++;
      const result = await store.reports.ingest(
        buckets.map((bucketId) => ({ nodeId, bucketId, at, status: 'ONLINE' as const, latencyMs: 12 })),
      );
      accepted += result.accepted;
    }
  }),
);
console.log(`${Math.round(accepted / seconds)} entries/s, ${groups} transactions, ${Math.round(accepted / groups)} entries each`);
await store.close();
