import type { AlertChannel, AlertChannelKind, AlertRuleEvent, ApiClient } from '@flashback/bucket-stats-client';
import { ADMIN_ONLY, checked, fillChecks, renderChannels, renderDeliveries, renderRules, type Named } from './alert-lists.js';
import { failureText } from './dashboard-client.js';
import { page, say } from './page.js';

/** What the Alerts view needs from the page around it. */
export interface AlertsScope {
  api: ApiClient;
  workspaceId: string;
  role: string;
  buckets: Named[];
  /** Where failures go (a 401 signs out). */
  fail(error: unknown, region: HTMLElement, what: string): void;
  /** Whether this scope is still the one shown. */
  current(): boolean;
}

// Deliveries move on their own (retries, the alerts of the fleet): the view looks again this often.
const DELIVERIES_EVERY_MS = 5_000;

let scope: AlertsScope | undefined;
let channels: AlertChannel[] = [];
let poll: ReturnType<typeof setInterval> | undefined;
const a = page.alerts;

const isAdmin = (): boolean => scope?.role === 'ADMIN';

async function loadDeliveries(): Promise<void> {
  const s = scope;
  if (!s) return;
  try {
    const { deliveries } = await s.api.getAlertDeliveries(s.workspaceId, { limit: 50 });
    if (s === scope && s.current()) a.deliveries.replaceChildren(renderDeliveries(deliveries, channels));
  } catch (error) {
    if (s === scope && s.current()) s.fail(error, a.status, 'the deliveries');
  }
}

/** Does `work`, saying what it did, or why not, in the view's status line; then shows everything again. */
async function act(doing: string, work: () => Promise<string>): Promise<void> {
  const s = scope;
  if (!s) return;
  say(a.status, `${doing}…`, 'loading');
  try {
    const done = await work();
    if (s !== scope) return;
    say(a.status, done, 'info');
    await load();
  } catch (error) {
    if (s === scope) s.fail(error, a.status, doing.toLowerCase());
  }
}

async function load(): Promise<void> {
  const s = scope;
  if (!s) return;
  const [channelAnswer, ruleAnswer] = await Promise.all([
    s.api.getAlertChannels(s.workspaceId),
    s.api.getAlertRules(s.workspaceId),
  ]);
  if (s !== scope || !s.current()) return;
  channels = channelAnswer.channels;
  a.channels.replaceChildren(
    renderChannels(channels, isAdmin(), {
      test: (c) =>
        void act(`Sending a test to ${c.name}`, async () => {
          const { eventId } = await s.api.testAlertChannel(s.workspaceId, c.id);
          setTimeout(() => void loadDeliveries(), 1_000);
          return `Test event ${eventId} queued for ${c.name}; its delivery shows below.`;
        }),
      enable: (c) =>
        void act(`Enabling ${c.name}`, async () => {
          await s.api.updateAlertChannel(s.workspaceId, c.id, { enabled: true });
          return `Enabled the channel ${c.name}: new events go to it again.`;
        }),
      rotateSecret: (c) =>
        void act(`Rotating the secret of ${c.name}`, async () => {
          const { secret } = await s.api.rotateAlertChannelSecret(s.workspaceId, c.id);
          showSecret(c.name, secret);
          return `New secret for ${c.name}: webhooks are signed with it from now on.`;
        }),
      remove: (c) =>
        void act(`Deleting ${c.name}`, async () => {
          await s.api.deleteAlertChannel(s.workspaceId, c.id);
          return `Deleted the channel ${c.name}.`;
        }),
    }),
  );
  a.rules.replaceChildren(
    renderRules(
      ruleAnswer.rules,
      channels,
      s.buckets,
      isAdmin(),
      (r) =>
        void act(`Deleting ${r.name}`, async () => {
          await s.api.deleteAlertRule(s.workspaceId, r.id);
          return `Deleted the rule ${r.name}.`;
        }),
    ),
  );
  fillChecks(a.ruleChannels, channels, 'channel', 'Add a channel first.');
  fillChecks(a.ruleBuckets, s.buckets, 'bucket', 'No bucket yet: the rule covers the ones made later.');
  await loadDeliveries();
}

function showRole(): void {
  const admin = isAdmin();
  for (const form of [a.channelForm, a.ruleForm]) {
    const fieldset = form.querySelector('fieldset');
    if (fieldset) fieldset.disabled = !admin;
    form.title = admin ? '' : ADMIN_ONLY;
  }
  say(
    a.role,
    admin ? '' : `You are ${scope?.role ?? 'a member'} in this workspace: you see its alerts; ${ADMIN_ONLY.toLowerCase()}.`,
    'info',
  );
}

/**
 * Shows the Alerts view of a workspace: channels, rules, recent deliveries
 * (looked at again every 5 s while shown), and the forms to add channels and
 * rules, disabled with why for members who are not ADMIN.
 *
 * @example
 * await openAlerts({ api, workspaceId, role: 'ADMIN', buckets, fail, current: () => true });
 */
export async function openAlerts(next: AlertsScope): Promise<void> {
  scope = next;
  a.secret.hidden = true;
  showRole();
  clearInterval(poll);
  poll = setInterval(() => void loadDeliveries(), DELIVERIES_EVERY_MS);
  say(a.status, 'Loading the alerts…', 'loading');
  try {
    await load();
    if (scope === next) say(a.status, '');
  } catch (error) {
    if (scope === next && next.current()) next.fail(error, a.status, 'the alerts');
  }
}

/** Leaves the view: no more looking at deliveries. */
export function closeAlerts(): void {
  clearInterval(poll);
  poll = undefined;
  scope = undefined;
}

function targetKind(): AlertChannelKind {
  return a.channelKind.value as AlertChannelKind;
}

a.channelKind.addEventListener('change', () => {
  const email = targetKind() === 'email';
  a.channelTarget.type = email ? 'email' : 'url';
  a.channelTarget.placeholder = email ? 'oncall@example.com' : 'https://…';
  a.channelTargetText.textContent = email ? 'Address' : 'URL';
});

a.channelForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const s = scope;
  const name = a.channelName.value.trim();
  const target = a.channelTarget.value.trim();
  if (!s || name === '' || target === '') return say(a.status, 'A channel needs a name and a target.', 'error');
  const kind = targetKind();
  void act(`Adding ${name}`, async () => {
    const answer = await s.api.createAlertChannel(s.workspaceId, {
      name,
      kind,
      ...(kind === 'email' ? { email: target } : { url: target }),
    });
    a.channelForm.reset();
    if (answer.secret) showSecret(answer.channel.name, answer.secret);
    return `Added the ${kind} channel ${answer.channel.name}.`;
  });
});

/** Shows a webhook secret once (at creation or rotation), until Done. */
function showSecret(channelName: string, secret: string): void {
  a.secretChannel.textContent = channelName;
  a.secretValue.textContent = secret;
  a.secret.hidden = false;
}

a.secretCopy.addEventListener('click', () => {
  navigator.clipboard.writeText(a.secretValue.textContent ?? '').then(
    () => say(a.status, 'The secret is on the clipboard.', 'info'),
    (error: unknown) => say(a.status, `Could not copy: ${failureText(error)}. Select it and copy by hand.`, 'error'),
  );
});
a.secretDone.addEventListener('click', () => {
  a.secretValue.textContent = '';
  a.secret.hidden = true;
});

a.ruleForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const s = scope;
  const name = a.ruleName.value.trim();
  const events = checked(a.ruleForm, 'event') as AlertRuleEvent[];
  const channelIds = checked(a.ruleChannels, 'channel');
  const below = a.ruleBelow.value === '' ? null : Number(a.ruleBelow.value);
  if (!s || name === '' || events.length === 0 || channelIds.length === 0)
    return say(a.status, 'A rule needs a name, at least one event and one channel.', 'error');
  if (events.includes('uptime.below') && below === null)
    return say(a.status, 'uptime.below needs a threshold (Uptime below).', 'error');
  void act(`Adding ${name}`, async () => {
    await s.api.createAlertRule(s.workspaceId, {
      name,
      events,
      channelIds,
      bucketIds: checked(a.ruleBuckets, 'bucket'),
      forSeconds: Number(a.ruleFor.value || '0'),
      ...(events.includes('uptime.below') && { uptimeBelow: below }),
    });
    a.ruleForm.reset();
    return `Added the rule ${name}.`;
  });
});
a.deliveriesRefresh.addEventListener('click', () => void loadDeliveries());
