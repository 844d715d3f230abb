import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import Fastify from 'fastify';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { dashboardRoutesFrom } from '../src/http/dashboard.js';
import { registerErrorHandling } from '../src/http/error-handler.js';
import {
  createBucket,
  createMember,
  createNode,
  createWorkspace,
  importReports,
  type ImportedReport,
} from './helpers/fixtures.js';
import { startTestApp, type TestApp } from './helpers/test-app.js';
import { WebhookReceiver } from './helpers/webhook-receiver.js';

const WEB = fileURLToPath(new URL('../web/', import.meta.url));
// The README's screenshots are refreshed on demand (UPDATE_SCREENSHOTS=1);
// an ordinary run saves its own under the temp folder and leaves the tree clean.
const SCREENSHOTS = process.env.UPDATE_SCREENSHOTS
  ? fileURLToPath(new URL('../docs/screenshots/', import.meta.url))
  : join(tmpdir(), 'fbstats-dashboard-screenshots/');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

/** The newest modification time under `path`. */
function newest(path: string): number {
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(`${path}/${name}`)));
}

/** Builds the page with Vite unless web/dist is newer than every source of it. */
async function buildPageIfStale(): Promise<void> {
  const built = `${WEB}dist/index.html`;
  const sources = Math.max(newest(`${WEB}src`), newest(`${WEB}index.html`), newest(`${WEB}vite.config.ts`));
  if (existsSync(built) && statSync(built).mtimeMs >= sources) return;
  const { build } = await import('vite');
  await build({ configFile: `${WEB}vite.config.ts`, logLevel: 'warn' });
}

/**
 * A month of six nodes' history ending now, with what a dashboard must
 * show apart: a bad afternoon, a whole day down (0 %), a node that joined
 * 12 days ago (no data before), one silent long enough to drop out for a
 * while (0 % while still listed, then no data), one that is OFFLINE now.
 */
function sixNodeMonth(nodes: string[], bucketId: string, now: number): ImportedReport[] {
  const reports: ImportedReport[] = [];
  const today = Math.floor(now / DAY_MS) * DAY_MS;
  const ago = (days: number) => today - days * DAY_MS;
  const [steady, afternoon, dayDown, joined, silent, offlineNow] = nodes as [string, string, string, string, string, string];
  let wobble = 0;
  const add = (nodeId: string, at: number, status = 'ONLINE') => {
    wobble = (wobble * 7 + 13) % 29;
    const latencyMs = status === 'ONLINE' ? 25 + wobble + (nodes.indexOf(nodeId) % 3) * 15 : null;
    reports.push({ nodeId, bucketId, at: new Date(at).toISOString(), status, latencyMs });
  };
  // Every 10 minutes for 30 days (the service runs with a 20-minute stale time), every minute in the last 3 hours.
  for (let at = ago(30) + 5 * MINUTE_MS; at < now - MINUTE_MS; at += at < now - 3 * 3_600_000 ? 10 * MINUTE_MS : MINUTE_MS) {
    add(steady, at);
    const badAfternoon = at >= ago(3) + 12 * 3_600_000 && at < ago(3) + 18 * 3_600_000;
    add(afternoon, at + 20_000, badAfternoon ? 'OFFLINE' : 'ONLINE');
    add(dayDown, at + 30_000, at >= ago(10) && at < ago(9) ? 'OFFLINE' : 'ONLINE');
    if (at >= ago(12) + 9 * 3_600_000) add(joined, at + 40_000);
    if (at < ago(20) || at >= ago(9)) add(silent, at + 50_000);
    const blip = Math.floor(at / (10 * MINUTE_MS)) % 37 === 0;
    add(offlineNow, at + 10_000, at > now - 30 * MINUTE_MS || blip ? 'OFFLINE' : 'ONLINE');
  }
  return reports;
}

/** Fifty nodes reporting once an hour for 30 days: a large fleet in one bucket. */
function fleet(nodes: string[], bucketId: string, now: number): ImportedReport[] {
  const reports: ImportedReport[] = [];
  for (const [i, nodeId] of nodes.entries()) {
    for (let at = now - 30 * DAY_MS + i * MINUTE_MS; at < now - MINUTE_MS; at += 3_600_000) {
      reports.push({
        nodeId,
        bucketId,
        at: new Date(at).toISOString(),
        status: i % 7 === 0 ? 'OFFLINE' : 'ONLINE',
        latencyMs: 20 + i,
      });
    }
  }
  return reports;
}

async function importAll(t: TestApp, reports: ImportedReport[]): Promise<void> {
  for (let i = 0; i < reports.length; i += 10_000) await importReports(t, reports.slice(i, i + 10_000));
}

interface RangeEntry {
  nodeId: string;
  p95_latency_ms: number | null;
  region: string;
  ip: string;
  host: string;
  version: string;
  perc_uptime: number;
  avg_latency_ms: number | null;
  node_status: string;
  last_updated: string;
  last_latency_ms: number | null;
}

function band(percent: number | undefined): string {
  if (percent === undefined) return 'u-none';
  return percent >= 99.9 ? 'u-top' : percent >= 99 ? 'u-high' : percent >= 95 ? 'u-mid' : percent >= 80 ? 'u-low' : 'u-bad';
}

describe('the dashboard in headless Chromium (sqlite)', { timeout: 240_000 }, () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let member: { userId: string; token: string; tokenId: string };
  let workspaceId: string;
  let invoices: string;
  let receiver: WebhookReceiver;
  const cspViolations: string[] = [];
  const foreignRequests: string[] = [];

  /** The API as the page sees it, for the numbers the page must show. */
  async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${member.token}`, ...(body !== undefined && { 'content-type': 'application/json' }) },
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    assert.equal(res.status, 200, `${method} ${path}`);
    return (await res.json()) as T;
  }

  async function openPage(width: number, height = 900): Promise<{ context: BrowserContext; page: Page }> {
    const context = await browser.newContext({ viewport: { width, height } });
    // Reported by the browser itself; the init script runs outside the page's policy.
    await context.addInitScript(() =>
      document.addEventListener('securitypolicyviolation', (e) =>
        console.error(`CSP violation: ${e.violatedDirective} ${e.blockedURI}`),
      ),
    );
    const page = await context.newPage();
    page.on('console', (message) => {
      if (/CSP violation|Content.Security.Policy|Refused to/i.test(message.text())) cspViolations.push(message.text());
    });
    page.on('request', (request) => {
      if (!request.url().startsWith(base) && !request.url().startsWith('data:')) foreignRequests.push(request.url());
    });
    return { context, page };
  }

  async function signIn(page: Page, token: string): Promise<void> {
    await page.locator('#token').fill(token);
    await page.keyboard.press('Enter');
  }

  /** What every row and bar shows, read from the page. */
  function readRows(page: Page) {
    return page.$$eval('.nodes li.node', (rows) =>
      rows.map((row) => ({
        nodeId: row.getAttribute('data-node-id'),
        fields: Object.fromEntries(
          [...row.querySelectorAll<HTMLElement>('.node-info [data-field]')].map((f): [string, string] => [
            f.dataset.field ?? '',
            f.textContent ?? '',
          ]),
        ),
        bars: [...row.querySelectorAll<HTMLElement>('.bar')].map((b) => ({
          day: b.dataset.day,
          className: b.className,
          label: b.getAttribute('aria-label'),
        })),
      })),
    );
  }

  /**
   * The windows the page must shade: a weekly two-hour window of the first
   * node since four weeks ago and a one-off window over the start of the
   * second node's bad afternoon (both imported history), one announced
   * for tomorrow, and an imported one of the third node deleted since: the
   * listing no longer has it, but its past part still counts, and the bars
   * must say so.
   */
  async function maintenanceOf(six: string[], now: number): Promise<void> {
    const today = Math.floor(now / DAY_MS) * DAY_MS;
    const windows = [
      {
        bucketId: invoices,
        nodeIds: [six[0]],
        start: new Date(today - 28 * DAY_MS + 2 * 3_600_000).toISOString(),
        rrule: 'FREQ=WEEKLY',
        durationMinutes: 120,
        reason: 'weekly kernel updates',
      },
      {
        bucketId: invoices,
        nodeIds: [six[1]],
        start: new Date(today - 3 * DAY_MS + 12 * 3_600_000).toISOString(),
        end: new Date(today - 3 * DAY_MS + 14 * 3_600_000).toISOString(),
        reason: 'disk replacement',
      },
      {
        bucketId: invoices,
        nodeIds: [six[2]],
        start: new Date(today - 5 * DAY_MS + 12 * 3_600_000).toISOString(),
        end: new Date(today - 5 * DAY_MS + 14 * 3_600_000).toISOString(),
        reason: 'power work, deleted since',
      },
    ];
    const imported = await t.call({ method: 'POST', url: '/admin/maintenance', payload: { windows } });
    assert.equal(imported.statusCode, 201, imported.body);
    const deletedId = (JSON.parse(imported.body) as { ids: string[] }).ids[2];
    const deleted = await t.call({ method: 'DELETE', url: `/bucket/${invoices}/maintenance/${deletedId}`, token: member.token });
    assert.equal(deleted.statusCode, 200, deleted.body);
    const ahead = await t.call({
      method: 'POST',
      url: `/bucket/${invoices}/maintenance`,
      token: member.token,
      payload: {
        start: new Date(today + DAY_MS + 3_600_000).toISOString(),
        end: new Date(today + DAY_MS + 3 * 3_600_000).toISOString(),
        reason: 'network switch upgrade',
      },
    });
    assert.equal(ahead.statusCode, 201, ahead.body);
  }

  before(async () => {
    assert.ok(existsSync(CHROMIUM), `no Chromium at ${CHROMIUM}: apt-get install -y chromium (or set CHROMIUM_PATH)`);
    await buildPageIfStale();
    t = await startTestApp('sqlite', {
      now: new Date().toISOString(),
      // The Alerts view's webhook goes to a receiver on this machine.
      env: { STALE_AFTER_SECONDS: '1200', ALERT_ALLOW_PRIVATE_TARGETS: '1' },
    });
    // The browser lives in real time, so the service does too.
    t.clock.now = () => Date.now();
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;

    member = await createMember(t, 'ada@example.com');
    workspaceId = await createWorkspace(t, member.userId, 'Acme');
    invoices = await createBucket(t, workspaceId, 'invoices');
    await createBucket(t, workspaceId, 'backups');
    const fleetBucket = await createBucket(t, workspaceId, 'fleet');
    const regions = ['us-east-1', 'eu-west-1', 'ap-south-1', 'us-west-2', 'sa-east-1', 'eu-central-1'];
    const six: string[] = [];
    for (const [i, region] of regions.entries()) {
      const host = `${String.fromCharCode(97 + i)}-${region}-aws.flashback.tech`;
      six.push(await createNode(t, { host, region, ip: `192.168.1.${100 + i}`, version: i === 3 ? '1.3.0' : '1.2.3' }));
    }
    const now = Date.now();
    await importAll(t, sixNodeMonth(six, invoices, now));
    const many: string[] = [];
    for (let i = 0; i < 50; i++)
      many.push(await createNode(t, { host: `node-${String(i).padStart(2, '0')}.fleet.example`, ip: `10.1.0.${i}` }));
    await importAll(t, fleet(many, fleetBucket, now));
    await maintenanceOf(six, now);

    receiver = await WebhookReceiver.start();
    mkdirSync(SCREENSHOTS, { recursive: true });
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  after(async () => {
    await browser?.close();
    await t?.close();
    await receiver?.close();
  });

  // The tests below run in order and build on each other, as a user would.
  it("is served at / under the app's Content-Security-Policy, with its hashed files cacheable for ever", async () => {
    const res = await fetch(`${base}/`);
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /text\/html/);
    assert.equal(res.headers.get('cache-control'), 'no-cache');
    assert.match(res.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const html = await res.text();
    assert.doesNotMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    const script = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    assert.ok(script, html);
    const asset = await fetch(`${base}${script}`);
    assert.equal(asset.status, 200);
    assert.equal(asset.headers.get('content-type'), 'text/javascript; charset=utf-8');
    assert.match(asset.headers.get('cache-control') ?? '', /immutable/);
    const missing = await fetch(`${base}/assets/nope.js`);
    assert.equal(missing.status, 404);
    assert.deepEqual(await missing.json(), { success: false, message: 'no dashboard file nope.js' });
    assert.equal((await fetch(`${base}/assets/..%2Fpackage.json`)).status, 400);
  });

  it('says how to build the page when it is not built', async () => {
    const bare = Fastify();
    registerErrorHandling(bare);
    await bare.register(dashboardRoutesFrom(`${WEB}no-such-dist/`));
    const res = await bare.inject({ method: 'GET', url: '/' });
    assert.equal(res.statusCode, 503);
    assert.match(res.json<{ message: string }>().message, /not built: run npm run build/);
    await bare.close();
  });

  it('signs in, opens the bucket of the URL, and shows each node with its 90 days as the API answers them', async () => {
    const { context, page } = await openPage(1440);
    await page.goto(`${base}/`);
    await signIn(page, 'fbk_not-a-token');
    await page.locator('#sign-in-message', { hasText: 'That token was refused: unknown token' }).waitFor();

    await signIn(page, member.token);
    // The first bucket by name is empty: the page says so.
    await page.locator('#status', { hasText: 'No bridge node has reported on this bucket in the last 90 days' }).waitFor();
    assert.deepEqual(await page.locator('#bucket option').allTextContents(), ['backups', 'fleet', 'invoices']);
    // The numbers of today move with the clock: the page is checked against the very answer it got.
    const answered = page.waitForResponse((r) => r.url() === `${base}/bucket/${invoices}/stats/range`);
    await page.locator('#bucket').selectOption({ label: 'invoices' });
    const range = (await (await answered).json()) as {
      from: string;
      to: string;
      days: Array<{ day: string; nodeStats: RangeEntry[] }>;
    };
    await page.locator('.nodes li.node').nth(5).waitFor();
    const url = new URL(page.url());
    assert.match(url.hash, new RegExp(`workspace=${workspaceId}&bucket=${invoices}`));
    assert.ok(!page.url().includes(member.token), 'the token never reaches the URL');

    // Its closed days are what the API answers any caller, and the page asked for the 90 days ending today.
    const again = await api<typeof range>('POST', `/bucket/${invoices}/stats/range`, { from: range.from, to: range.to });
    assert.deepEqual(again.days.slice(0, 89), range.days.slice(0, 89));
    const realToday = Date.now();
    const days = [realToday, realToday - DAY_MS].map((at) => new Date(at).toISOString().slice(0, 10));
    assert.ok(days.includes(range.to), `${range.to} is today (or yesterday, across midnight)`);
    assert.equal(range.days.length, 90);
    const today = range.days[89];
    const rows = await readRows(page);
    assert.equal(rows.length, 6);
    for (const row of rows) {
      const now = today?.nodeStats.find((e) => e.nodeId === row.nodeId);
      assert.ok(now, `${row.nodeId} is listed today`);
      assert.deepEqual(row.fields, {
        host: now.host,
        ip: now.ip,
        region: now.region,
        version: `v${now.version}`,
        status: now.node_status,
        'today-uptime': `${now.perc_uptime} %`,
      });
      assert.equal(row.bars.length, 90);
      for (const [i, bar] of row.bars.entries()) {
        const day = range.days[i];
        const entry = day?.nodeStats.find((e) => e.nodeId === row.nodeId);
        assert.equal(bar.day, day?.day);
        assert.equal(bar.className.split(' ')[1], band(entry?.perc_uptime), `${row.fields.host} ${bar.day}`);
        if (!entry) assert.equal(bar.label, `${bar.day}: no data`);
        else assert.ok(bar.label?.startsWith(`${bar.day}: uptime ${entry.perc_uptime} %, average latency `), bar.label ?? '');
      }
    }
    // The history holds every look a bar can take.
    const looks = new Set(rows.flatMap((r) => r.bars.map((b) => b.className.split(' ')[1])));
    for (const look of ['u-top', 'u-bad', 'u-none']) assert.ok(looks.has(look), `${look} in ${[...looks].join()}`);
    assert.ok(rows.some((r) => r.fields.status === 'OFFLINE'));

    await page.screenshot({ path: `${SCREENSHOTS}dashboard-wide.png`, fullPage: true });
    await context.close();
  });

  it('is usable by keyboard alone: bars show their numbers on focus, Enter opens the day, as the stats call answers it', async () => {
    const { context, page } = await openPage(1100);
    await page.goto(`${base}/#workspace=${workspaceId}&bucket=${invoices}`);
    await page.locator('#token').focus();
    await page.keyboard.type(member.token);
    await page.keyboard.press('Enter');
    await page.locator('.nodes li.node').nth(5).waitFor();
    assert.equal(await page.locator('.nodes li.node').first().locator('.bar').count(), 30, '30 bars below 1200 px');

    // Tab from the SLA panel's table (a scroll region, one tab stop) into the first strip of bars: its tab stop is today.
    await page.locator('.sla-table').waitFor();
    await page.locator('#sla-nodes').focus();
    await page.keyboard.press('Tab');
    const focused = () => page.evaluate(() => (document.activeElement as HTMLElement | null)?.dataset.day);
    const days = await page
      .locator('.nodes li.node')
      .first()
      .locator('.bar')
      .evaluateAll((bars) => bars.map((b) => (b as HTMLElement).dataset.day));
    assert.equal(await focused(), days[29]);
    for (let i = 0; i < 3; i++) await page.keyboard.press('ArrowLeft');
    await page.keyboard.press('ArrowDown');
    const day = days[26] as string;
    assert.equal(await focused(), day);
    const tooltip = page.locator('#tooltip');
    assert.equal(await tooltip.isVisible(), true);
    const nodeId = await page.evaluate(() => document.activeElement?.closest('li')?.getAttribute('data-node-id'));
    const stats = await api<{ nodeStats: Array<Omit<RangeEntry, 'nodeId' | 'region'>> }>('POST', `/bucket/${invoices}/stats`, {
      day,
    });
    const range = await api<{ days: Array<{ nodeStats: RangeEntry[] }> }>('POST', `/bucket/${invoices}/stats/range`, {
      from: day,
      to: day,
    });
    const entry = range.days[0]?.nodeStats.find((e) => e.nodeId === nodeId);
    assert.ok(entry);
    assert.match((await tooltip.textContent()) ?? '', new RegExp(`Uptime ${entry.perc_uptime} %`));

    await page.keyboard.press('Enter');
    await page.locator(`table.day-table[data-day="${day}"]`).waitFor();
    const table = await page.$$eval('table.day-table tbody tr', (trs) =>
      trs.map((tr) =>
        Object.fromEntries(
          [...tr.querySelectorAll<HTMLElement>('[data-field]')].map((cell): [string, unknown] => [
            cell.dataset.field ?? '',
            JSON.parse(cell.dataset.value ?? 'null') as unknown,
          ]),
        ),
      ),
    );
    // The stats call's fields, and the day's p95 (of the range call) beside the mean.
    assert.deepEqual(
      table,
      stats.nodeStats.map((entry, i) => ({ ...entry, p95_latency_ms: range.days[0]?.nodeStats[i]?.p95_latency_ms })),
    );
    assert.match(new URL(page.url()).hash, new RegExp(`day=${day}`));
    await page.locator('#latency-chart .uplot canvas').first().waitFor();
    const latency = await api<{ nodes: unknown[] }>('POST', `/bucket/${invoices}/latency`, { day });
    assert.equal(await page.locator('#latency-chart .u-legend .u-series').count(), latency.nodes.length + 1);

    // Days from the date field, outside the bars shown: the first of the history, and one before it.
    const older = new Date(Date.parse(`${days[0]}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
    await page.locator('#day').fill(older);
    await page.locator(`table.day-table[data-day="${older}"]`).waitFor();
    const olderStats = await api<{ nodeStats: unknown[] }>('POST', `/bucket/${invoices}/stats`, { day: older });
    assert.equal(await page.locator('table.day-table tbody tr').count(), olderStats.nodeStats.length);
    const before = new Date(Date.parse(`${older}T00:00:00Z`) - DAY_MS).toISOString().slice(0, 10);
    await page.locator('#day').fill(before);
    await page.locator('#day-table', { hasText: `No node was listed for this bucket on ${before}` }).waitFor();
    await page.locator('#latency-status', { hasText: `No latency was measured on ${before}` }).waitFor();

    // Back to the month for the README's picture.
    await page.locator('.nodes li.node').nth(1).locator('.bar').nth(20).click();
    await page.locator('#latency-chart .uplot canvas').first().waitFor();
    await page.mouse.move(0, 0);
    await page.screenshot({ path: `${SCREENSHOTS}dashboard.png`, fullPage: true });
    await context.close();
  });

  it('reads at 375 px without scrolling sideways, keeps the session on reload, and signs out', async () => {
    const { context, page } = await openPage(375, 812);
    await page.goto(`${base}/#workspace=${workspaceId}&bucket=${invoices}`);
    await signIn(page, member.token);
    await page.locator('.nodes li.node').nth(5).waitFor();
    await page.locator('#latency-chart .uplot canvas').first().waitFor();
    const width = await page.evaluate(() => document.scrollingElement?.scrollWidth);
    assert.ok(width !== undefined && width <= 375, `scrollWidth ${width}`);
    await page.screenshot({ path: `${SCREENSHOTS}dashboard-375.png`, fullPage: true });

    await page.reload();
    await page.locator('.nodes li.node').nth(5).waitFor();
    assert.equal(await page.locator('#sign-in').isVisible(), false, 'the tab kept its token');
    await page.locator('#sign-out').click();
    await page.locator('#sign-in').waitFor();
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    await context.close();
  });

  it('renders a bucket of 50 nodes', async () => {
    const { context, page } = await openPage(1440);
    // A link to a bucket that is gone: the page says so, and shows the workspace's first bucket.
    await page.goto(`${base}/#workspace=${workspaceId}&bucket=00000000-0000-4000-8000-000000000000`);
    await signIn(page, member.token);
    await page.locator('#status', { hasText: 'The bucket of the link is not in this workspace' }).waitFor();
    assert.equal(await page.locator('#bucket option:checked').textContent(), 'backups');
    await page.locator('#bucket').selectOption({ label: 'fleet' });
    await page.locator('.nodes li.node').nth(49).waitFor();
    assert.equal(await page.locator('.nodes .bar').count(), 50 * 90);
    await page.setViewportSize({ width: 375, height: 812 });
    // The page redraws after the resize settles: wait for the narrow layout rather than racing it.
    await page.waitForFunction(() => document.querySelector('.nodes li.node')?.querySelectorAll('.bar').length === 30, null, {
      timeout: 10_000,
    });
    assert.equal(await page.locator('.nodes li.node').first().locator('.bar').count(), 30);
    const width = await page.evaluate(() => document.scrollingElement?.scrollWidth);
    assert.ok(width !== undefined && width <= 375, `scrollWidth ${width}`);
    await context.close();
  });

  it('sends a user whose token was revoked back to sign-in, saying why', async () => {
    const { context, page } = await openPage(1100);
    const second = await t.call({ method: 'POST', url: `/admin/users/${member.userId}/tokens`, payload: { name: 'browser' } });
    const { token, tokenId } = second.json<{ token: string; tokenId: string }>();
    await page.goto(`${base}/#workspace=${workspaceId}&bucket=${invoices}`);
    await signIn(page, token);
    await page.locator('.nodes li.node').nth(5).waitFor();
    const revoked = await t.call({ method: 'DELETE', url: `/token/${tokenId}` });
    assert.equal(revoked.statusCode, 200, revoked.body);
    await page.locator('#refresh').click();
    await page.locator('#sign-in-message', { hasText: 'this token was revoked' }).waitFor();
    assert.equal(await page.locator('#dashboard').isVisible(), false);
    assert.equal(await page.evaluate(() => sessionStorage.length), 0);
    await context.close();
  });

  it('shows the SLA figures of each period as the report answers them, and shades maintenance on the bars and the chart', async () => {
    const { context, page } = await openPage(1440);
    await page.goto(`${base}/#workspace=${workspaceId}&bucket=${invoices}`);
    const reportOf = (from: string, to: string) =>
      page.waitForResponse(
        (r) => r.url() === `${base}/bucket/${invoices}/report` && r.request().postData() === JSON.stringify({ from, to }),
      );
    const today = new Date().toISOString().slice(0, 10);
    const dayBefore = (day: string, n = 1) => new Date(Date.parse(`${day}T00:00:00Z`) - n * DAY_MS).toISOString().slice(0, 10);
    const lastMonthEnd = dayBefore(`${today.slice(0, 8)}01`);
    const yearAgo = new Date(Date.parse(`${today}T00:00:00Z`));
    yearAgo.setUTCFullYear(yearAgo.getUTCFullYear() - 1);
    const periods: Array<[kind: string, from: string, to: string]> = [
      ['this-month', `${today.slice(0, 8)}01`, today],
      ['last-month', `${lastMonthEnd.slice(0, 8)}01`, lastMonthEnd],
      ['90-days', dayBefore(today, 89), today],
      ['12-months', new Date(yearAgo.getTime() + DAY_MS).toISOString().slice(0, 10), today],
    ];
    const first = reportOf(periods[0]![1], periods[0]![2]);
    await signIn(page, member.token);
    for (const [kind, from, to] of periods) {
      const answered = kind === 'this-month' ? first : reportOf(from, to);
      if (kind !== 'this-month') await page.locator(`#periods [data-period="${kind}"]`).click();
      const report = (await (await answered).json()) as {
        from: string;
        to: string;
        bucket: Record<string, unknown>;
        nodes: Array<Record<string, unknown>>;
      };
      await page.waitForFunction(
        ([f, t]) => {
          const figures = document.querySelector<HTMLElement>('#sla-figures');
          const busy = document.querySelector('#sla-section[aria-busy]') !== null;
          return figures !== null && figures.dataset.from === f && figures.dataset.to === t && !busy;
        },
        [from, to],
      );
      assert.equal(await page.locator(`#periods [data-period="${kind}"]`).getAttribute('aria-pressed'), 'true');
      const figures = await page.$$eval('#sla-figures .figure', (cards) =>
        cards.map((c): [string, unknown] => [
          (c as HTMLElement).dataset.field ?? '',
          JSON.parse((c as HTMLElement).dataset.value ?? '0'),
        ]),
      );
      const fields = ['perc_uptime_sla', 'perc_uptime', 'downtimeMs', 'incidents', 'maintenanceMs'];
      assert.deepEqual(Object.fromEntries(figures), Object.fromEntries(fields.map((f) => [f, report.bucket[f]])), kind);
      const rows = await page.$$eval('.sla-table tbody tr', (trs) =>
        trs.map((tr) =>
          Object.fromEntries(
            [...tr.querySelectorAll<HTMLElement>('[data-field]')].map((cell): [string, unknown] => [
              cell.dataset.field ?? '',
              JSON.parse(cell.dataset.value ?? 'null') as unknown,
            ]),
          ),
        ),
      );
      assert.equal(rows.length, report.nodes.length, kind);
      for (const [i, row] of rows.entries()) {
        for (const [field, value] of Object.entries(row)) assert.deepEqual(value, report.nodes[i]?.[field], `${kind} ${field}`);
      }
      if (kind === 'last-month') {
        // A closed period: any caller gets the very same answer.
        assert.deepEqual(await api('POST', `/bucket/${invoices}/report`, { from, to }), report);
      }
      if (kind === 'this-month') {
        const incidents = await api<{ incidents: unknown[] }>('POST', `/bucket/${invoices}/incidents`, { from, to });
        assert.equal(await page.locator('#incident-timeline .timeline-track .incident').count(), incidents.incidents.length);
        assert.ok(incidents.incidents.length > 0);
      }
    }

    // The 90 days: maintenance on the first node's weekly days, on the second node's bad afternoon and on the
    // third node's deleted window (past, so still counted, though no longer listed), nowhere else.
    await page.locator('#periods [data-period="90-days"]').click();
    const shaded = await page.$$eval('.nodes li.node', (rows) =>
      rows.map((row) =>
        [...row.querySelectorAll<HTMLElement>('.bar.maintenance')].map((b) => [b.dataset.day, Number(b.dataset.maintenanceMs)]),
      ),
    );
    // Each bar says what the service counts for its node and day (today's window counts only up to now).
    const barDays = await page.$$eval('.nodes li.node', (rows) =>
      [...(rows[0]?.querySelectorAll<HTMLElement>('.bar') ?? [])].map((bar) => bar.dataset.day),
    );
    const shown = await api<{ days: Array<{ day: string; nodeStats: Array<{ nodeId: string; maintenanceMs: number | null }> }> }>(
      'POST',
      `/bucket/${invoices}/stats/range`,
      { from: barDays[0], to: barDays.at(-1) },
    );
    const nodeOrder = await page.$$eval('.nodes li.node', (rows) => rows.map((row) => (row as HTMLElement).dataset.nodeId));
    const counted = nodeOrder.map((nodeId) =>
      shown.days.flatMap((d) =>
        d.nodeStats.filter((e) => e.nodeId === nodeId && (e.maintenanceMs ?? 0) > 0).map((e) => [d.day, e.maintenanceMs]),
      ),
    );
    // Today's window counts only up to now, so the bar (drawn a moment earlier) may say a little less than the
    // service says now: every other day must be equal to the millisecond.
    const pastDays = (rows: unknown[][][]) => rows.map((r) => r.filter(([day]) => day !== today));
    const todayMs = (rows: unknown[][][]) => rows.map((r) => Number(r.find(([day]) => day === today)?.[1] ?? 0));
    assert.deepEqual(pastDays(shaded), pastDays(counted));
    const todayCounted = todayMs(counted);
    for (const [i, drawn] of todayMs(shaded).entries()) {
      const now = todayCounted[i] ?? 0;
      assert.ok(drawn <= now && now - drawn < 60_000, `today's maintenance of node ${i}: bar ${drawn} ms, service ${now} ms`);
    }
    const weekly = [28, 21, 14, 7].map((n) => [dayBefore(today, n), 7_200_000]);
    assert.deepEqual(shaded[0]?.slice(0, 4), weekly);
    assert.deepEqual(shaded.slice(1), [[[dayBefore(today, 3), 7_200_000]], [[dayBefore(today, 5), 7_200_000]], [], [], []]);
    const listed = await api<{ windows: Array<{ nodeIds: string[] | null }> }>('GET', `/bucket/${invoices}/maintenance`);
    assert.ok(!listed.windows.some((w) => w.nodeIds?.includes(nodeOrder[2] ?? '')), 'the deleted window is not listed');
    await page
      .locator('.nodes li.node')
      .nth(1)
      .locator(`.bar[data-day="${dayBefore(today, 3)}"]`)
      .click();
    await page.locator('#latency-chart[data-maintenance-spans="1"] .uplot canvas').first().waitFor();
    await page.mouse.move(0, 0);
    await page.locator('#periods [data-period="this-month"]').click();
    await page.waitForFunction(() => !document.querySelector('#sla-section[aria-busy]'));
    await page.locator('#status').waitFor({ state: 'hidden' });
    await page.locator('#sla-section').screenshot({ path: `${SCREENSHOTS}sla.png` });
    await context.close();

    const narrow = await openPage(375, 812);
    await narrow.page.goto(`${base}/#workspace=${workspaceId}&bucket=${invoices}&period=last-month`);
    await signIn(narrow.page, member.token);
    await narrow.page.locator('.sla-table tbody tr').first().waitFor();
    const width = await narrow.page.evaluate(() => document.scrollingElement?.scrollWidth);
    assert.ok(width !== undefined && width <= 375, `scrollWidth ${width}`);
    await narrow.page.locator('#sla-section').screenshot({ path: `${SCREENSHOTS}sla-375.png` });
    await narrow.context.close();
  });

  it('the Alerts view adds a webhook channel (secret shown once) and a rule, sends a test and shows it delivered', async () => {
    const { context, page } = await openPage(1440, 1000);
    await page.goto(`${base}/#workspace=${workspaceId}&view=alerts`);
    await signIn(page, member.token);
    await page.locator('#channels', { hasText: 'No channel yet' }).waitFor();
    assert.equal(await page.locator('#view-alerts').getAttribute('aria-pressed'), 'true');
    assert.equal(await page.locator('#bucket-label').isVisible(), false);
    assert.equal(await page.locator('#alerts-role').isVisible(), false, 'an ADMIN is told nothing');

    await page.locator('#channel-name').fill('On-call webhook');
    await page.locator('#channel-kind').selectOption('webhook');
    await page.locator('#channel-target').fill(receiver.url);
    await page.locator('#channel-add').click();
    await page.locator('#secret-once').waitFor();
    const secret = (await page.locator('#secret-value').textContent()) ?? '';
    assert.match(secret, /^whsec_/);
    receiver.secret = secret;
    const row = page.locator('#channels tr[data-channel-id]');
    await row.waitFor();
    const channelId = (await row.getAttribute('data-channel-id')) ?? '';

    await page.locator('#rule-name').fill('Nodes down and up');
    await page.locator(`#rule-channels input[value="${channelId}"]`).check();
    await page.locator(`#rule-buckets input[value="${invoices}"]`).check();
    await page.locator('#rule-for').fill('60');
    await page.locator('#rule-add').click();
    await page.locator('#rules tr[data-rule-id]').waitFor();
    const { rules } = await api<{ rules: Array<Record<string, unknown>> }>('GET', `/workspace/${workspaceId}/alerts/rules`);
    assert.deepEqual(
      rules.map((r) => [r.name, r.events, r.bucketIds, r.channelIds, r.forSeconds, r.uptimeBelow]),
      [['Nodes down and up', ['node.down', 'node.up'], [invoices], [channelId], 60, null]],
    );
    assert.match((await page.locator('#rules tr[data-rule-id]').textContent()) ?? '', /invoices.*On-call webhook.*60 s/);

    for (let i = 0; i < 2; i++) await row.locator('[data-action="test"]').click();
    const arrived = await receiver.waitFor(2);
    assert.deepEqual(
      arrived.map((w) => w.body.type),
      ['test', 'test'],
    );
    await page.locator('#deliveries tr[data-status="delivered"]').nth(1).waitFor({ timeout: 15_000 });
    const shown = await page.$$eval('#deliveries tr[data-event-id]', (trs) => trs.map((tr) => tr.getAttribute('data-event-id')));
    assert.deepEqual(new Set(shown), new Set(arrived.map((w) => w.id)));

    // Rotate secret shows the new one once; the next webhook is signed with it.
    await page.locator('#secret-done').click();
    await row.locator('[data-action="rotate-secret"]').click();
    await page.locator('#secret-once').waitFor();
    const rotated = (await page.locator('#secret-value').textContent()) ?? '';
    assert.match(rotated, /^whsec_/);
    assert.notEqual(rotated, secret);
    receiver.secret = rotated;
    await row.locator('[data-action="test"]').click();
    assert.equal((await receiver.waitFor(3)).length, 3);
    assert.equal(receiver.badSignatures, 0);

    // A disabled channel (as a 410 leaves it) shows why, with Enable.
    await api('PUT', `/workspace/${workspaceId}/alerts/channels/${channelId}`, { enabled: false });
    await page.reload();
    await row.locator('.badge.bad').waitFor();
    await row.locator('[data-action="enable"]').click();
    await row.locator('.badge.ok').waitFor();
    assert.equal(await row.locator('[data-action="enable"]').count(), 0);
    await page.mouse.move(0, 0);
    await page.locator('#alerts-view').screenshot({ path: `${SCREENSHOTS}alerts.png` });
    await context.close();

    // A READ member sees the same, with every change disabled and why.
    const readOnly = await createMember(t, 'grace@example.com');
    const added = await t.call({
      method: 'POST',
      url: `/workspace/${workspaceId}/users`,
      payload: { userId: readOnly.userId, role: 'READ' },
    });
    assert.equal(added.statusCode, 200, added.body);
    const narrow = await openPage(375, 812);
    await narrow.page.goto(`${base}/#workspace=${workspaceId}&view=alerts`);
    await signIn(narrow.page, readOnly.token);
    await narrow.page.locator('#deliveries tr[data-status="delivered"]').first().waitFor();
    await narrow.page.locator('#alerts-role', { hasText: 'You are READ in this workspace' }).waitFor();
    assert.equal(await narrow.page.locator('#channels [data-action="test"]').isDisabled(), true);
    assert.match((await narrow.page.locator('#channels [data-action="test"]').getAttribute('title')) ?? '', /Only ADMIN members/);
    assert.equal(await narrow.page.locator('#channel-add').isDisabled(), true);
    const width = await narrow.page.evaluate(() => document.scrollingElement?.scrollWidth);
    assert.ok(width !== undefined && width <= 375, `scrollWidth ${width}`);
    // Each table fits its card (a card clips what overflows, so the page's width alone would not tell).
    for (const list of ['#channels', '#rules', '#deliveries']) {
      const [inner, outer] = await narrow.page
        .locator(list)
        .evaluate((box) => [box.querySelector('table')?.scrollWidth ?? 0, box.clientWidth]);
      assert.ok(inner <= outer, `${list}: table ${inner} px in a box of ${outer} px`);
    }
    await narrow.page.locator('#alerts-view').screenshot({ path: `${SCREENSHOTS}alerts-375.png` });
    await narrow.context.close();
  });

  it('broke no rule of the Content-Security-Policy and loaded nothing from elsewhere', () => {
    assert.deepEqual(cspViolations, []);
    assert.deepEqual(foreignRequests, []);
  });
});
