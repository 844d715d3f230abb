import { generateKeyPairSync } from 'node:crypto';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { openServiceStore } from '../src/ingest/service-store.js';
import type { Child } from './child-process.js';
import { signedIngestLoad } from './ingest-load.js';
import type { BenchNode } from './seed-history.js';
import { postStatus, signStatus } from './signed-status.js';

/** What `npm run bench -- --only alerts` measures. */
export interface AlertFigures {
  /** From the 2xx of the report that makes a node OFFLINE to the node.down's arrival, ms. */
  p50Ms: number;
  p99Ms: number;
  samples: number;
  /** Entries per second stored, without rules and with 100 rules active. */
  ingestWithout: number;
  ingestWith100Rules: number;
}

const OPERATOR = 'bench-operator-token-0123456789';
const SAMPLES = 40;
const BUCKETS = 100;
const LOAD_NODES = 16;
const INGEST_ROUNDS = 2;

const mean = (values: number[]): number => values.reduce((sum, v) => sum + v, 0) / values.length;

const quantile = (values: number[], q: number): number => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
};

async function api<T>(url: string, method: string, body?: unknown): Promise<T> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${OPERATOR}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
    ...(body !== undefined && { body: JSON.stringify(body) }),
  });
  if (!res.ok) throw new Error(`${method} ${url}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}

/** A receiver on this machine that notes when each event's first copy arrives. */
async function startReceiver(): Promise<{ url: string; arrivals: Map<string, number>; close: () => void }> {
  // node.down events only, by webhook-id: the instant the first copy's body was in.
  const arrivals = new Map<string, number>();
  const server = createServer((request, response) => {
    const id = request.headers['webhook-id'] as string;
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const at = performance.now();
      const { type } = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { type: string };
      if (type === 'node.down' && !arrivals.has(id)) arrivals.set(id, at);
      response.writeHead(200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, arrivals, close: () => server.close() };
}

async function seed(databaseUrl: string): Promise<{ workspaceId: string; buckets: string[]; nodes: BenchNode[] }> {
  const store = await openServiceStore({ databaseUrl, staleAfterMs: 180_000 });
  const now = Date.now();
  const user = await store.users.create('alerts@example.com', 'Alerts', now);
  const workspace = await store.workspaces.create('alerts', user?.id ?? '', now);
  const buckets: string[] = [];
  for (let i = 0; i <= BUCKETS; i++) {
    const bucket = await store.buckets.create(
      { name: `b-${i}`, workspaceId: workspace.id, storageType: 'S3', bucket: null, endpoint: null, region: null },
      now,
    );
    buckets.push(bucket.id);
  }
  const nodes: BenchNode[] = [];
  for (let i = 0; i <= LOAD_NODES; i++) {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const node = await store.nodes.create(
      {
        ip: `10.1.0.${i + 1}`,
        host: `alert-node-${i}.example`,
        region: 'bench',
        provider: 'aws',
        version: '1',
        publicKey: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
      },
      now,
    );
    nodes.push({ id: node.id, privateKey });
  }
  await store.close();
  return { workspaceId: workspace.id, buckets, nodes };
}

/**
 * Alerts under load: the ingest rate without rules and with 100 rules
 * (one per bucket), in turn over two rounds, then, with 16 nodes reporting on 100 buckets at full
 * rate, the time from the acknowledgement of the report that makes a node
 * OFFLINE to the node.down webhook's arrival at a receiver on this machine.
 */
export async function alertBench(
  databaseUrl: string,
  startService: (env: Record<string, string>) => Promise<Child>,
  serviceUrl: string,
  ingestSeconds: number,
  log: (line: string) => void,
): Promise<AlertFigures> {
  const { workspaceId, buckets, nodes } = await seed(databaseUrl);
  const loadNodes = nodes.slice(0, LOAD_NODES);
  const alertNode = nodes[LOAD_NODES] as BenchNode;
  const loadBuckets = buckets.slice(0, BUCKETS);
  const alertBucket = buckets[BUCKETS] as string;
  const receiver = await startReceiver();
  const service = await startService({ ALERT_ALLOW_PRIVATE_TARGETS: '1' });
  // The service's own complaints, if any, beside the figures.
  const complaints = (chunk: Buffer): void => {
    for (const line of chunk.toString().split('\n'))
      if (/"level":(40|50|60)|Error/.test(line)) log(`service: ${line.slice(0, 300)}`);
  };
  service.process.stdout?.on('data', complaints);
  service.process.stderr?.on('data', complaints);
  service.process.once('exit', (code, signal) => log(`service exited: ${code ?? signal}`));
  try {
    // Without and with the rules in turn, twice, so that the machine's drift and the store's growth weigh on both alike.
    const alerts = `${serviceUrl}/workspace/${workspaceId}/alerts`;
    const { channel } = await api<{ channel: { id: string } }>(`${alerts}/channels`, 'POST', {
      name: 'bench',
      kind: 'webhook',
      url: receiver.url,
    });
    const without: number[] = [];
    const withRules: number[] = [];
    let ruleIds: string[] = [];
    for (let round = 0; round < INGEST_ROUNDS; round++) {
      log(`ingest without rules, ${ingestSeconds / INGEST_ROUNDS} s`);
      without.push((await signedIngestLoad(serviceUrl, loadNodes, loadBuckets, ingestSeconds / INGEST_ROUNDS)).entriesPerSecond);
      ruleIds = [];
      for (const bucketId of loadBuckets) {
        const { rule } = await api<{ rule: { id: string } }>(`${alerts}/rules`, 'POST', {
          name: 'r',
          events: ['node.down', 'node.up'],
          bucketIds: [bucketId],
          channelIds: [channel.id],
        });
        ruleIds.push(rule.id);
      }
      log(`ingest with ${ruleIds.length} rules, ${ingestSeconds / INGEST_ROUNDS} s`);
      withRules.push(
        (await signedIngestLoad(serviceUrl, loadNodes, loadBuckets, ingestSeconds / INGEST_ROUNDS)).entriesPerSecond,
      );
      if (round < INGEST_ROUNDS - 1) for (const id of ruleIds) await api(`${alerts}/rules/${id}`, 'DELETE');
    }
    // The latency is measured with the 100 rules in force, one of them on the alert bucket in place of the first load bucket's.
    await api(`${alerts}/rules/${ruleIds[0]}`, 'DELETE');
    await api(`${alerts}/rules`, 'POST', {
      name: 'r',
      events: ['node.down', 'node.up'],
      bucketIds: [alertBucket],
      channelIds: [channel.id],
    });

    log(`node.down latency, ${SAMPLES} samples, with ${LOAD_NODES} nodes reporting at full rate`);
    let timestamp = Date.now() + 60_000;
    const report = async (status: 'ONLINE' | 'OFFLINE'): Promise<number> => {
      const signed = signStatus(alertNode, timestamp++, [
        { bucketId: alertBucket, status, latencyMs: status === 'ONLINE' ? 5 : null, createdAt: new Date().toISOString() },
      ]);
      if ((await postStatus(serviceUrl, signed)) !== 1) throw new Error('the alert node report was not stored');
      return performance.now();
    };
    let loading = true;
    const load = (async () => {
      while (loading) {
        await signedIngestLoad(serviceUrl, loadNodes, loadBuckets, 5).catch((error: unknown) => log(`load: ${String(error)}`));
      }
    })();
    const latencies: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      const seen = new Set(receiver.arrivals.keys());
      const acked = await report('OFFLINE');
      const deadline = Date.now() + 10_000;
      let arrived: number | undefined;
      while (arrived === undefined && Date.now() < deadline) {
        for (const [id, at] of receiver.arrivals) if (!seen.has(id)) arrived = at;
        if (arrived === undefined) await new Promise((resolve) => setTimeout(resolve, 2));
      }
      if (arrived === undefined) throw new Error('node.down did not arrive within 10 s');
      latencies.push(arrived - acked);
      await report('ONLINE');
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    loading = false;
    await load;
    return {
      p50Ms: quantile(latencies, 0.5),
      p99Ms: quantile(latencies, 0.99),
      samples: latencies.length,
      ingestWithout: mean(without),
      ingestWith100Rules: mean(withRules),
    };
  } finally {
    await service.stop();
    receiver.close();
  }
}
