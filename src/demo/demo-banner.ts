import { formatInstant } from '../time/instant.js';
import { FLAP_CYCLE, OUTAGE_HOURS } from './demo-behaviour.js';
import { DEMO_UPGRADE, type DemoNode } from './demo-fleet.js';
import { currentVersion } from './demo-live.js';
import type { DemoHandle } from './start-demo.js';

export interface BannerSettings {
  historyDays: number;
  historyStepMs: number;
  liveIntervalMs: number;
}

const hours = (hour: number): string =>
  `${String(Math.floor(hour)).padStart(2, '0')}:${String((hour % 1) * 60).padStart(2, '0')}`;

/** The first flap that begins from now on. */
function nextFlap(anchor: number): number {
  const cycleMs = (FLAP_CYCLE.offlineMinutes + FLAP_CYCLE.onlineMinutes) * 60_000;
  const now = Date.now();
  return anchor >= now ? anchor : anchor + Math.ceil((now - anchor) / cycleMs) * cycleMs;
}

function story(node: DemoNode, upgradeAt: number, flapAnchor: number): string {
  switch (node.trait) {
    case 'flapping':
      return `flaps (${FLAP_CYCLE.offlineMinutes} min OFFLINE every ${FLAP_CYCLE.offlineMinutes + FLAP_CYCLE.onlineMinutes} min) today, live (next at ${formatInstant(nextFlap(flapAnchor))}: node.down and node.up alerts), and every third day from yesterday back`;
    case 'outages':
      return `was down ${hours(OUTAGE_HOURS.from)}–${hours(OUTAGE_HOURS.to)} UTC yesterday and every 7 days before`;
    case 'upgraded':
      return `upgraded ${DEMO_UPGRADE.from} → ${DEMO_UPGRADE.to} at ${formatInstant(upgradeAt)}, and got faster`;
    default:
      return 'steady';
  }
}

/** A shell word in single quotes, whatever it holds. */
const quoted = (text: string): string => `'${text.replaceAll("'", `'\\''`)}'`;

/**
 * The curl command for today's stats of a bucket, ready to paste.
 *
 * @example
 * statsCurl('http://127.0.0.1:3000', bucketId, token, '2024-01-15')
 * // curl -s -X POST http://127.0.0.1:3000/bucket/<id>/stats -H 'Content-Type: application/json' -H "Authorization: Bearer fbk_..." -d '{"day":"2024-01-15"}'
 */
export function statsCurl(url: string, bucketId: string, token: string, day: string): string {
  return (
    `curl -s -X POST ${url}/bucket/${bucketId}/stats -H 'Content-Type: application/json' ` +
    `-H "Authorization: Bearer ${token}" -d ${quoted(JSON.stringify({ day }))}`
  );
}

/**
 * What `npm run demo` prints once the demo is up: where to look, with what
 * token, what the fleet does, and how to stop it. The operator's token is
 * never printed, only where it is kept.
 *
 * @example
 * process.stdout.write(formatDemoBanner(demo, { historyDays: 30, historyStepMs: 60_000, liveIntervalMs: 5000 }, new Date()));
 */
export function formatDemoBanner(demo: DemoHandle, settings: BannerSettings, now: Date): string {
  const today = now.toISOString().slice(0, 10);
  const [first] = demo.buckets;
  const step =
    settings.historyStepMs % 60_000 === 0 ? `${settings.historyStepMs / 60_000} min` : `${settings.historyStepMs / 1000} s`;
  const width = (pick: (node: DemoNode) => string): number => Math.max(...demo.nodes.map((node) => pick(node).length));
  const [name, host, ip] = [width((n) => n.name), width((n) => n.host), width((n) => n.ip)];
  const fleet = demo.nodes.map(
    (node) =>
      `  ${node.name.padEnd(name)}  ${node.host.padEnd(host)}  ${node.ip.padEnd(ip)}  ${currentVersion(node).padEnd(6)}  ${story(node, demo.timeline.upgradeAt, demo.timeline.flapAnchor)}`,
  );
  const buckets = demo.buckets.map((bucket) => `${bucket.name} ${bucket.id}`).join(', ');
  return [
    '',
    `The Flashback demo is up: ${demo.nodes.length} bridge nodes report on ${demo.buckets.length} buckets every ${settings.liveIntervalMs / 1000} s.`,
    `History: ${settings.historyDays} days, one report per node and bucket every ${step}: ` +
      `${demo.history.reports} reports imported in ${(demo.history.elapsedMs / 1000).toFixed(1)} s.`,
    '',
    `  Dashboard        ${demo.url}/`,
    `  Demo user        ${demo.email}`,
    `  Token            ${demo.token}`,
    `  Buckets          ${buckets}`,
    `  Operator token   ${demo.operatorTokenSource}`,
    `  Webhook receiver ${demo.alerts.receiverUrl} (verifies each alert with standardwebhooks and prints it here)`,
    `  Alerts view      ${demo.url}/#workspace=${demo.workspaceId}&view=alerts`,
    '',
    'The fleet:',
    ...fleet,
    '',
    ...(first ? [`Today's stats of ${first.name}:`, `  ${statsCurl(demo.url, first.id, demo.token, today)}`, ''] : []),
    'Ctrl-C stops the demo.',
    '',
  ].join('\n');
}
