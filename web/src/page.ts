import { el, UPTIME_BANDS } from './format.js';

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`index.html has no #${id}`);
  return element as T;
}

/** The fixed parts of index.html that the script fills in. */
export const page = {
  signOut: byId<HTMLButtonElement>('sign-out'),
  signIn: byId<HTMLElement>('sign-in'),
  signInForm: byId<HTMLFormElement>('sign-in-form'),
  token: byId<HTMLInputElement>('token'),
  signInMessage: byId<HTMLElement>('sign-in-message'),
  dashboard: byId<HTMLElement>('dashboard'),
  workspace: byId<HTMLSelectElement>('workspace'),
  bucket: byId<HTMLSelectElement>('bucket'),
  refresh: byId<HTMLButtonElement>('refresh'),
  status: byId<HTMLElement>('status'),
  nodesSection: byId<HTMLElement>('nodes-section'),
  nodesTitle: byId<HTMLElement>('nodes-title'),
  legend: byId<HTMLElement>('legend'),
  nodes: byId<HTMLElement>('nodes'),
  daySection: byId<HTMLElement>('day-section'),
  dayTitle: byId<HTMLElement>('day-title'),
  day: byId<HTMLInputElement>('day'),
  dayTable: byId<HTMLElement>('day-table'),
  latencyStatus: byId<HTMLElement>('latency-status'),
  latencyChart: byId<HTMLElement>('latency-chart'),
  tooltip: byId<HTMLElement>('tooltip'),
  viewHealth: byId<HTMLButtonElement>('view-health'),
  viewAlerts: byId<HTMLButtonElement>('view-alerts'),
  bucketLabel: byId<HTMLElement>('bucket-label'),
  alerts: {
    view: byId<HTMLElement>('alerts-view'),
    role: byId<HTMLElement>('alerts-role'),
    status: byId<HTMLElement>('alerts-status'),
    channels: byId<HTMLElement>('channels'),
    secret: byId<HTMLElement>('secret-once'),
    secretChannel: byId<HTMLElement>('secret-channel'),
    secretValue: byId<HTMLElement>('secret-value'),
    secretCopy: byId<HTMLButtonElement>('secret-copy'),
    secretDone: byId<HTMLButtonElement>('secret-done'),
    channelForm: byId<HTMLFormElement>('channel-form'),
    channelName: byId<HTMLInputElement>('channel-name'),
    channelKind: byId<HTMLSelectElement>('channel-kind'),
    channelTarget: byId<HTMLInputElement>('channel-target'),
    channelTargetText: byId<HTMLElement>('channel-target-text'),
    rules: byId<HTMLElement>('rules'),
    ruleForm: byId<HTMLFormElement>('rule-form'),
    ruleName: byId<HTMLInputElement>('rule-name'),
    ruleChannels: byId<HTMLElement>('rule-channels'),
    ruleBuckets: byId<HTMLElement>('rule-buckets'),
    ruleFor: byId<HTMLInputElement>('rule-for'),
    ruleBelow: byId<HTMLInputElement>('rule-below'),
    deliveries: byId<HTMLElement>('deliveries'),
    deliveriesRefresh: byId<HTMLButtonElement>('deliveries-refresh'),
  },
  sla: {
    section: byId<HTMLElement>('sla-section'),
    periods: byId<HTMLElement>('periods'),
    periodLabel: byId<HTMLElement>('period-label'),
    figures: byId<HTMLElement>('sla-figures'),
    timeline: byId<HTMLElement>('incident-timeline'),
    incidents: byId<HTMLElement>('incident-list'),
    nodes: byId<HTMLElement>('sla-nodes'),
    downloadCsv: byId<HTMLButtonElement>('download-csv'),
    downloadPdf: byId<HTMLButtonElement>('download-pdf'),
    status: byId<HTMLElement>('sla-status'),
  },
};

/**
 * Says what is going on in a live region (`kind`: loading, empty or error,
 * for its look); an empty text clears it.
 *
 * @example
 * say(page.status, 'Loading the last 30 days…', 'loading');
 */
export function say(region: HTMLElement, text: string, kind: 'loading' | 'empty' | 'error' | 'info' = 'info'): void {
  region.textContent = text;
  region.dataset.kind = kind;
  region.hidden = text === '';
}

/** Fills a select with `items` by name, choosing `chosen` (or the first). Returns the id chosen. */
export function fillSelect(
  select: HTMLSelectElement,
  items: ReadonlyArray<{ id: string; name: string }>,
  chosen: string | undefined,
): string | undefined {
  const sorted = [...items].sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
  select.replaceChildren(...sorted.map((item) => el('option', { value: item.id }, item.name)));
  const id = sorted.some((item) => item.id === chosen) ? chosen : sorted[0]?.id;
  select.value = id ?? '';
  select.disabled = sorted.length === 0;
  return id;
}

/** The colour legend of the bars. */
export function renderLegend(): void {
  page.legend.replaceChildren(
    ...UPTIME_BANDS.map(([className, label]) =>
      el('span', { class: 'legend-item' }, el('span', { class: `swatch ${className}`, 'aria-hidden': 'true' }), label),
    ),
    el(
      'span',
      { class: 'legend-item' },
      el('span', { class: 'swatch u-top maintenance-swatch', 'aria-hidden': 'true' }),
      'announced maintenance',
    ),
  );
}

/** Shows the sign-in form (with why, when a session ended) or the dashboard. */
export function showSignIn(message = ''): void {
  page.dashboard.hidden = true;
  page.signOut.hidden = true;
  page.signIn.hidden = false;
  page.tooltip.hidden = true;
  say(page.signInMessage, message, 'error');
  page.token.value = '';
  page.token.focus();
}

export function showDashboard(): void {
  page.signIn.hidden = true;
  page.signOut.hidden = false;
  page.dashboard.hidden = false;
  say(page.signInMessage, '');
}
