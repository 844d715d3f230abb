const DAY_MS = 86_400_000;

/** The UTC day (YYYY-MM-DD) of an instant. */
export function dayOf(instant: number): string {
  return new Date(instant).toISOString().slice(0, 10);
}

/**
 * The UTC day `offset` days after `day`.
 *
 * @example
 * addDays('2024-03-01', -1) // '2024-02-29'
 */
export function addDays(day: string, offset: number): string {
  return dayOf(Date.parse(`${day}T00:00:00.000Z`) + offset * DAY_MS);
}

/** The `count` UTC days ending with `lastDay`, oldest first. */
export function daysEnding(lastDay: string, count: number): string[] {
  return Array.from({ length: count }, (_, i) => addDays(lastDay, i - count + 1));
}

/**
 * The colour band of a day's uptime, as a CSS class. Bands are narrow at
 * the top because that is where service levels are decided (99.9 vs 99).
 *
 * @example
 * uptimeClass(99.95) // 'u-top'
 * uptimeClass(undefined) // 'u-none' (no data: drawn differently from 0 %)
 */
export function uptimeClass(percent: number | undefined): string {
  if (percent === undefined) return 'u-none';
  if (percent >= 99.9) return 'u-top';
  if (percent >= 99) return 'u-high';
  if (percent >= 95) return 'u-mid';
  if (percent >= 80) return 'u-low';
  return 'u-bad';
}

/** The colour bands, for the legend. */
export const UPTIME_BANDS: ReadonlyArray<[className: string, label: string]> = [
  ['u-top', '≥ 99.9 %'],
  ['u-high', '≥ 99 %'],
  ['u-mid', '≥ 95 %'],
  ['u-low', '≥ 80 %'],
  ['u-bad', '< 80 %'],
  ['u-none', 'no data'],
];

export const percent = (value: number): string => `${value} %`;
export const millis = (value: number | null): string => (value === null ? 'not measured' : `${value} ms`);

/**
 * A latency percentile: exact to 1 % only (sla.md), so a tenth of a millisecond says all it knows.
 *
 * @example
 * quantileMillis(47.989270867960755) // '48 ms'
 */
export const quantileMillis = (value: number | null, none = 'not measured'): string =>
  value === null ? none : `${Number(value.toFixed(1))} ms`;

/**
 * A length of time in the two largest units that matter.
 *
 * @example
 * duration(3_720_000) // '1 h 2 min'
 * duration(0) // '0 s'
 */
export function duration(ms: number): string {
  const seconds = Math.round(ms / 1000);
  const parts: Array<[number, string]> = [
    [Math.floor(seconds / 86_400), 'd'],
    [Math.floor(seconds / 3600) % 24, 'h'],
    [Math.floor(seconds / 60) % 60, 'min'],
    [seconds % 60, 's'],
  ];
  const first = parts.findIndex(([value]) => value > 0);
  if (first === -1) return '0 s';
  return parts
    .slice(first, first + 2)
    .filter(([value]) => value > 0)
    .map(([value, unit]) => `${value} ${unit}`)
    .join(' ');
}

/** `2024-01-15T10:30:00.000Z` as `2024-01-15 10:30:00 UTC`. */
export function instantText(iso: string): string {
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)} UTC`;
}

/** The status word's CSS class: ONLINE green, OFFLINE red, anything else grey. */
export function statusClass(status: string | undefined): string {
  if (status === 'ONLINE') return 's-online';
  if (status === 'OFFLINE') return 's-offline';
  return status === 'DISCONNECTED' ? 's-disconnected' : 's-none';
}

/**
 * Creates an element with attributes and children, the only way the page
 * builds its DOM: text is always set as text, never parsed as HTML.
 *
 * @example
 * el('td', { 'data-field': 'host' }, entry.host)
 */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attributes: Record<string, string | number | boolean | undefined> = {},
  ...children: Array<Node | string | undefined>
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes)) {
    if (value === undefined || value === false) continue;
    if (name === 'class') element.className = String(value);
    else element.setAttribute(name, value === true ? '' : String(value));
  }
  for (const child of children) if (child !== undefined) element.append(child);
  return element;
}
