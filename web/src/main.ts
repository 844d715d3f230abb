import type uPlot from 'uplot';
import type {
  ApiClient,
  BucketNodeStatsRangeInfo,
  GetBucketRangeStatsResponse,
  MaintenanceWindow,
} from '@flashback/bucket-stats-client';
import { wireBars } from './bar-keys.js';
import { dashboardClient, failureText, refusalStatus, serviceNow } from './dashboard-client.js';
import { renderDayTable } from './day-table.js';
import { addDays, dayOf, daysEnding } from './format.js';
import { chartWidth, drawLatencyChart } from './latency-chart.js';
import { maintenanceSpans, spansLength } from './maintenance-spans.js';
import { markSelectedDay, nodeHistories, renderNodeRows } from './node-rows.js';
import { fillSelect, page, renderLegend, say, showDashboard, showSignIn } from './page.js';
import { closeAlerts, openAlerts } from './alerts-view.js';
import { slaController } from './sla-controller.js';
import { isPeriodKind } from './sla-period.js';
import { forgetToken, readSelection, readToken, saveToken, writeSelection, type Selection } from './session.js';
import './styles.css';

const wide = window.matchMedia('(min-width: 1200px)');
const dayCount = (): number => (wide.matches ? 90 : 30);

let api: ApiClient | undefined;
let selection: Selection = readSelection();
let shown: { bucketId: string; answer: GetBucketRangeStatsResponse; windows: MaintenanceWindow[] } | undefined;
let chart: uPlot | undefined;
// The signed-in member's role in each workspace, and the buckets of the one shown (for the Alerts view).
const roles = new Map<string, string>();
let buckets: Array<{ id: string; name: string }> = [];
// Each load takes a ticket; an answer that arrives after a newer load started is dropped.
let ticket = 0;
// Said once the bucket is shown: why it is not the one the link named.
let notice = '';

const today = (): string => dayOf(serviceNow());

/** Where every failure ends: a refused token signs out; the rest is said where it happened. */
function fail(error: unknown, region: HTMLElement, what: string): void {
  const reason = failureText(error);
  if (refusalStatus(error) === 401) {
    signOut(`Signed out: the service no longer accepts your token (${reason}). Sign in with a valid token.`);
    return;
  }
  const hint = refusalStatus(error) === 403 ? ' Ask an admin of its workspace for access.' : '';
  say(region, `Could not load ${what}: ${reason}.${hint}`, 'error');
}

function signOut(message = ''): void {
  forgetToken();
  api = undefined;
  shown = undefined;
  ticket++;
  chart?.destroy();
  chart = undefined;
  closeAlerts();
  showSignIn(message);
}

/** Checks the token by listing the workspaces; `resumed`: the tab already held it (a reload). */
async function signIn(token: string, resumed: boolean): Promise<void> {
  const candidate = dashboardClient(token);
  if (resumed) {
    showDashboard();
    say(page.status, 'Signing in…', 'loading');
  } else say(page.signInMessage, 'Checking the token…', 'loading');
  try {
    const { workspaces } = await candidate.getWorkspaces();
    saveToken(token);
    api = candidate;
    showDashboard();
    await openWorkspaces(workspaces);
  } catch (error) {
    if (refusalStatus(error) === 401) signOut(`That token was refused: ${failureText(error)}.`);
    else if (resumed) fail(error, page.status, 'the workspaces');
    else say(page.signInMessage, failureText(error), 'error');
  }
}

async function openWorkspaces(workspaces: Array<{ id: string; name: string; role: string }>): Promise<void> {
  roles.clear();
  for (const w of workspaces) roles.set(w.id, w.role);
  const linked = selection.workspace;
  selection.workspace = fillSelect(page.workspace, workspaces, linked);
  if (linked && linked !== selection.workspace) notice = 'The workspace of the link is not one of yours.';
  if (!selection.workspace) {
    clearBucket('You are not a member of any workspace yet: ask an admin of a workspace to add you.');
    return;
  }
  await openWorkspace();
}

async function openWorkspace(): Promise<void> {
  if (!api || !selection.workspace) return;
  const mine = ++ticket;
  say(page.status, 'Loading the buckets…', 'loading');
  try {
    ({ buckets } = await api.getStorageBuckets(selection.workspace));
    if (mine !== ticket) return;
    showView();
    if (selection.view === 'alerts') return await showAlerts(mine);
    const linked = selection.bucket;
    selection.bucket = fillSelect(page.bucket, buckets, linked);
    if (linked && linked !== selection.bucket) notice ||= 'The bucket of the link is not in this workspace (deleted?).';
    if (!selection.bucket) clearBucket('This workspace has no bucket yet.');
    else await openBucket();
  } catch (error) {
    if (mine === ticket) fail(error, page.status, 'the buckets');
  }
}

function clearBucket(message: string): void {
  writeSelection({ workspace: selection.workspace });
  shown = undefined;
  page.nodes.replaceChildren();
  page.nodesSection.hidden = true;
  page.daySection.hidden = true;
  page.sla.section.hidden = true;
  say(page.status, [notice, message].filter(Boolean).join(' '), 'empty');
  notice = '';
}

async function openBucket(): Promise<void> {
  if (!api || !selection.bucket) return;
  const mine = ++ticket;
  const bucketId = selection.bucket;
  const count = dayCount();
  page.nodes.setAttribute('aria-busy', 'true');
  say(page.status, `Loading the last ${count} days of ${page.bucket.selectedOptions[0]?.text ?? 'the bucket'}…`, 'loading');
  try {
    const last = today();
    const days = daysEnding(last, count);
    const [answer, { windows }] = await Promise.all([
      api.getBucketRangeStats(bucketId, { from: days[0] as string, to: last }),
      api.getMaintenanceWindows(bucketId),
    ]);
    if (mine !== ticket) return;
    shown = { bucketId, answer, windows };
    const nodes = nodeHistories(answer.days);
    page.nodesSection.hidden = nodes.length === 0;
    page.nodesTitle.textContent = `Nodes: ${nodes.length}, daily uptime over the last ${count} days`;
    // The service's count (its window versions, within the day's counted interval), as the SLA report has it;
    // the listed windows only where the day has no detail kept.
    const counted = new Map(answer.days.flatMap((d) => d.nodeStats.map((e) => [`${e.nodeId}/${d.day}`, e.maintenanceMs])));
    const maintenanceOf = (nodeId: string, day: string): number =>
      counted.get(`${nodeId}/${day}`) ??
      spansLength(maintenanceSpans(windows, nodeId, Date.parse(`${day}T00:00:00Z`), Date.parse(`${addDays(day, 1)}T00:00:00Z`)));
    page.nodes.replaceChildren(renderNodeRows(nodes, days, answer.to, maintenanceOf));
    page.day.max = answer.to;
    const empty = nodes.length === 0 ? `No bridge node has reported on this bucket in the last ${count} days.` : '';
    say(page.status, [notice, empty].filter(Boolean).join(' '), 'empty');
    notice = '';
    await Promise.all([sla.open(), openDay(selection.day ?? answer.to)]);
  } catch (error) {
    if (mine === ticket) fail(error, page.status, 'the bucket');
  } finally {
    if (mine === ticket) page.nodes.removeAttribute('aria-busy');
  }
}

async function openDay(asked: string): Promise<void> {
  if (!api || !shown) return;
  const { bucketId, answer, windows } = shown;
  const day = asked > answer.to ? answer.to : asked;
  const mine = ticket;
  selection.day = day;
  writeSelection(selection);
  markSelectedDay(page.nodes, day);
  page.daySection.hidden = false;
  page.day.value = day;
  page.dayTitle.textContent = `${day}${day === answer.to ? ' (today)' : ''}`;
  let entries: BucketNodeStatsRangeInfo[] | undefined = answer.days.find((d) => d.day === day)?.nodeStats;
  page.dayTable.setAttribute('aria-busy', 'true');
  try {
    entries ??= (await api.getBucketRangeStats(bucketId, { from: day, to: day })).days[0]?.nodeStats ?? [];
    if (mine !== ticket || selection.day !== day) return;
    page.dayTable.replaceChildren(renderDayTable(day, entries, day === answer.to));
  } catch (error) {
    if (mine === ticket) fail(error, page.dayTable, `the numbers of ${day}`);
  } finally {
    page.dayTable.removeAttribute('aria-busy');
  }
  await openLatency(bucketId, day, mine, windows);
}

async function openLatency(bucketId: string, day: string, mine: number, windows: MaintenanceWindow[]): Promise<void> {
  if (!api) return;
  chart?.destroy();
  chart = undefined;
  page.latencyChart.replaceChildren();
  say(page.latencyStatus, `Loading the latency of ${day}…`, 'loading');
  try {
    const latency = await api.getBucketLatency(bucketId, { day });
    if (mine !== ticket || selection.day !== day) return;
    if (!latency.nodes.some((n) => n.latencyMs.some((v) => v !== null))) {
      say(page.latencyStatus, `No latency was measured on ${day}.`, 'empty');
      return;
    }
    say(page.latencyStatus, '');
    page.latencyChart.setAttribute('aria-label', `Latency per minute of ${latency.nodes.length} nodes on ${day}, UTC`);
    const dayStart = Date.parse(`${day}T00:00:00Z`);
    chart = drawLatencyChart(page.latencyChart, latency, maintenanceSpans(windows, null, dayStart, dayStart + 86_400_000));
  } catch (error) {
    if (mine === ticket) fail(error, page.latencyStatus, `the latency of ${day}`);
  }
}

/** Shows the view of the selection: the bucket's health (bucket picker, SLA, days) or the workspace's alerts. */
function showView(): void {
  const alerts = selection.view === 'alerts';
  page.viewHealth.setAttribute('aria-pressed', String(!alerts));
  page.viewAlerts.setAttribute('aria-pressed', String(alerts));
  page.bucketLabel.hidden = alerts;
  page.alerts.view.hidden = !alerts;
  if (alerts) {
    for (const section of [page.sla.section, page.nodesSection, page.daySection]) section.hidden = true;
    say(page.status, '');
  } else closeAlerts();
}

async function showAlerts(mine: number): Promise<void> {
  if (!api || !selection.workspace) return;
  writeSelection(selection);
  await openAlerts({
    api,
    workspaceId: selection.workspace,
    role: roles.get(selection.workspace) ?? 'READ',
    buckets,
    fail,
    current: () => mine === ticket && selection.view === 'alerts',
  });
}

function chooseView(view: 'alerts' | undefined): void {
  if (selection.view === view) return;
  selection.view = view;
  writeSelection(selection);
  void openWorkspace();
}

const sla = slaController({
  api: () => api,
  bucket: () =>
    shown && { bucketId: shown.bucketId, bucketName: page.bucket.selectedOptions[0]?.text ?? 'bucket', windows: shown.windows },
  ticket: () => ticket,
  period: () => (isPeriodKind(selection.period) ? selection.period : 'this-month'),
  choose: (kind) => {
    selection.period = kind;
    writeSelection(selection);
  },
  today,
  now: serviceNow,
  fail,
});

page.viewHealth.addEventListener('click', () => chooseView(undefined));
page.viewAlerts.addEventListener('click', () => chooseView('alerts'));
page.signInForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const token = page.token.value.trim();
  if (token === '') say(page.signInMessage, 'Paste an API token first.', 'error');
  else void signIn(token, false);
});
page.signOut.addEventListener('click', () => signOut('Signed out. The token was removed from this tab.'));
page.workspace.addEventListener('change', () => {
  selection = { workspace: page.workspace.value, view: selection.view };
  void openWorkspace();
});
page.bucket.addEventListener('change', () => {
  selection = { workspace: selection.workspace, bucket: page.bucket.value, day: selection.day, period: selection.period };
  void openBucket();
});
page.refresh.addEventListener('click', () => void openBucket());
page.day.addEventListener('change', () => {
  if (/^\d{4}-\d{2}-\d{2}$/.test(page.day.value)) void openDay(page.day.value);
});
wireBars(page.nodes, page.tooltip, (day) => void openDay(day));
wide.addEventListener('change', () => void openBucket());
window.addEventListener('resize', () => chart?.setSize({ width: chartWidth(page.latencyChart), height: 260 }));
window.addEventListener('hashchange', () => {
  const next = readSelection();
  const sameBucket = next.workspace === selection.workspace && next.bucket === selection.bucket;
  selection = next;
  if (!api) return;
  if (sameBucket && next.day) void openDay(next.day);
  else
    void api.getWorkspaces().then(
      ({ workspaces }) => openWorkspaces(workspaces),
      (error: unknown) => fail(error, page.status, 'the workspaces'),
    );
});

renderLegend();
const saved = readToken();
if (saved) void signIn(saved, true);
else showSignIn();
