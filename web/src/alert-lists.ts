import type { AlertChannel, AlertDelivery, AlertRule } from '@flashback/bucket-stats-client';
import { el, instantText } from './format.js';

/** Why a button is greyed out for members who are not ADMIN (alerts.md: ADMIN members manage channels and rules). */
export const ADMIN_ONLY = 'Only ADMIN members of this workspace can change its alerts';

export interface Named {
  id: string;
  name: string;
}

/** An action button of a row: disabled, with why, for non-admins. */
function action(label: string, name: string, isAdmin: boolean, run: () => void): HTMLButtonElement {
  const button = el('button', {
    type: 'button',
    class: 'secondary small',
    'data-action': name,
    disabled: !isAdmin,
    title: isAdmin ? undefined : ADMIN_ONLY,
  });
  button.textContent = label;
  button.addEventListener('click', run);
  return button;
}

function table(caption: string, headers: readonly string[], rows: HTMLElement[]): HTMLElement {
  return el(
    'table',
    { class: 'alert-table' },
    el('caption', { class: 'visually-hidden' }, caption),
    el('thead', {}, el('tr', {}, ...headers.map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, ...rows),
  );
}

const cell = (label: string, ...content: Array<Node | string>): HTMLElement => el('td', { 'data-label': label }, ...content);

/** What the buttons of a channel's row do. */
export interface ChannelActions {
  test(channel: AlertChannel): void;
  /** Enables a channel that a 410 (or an ADMIN) disabled. */
  enable(channel: AlertChannel): void;
  rotateSecret(channel: AlertChannel): void;
  remove(channel: AlertChannel): void;
}

/**
 * The workspace's channels, each with Test, Enable (when disabled), Rotate
 * secret (webhooks) and Delete, for ADMIN members.
 *
 * @example
 * page.alerts.channels.replaceChildren(renderChannels(channels, true, { test, enable, rotateSecret, remove }));
 */
export function renderChannels(channels: readonly AlertChannel[], isAdmin: boolean, on: ChannelActions): HTMLElement {
  if (channels.length === 0) return el('p', { class: 'empty' }, 'No channel yet: add one below.');
  const rows = channels.map((c) =>
    el(
      'tr',
      { 'data-channel-id': c.id },
      el('th', { scope: 'row', 'data-label': 'Name' }, c.name),
      cell('Kind', c.kind),
      cell('Target', el('code', { class: 'target' }, c.target)),
      cell(
        'State',
        c.enabled
          ? el('span', { class: 'badge ok' }, 'enabled')
          : el(
              'span',
              { class: 'badge bad', title: c.disabledReason ?? '' },
              `disabled: ${c.disabledReason ?? 'no reason given'}`,
            ),
      ),
      cell(
        'Actions',
        action('Send test', 'test', isAdmin, () => on.test(c)),
        ...(c.enabled ? [] : [action('Enable', 'enable', isAdmin, () => on.enable(c))]),
        ...(c.kind === 'webhook' ? [action('Rotate secret', 'rotate-secret', isAdmin, () => on.rotateSecret(c))] : []),
        action('Delete', 'delete', isAdmin, () => on.remove(c)),
      ),
    ),
  );
  return table('Alert channels', ['Name', 'Kind', 'Target', 'State', ''], rows);
}

const namesOf = (ids: readonly string[], known: readonly Named[]): string =>
  ids.map((id) => known.find((k) => k.id === id)?.name ?? `${id.slice(0, 8)}… (gone)`).join(', ');

/**
 * The workspace's rules in words: events, buckets (or all), channels by name, hold-down and threshold.
 *
 * @example
 * page.alerts.rules.replaceChildren(renderRules(rules, channels, buckets, true, remove));
 */
export function renderRules(
  rules: readonly AlertRule[],
  channels: readonly Named[],
  buckets: readonly Named[],
  isAdmin: boolean,
  remove: (rule: AlertRule) => void,
): HTMLElement {
  if (rules.length === 0) return el('p', { class: 'empty' }, 'No rule yet: nothing is sent until a rule names a channel.');
  const rows = rules.map((r) =>
    el(
      'tr',
      { 'data-rule-id': r.id },
      el('th', { scope: 'row', 'data-label': 'Name' }, r.name),
      cell('Events', ...r.events.map((e) => el('span', { class: 'badge event' }, e))),
      cell('Buckets', r.bucketIds.length === 0 ? 'all' : namesOf(r.bucketIds, buckets)),
      cell('Channels', namesOf(r.channelIds, channels)),
      cell('Down for', r.forSeconds === 0 ? 'at once' : `${r.forSeconds} s`),
      cell('Uptime below', r.uptimeBelow === null ? '—' : `${r.uptimeBelow} %`),
      cell(
        'Actions',
        action('Delete', 'delete', isAdmin, () => remove(r)),
      ),
    ),
  );
  return table('Alert rules', ['Name', 'Events', 'Buckets', 'Channels', 'Down for', 'Uptime below', ''], rows);
}

/**
 * Every try of the recent deliveries, newest first, with its status as a badge.
 *
 * @example
 * page.alerts.deliveries.replaceChildren(renderDeliveries(deliveries, channels));
 */
export function renderDeliveries(deliveries: readonly AlertDelivery[], channels: readonly Named[]): HTMLElement {
  if (deliveries.length === 0) return el('p', { class: 'empty' }, 'Nothing sent yet. “Send test” on a channel sends one now.');
  const badge = { delivered: 'ok', pending: 'wait', failed: 'bad', gave_up: 'bad' } as const;
  const rows = deliveries.map((d) =>
    el(
      'tr',
      { 'data-event-id': d.eventId, 'data-status': d.status },
      cell(
        'When',
        d.attemptedAt ? instantText(d.attemptedAt) : `next try ${d.nextAttemptAt ? instantText(d.nextAttemptAt) : '—'}`,
      ),
      cell('Event', el('span', { class: 'badge event' }, d.eventType)),
      cell('Channel', namesOf([d.channelId], channels)),
      cell('Try', String(d.attempt)),
      cell('Status', el('span', { class: `badge ${badge[d.status]}` }, d.status.replace('_', ' '))),
      cell('HTTP', d.httpStatus === null ? '—' : String(d.httpStatus)),
      cell('Time', d.durationMs === null ? '—' : `${d.durationMs} ms`),
      cell('Error', d.error ?? ''),
    ),
  );
  return table('Recent deliveries', ['When', 'Event', 'Channel', 'Try', 'Status', 'HTTP', 'Time', 'Error'], rows);
}

/** Fills a fieldset with one checkbox per item (keeping its legend), none checked. */
export function fillChecks(fieldset: HTMLElement, items: readonly Named[], name: string, empty: string): void {
  const legend = fieldset.querySelector('legend');
  const boxes = items.map((item) => el('label', {}, el('input', { type: 'checkbox', name, value: item.id }), ` ${item.name}`));
  fieldset.replaceChildren(...(legend ? [legend] : []), ...(boxes.length > 0 ? boxes : [el('p', { class: 'hint' }, empty)]));
}

/** The values of the checked boxes named `name` in `container`. */
export function checked(container: HTMLElement, name: string): string[] {
  return [...container.querySelectorAll<HTMLInputElement>(`input[name="${name}"]:checked`)].map((box) => box.value);
}
