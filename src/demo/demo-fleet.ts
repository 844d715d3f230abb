/** What sets a simulated node apart from a healthy one; `demo-behaviour.ts` gives each its meaning. */
export type DemoTrait = 'steady' | 'flapping' | 'outages' | 'upgraded';

/** One simulated bridge node: what it registers with, and how it behaves. */
export interface DemoNode {
  /** A short label for the console, unique in the fleet. */
  name: string;
  region: string;
  provider: string;
  /** From the documentation ranges (RFC 5737): the demo never points at a real machine. */
  ip: string;
  host: string;
  /** The version it was created with, at the start of the history. */
  version: string;
  /** Typical latency to the buckets' storage from this region, in milliseconds. */
  baseLatencyMs: number;
  /** The region's offset from UTC, so that its busy hours fall in its own afternoon. */
  utcOffsetHours: number;
  /** Share of reports that see a brief outage of the storage (OFFLINE). */
  blipRate: number;
  trait: DemoTrait;
}

/** The upgrade the `upgraded` node goes through mid-history. */
export const DEMO_UPGRADE = { from: '1.4.2', to: '1.5.0' } as const;

/** The two buckets of the demo workspace, as `POST /bucket` takes them. */
export const DEMO_BUCKETS = [
  {
    name: 'invoices',
    storageType: 'S3',
    bucket: 'acme-invoices',
    endpoint: 'https://s3.us-east-1.amazonaws.com',
    region: 'us-east-1',
  },
  {
    name: 'media-assets',
    storageType: 'GCS',
    bucket: 'acme-media-assets',
    endpoint: 'https://storage.googleapis.com',
    region: 'europe-west4',
  },
] as const;

const host = (region: string, provider: string): string => `*-${region}-${provider}.flashback.tech`;

function node(fields: Omit<DemoNode, 'host' | 'name'>): DemoNode {
  return { ...fields, name: `${fields.region}/${fields.provider}`, host: host(fields.region, fields.provider) };
}

/**
 * The simulated fleet: eight bridge nodes in eight regions of three
 * providers. Most are steady; one flaps, one had long outages on past days,
 * one was upgraded mid-history, and one still runs the older version.
 *
 * @example
 * DEMO_FLEET.find((n) => n.trait === 'flapping')?.host // '*-westeurope-azure.flashback.tech'
 */
export const DEMO_FLEET: readonly DemoNode[] = [
  node({
    region: 'us-east-1',
    provider: 'aws',
    ip: '198.51.100.11',
    version: '1.5.0',
    baseLatencyMs: 18,
    utcOffsetHours: -5,
    blipRate: 0.001,
    trait: 'steady',
  }),
  node({
    region: 'us-west-2',
    provider: 'aws',
    ip: '198.51.100.23',
    version: '1.5.0',
    baseLatencyMs: 47,
    utcOffsetHours: -8,
    blipRate: 0.002,
    trait: 'steady',
  }),
  node({
    region: 'eu-west-1',
    provider: 'aws',
    ip: '203.0.113.31',
    version: DEMO_UPGRADE.from,
    baseLatencyMs: 74,
    utcOffsetHours: 0,
    blipRate: 0.003,
    trait: 'upgraded',
  }),
  node({
    region: 'europe-west4',
    provider: 'gcp',
    ip: '203.0.113.45',
    version: '1.5.0',
    baseLatencyMs: 81,
    utcOffsetHours: 1,
    blipRate: 0.0015,
    trait: 'steady',
  }),
  node({
    region: 'westeurope',
    provider: 'azure',
    ip: '192.0.2.52',
    version: '1.5.0',
    baseLatencyMs: 86,
    utcOffsetHours: 1,
    blipRate: 0.002,
    trait: 'flapping',
  }),
  node({
    region: 'ap-southeast-1',
    provider: 'aws',
    ip: '198.51.100.68',
    version: '1.5.0',
    baseLatencyMs: 212,
    utcOffsetHours: 8,
    blipRate: 0.0025,
    trait: 'outages',
  }),
  node({
    region: 'asia-northeast1',
    provider: 'gcp',
    ip: '203.0.113.77',
    version: '1.5.0',
    baseLatencyMs: 164,
    utcOffsetHours: 9,
    blipRate: 0.001,
    trait: 'steady',
  }),
  node({
    region: 'brazilsouth',
    provider: 'azure',
    ip: '192.0.2.89',
    version: DEMO_UPGRADE.from,
    baseLatencyMs: 129,
    utcOffsetHours: -3,
    blipRate: 0.004,
    trait: 'steady',
  }),
];
