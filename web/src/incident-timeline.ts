import type { IncidentInfo, MaintenanceWindow, NodeReport } from '@flashback/bucket-stats-client';
import { duration, el, instantText } from './format.js';
import { maintenanceSpans, type Span } from './maintenance-spans.js';

const DAY_MS = 86_400_000;
// Narrower than this, a span would vanish: it is drawn this wide (in % of the track) instead.
const MIN_WIDTH_PERCENT = 0.25;

/** Where a span sits on a track of `[from, to)`, in % of its width. */
function place([start, end]: Span, from: number, to: number): string {
  const left = ((Math.max(start, from) - from) / (to - from)) * 100;
  const width = Math.max(MIN_WIDTH_PERCENT, ((Math.min(end, to) - Math.max(start, from)) / (to - from)) * 100);
  return `left:${left.toFixed(3)}%;width:${Math.min(width, 100 - left).toFixed(3)}%`;
}

function incidentText(incident: IncidentInfo): string {
  const end = incident.end === null ? 'ongoing' : instantText(incident.end);
  const parts = [`${instantText(incident.start)} → ${end}`, `${duration(incident.durationMs)} not ONLINE`];
  if (incident.offlineMs > 0) parts.push(`OFFLINE ${duration(incident.offlineMs)}`);
  if (incident.disconnectedMs > 0) parts.push(`silent ${duration(incident.disconnectedMs)}`);
  if (incident.maintenanceMs > 0) parts.push(`in maintenance ${duration(incident.maintenanceMs)}`);
  return parts.join(', ');
}

/** The look of an incident: excused (wholly in maintenance), OFFLINE or only silent. */
function incidentClass(incident: IncidentInfo): string {
  if (incident.maintenanceMs >= incident.durationMs) return 'incident excused';
  return incident.offlineMs > 0 ? 'incident offline' : 'incident silent';
}

/**
 * The period as one track per node: its incidents (red when OFFLINE, amber
 * when only silent, pale when wholly inside maintenance) over its announced
 * maintenance (striped). Spans are positioned by style attributes the
 * page's Content-Security-Policy allows (`style-src` covers them: no script).
 *
 * @example
 * section.replaceChildren(renderIncidentTimeline(report.nodes, incidents, windows, '2026-11-01', '2026-11-30', now));
 */
export function renderIncidentTimeline(
  nodes: readonly NodeReport[],
  incidents: readonly IncidentInfo[],
  windows: readonly MaintenanceWindow[],
  fromDay: string,
  toDay: string,
  now: number,
): HTMLElement {
  const from = Date.parse(`${fromDay}T00:00:00Z`);
  const to = Math.min(Date.parse(`${toDay}T00:00:00Z`) + DAY_MS, Math.max(now, from + 1));
  const rows = nodes.map((node) => {
    const own = incidents.filter((i) => i.nodeId === node.nodeId);
    const maintenance = maintenanceSpans(windows, node.nodeId, from, to).map((span) =>
      el('span', { class: 'timeline-maintenance', style: place(span, from, to) }),
    );
    const spans = own.map((incident) => {
      const end = incident.end === null ? to : Date.parse(incident.end);
      const text = `${node.host}: ${incidentText(incident)}`;
      return el('span', {
        class: incidentClass(incident),
        style: place([Date.parse(incident.start), end], from, to),
        title: text,
        role: 'img',
        'aria-label': text,
        'data-start': incident.start,
      });
    });
    return el(
      'li',
      { class: 'timeline-row', 'data-node-id': node.nodeId },
      el('span', { class: 'timeline-host' }, node.host),
      el('span', { class: 'timeline-track' }, ...maintenance, ...spans),
    );
  });
  return el(
    'div',
    { class: 'timeline' },
    el(
      'ul',
      { class: 'timeline-rows', 'aria-label': `Incidents per node from ${fromDay} to ${toDay}` },
      el(
        'li',
        { class: 'timeline-row timeline-axis', 'aria-hidden': 'true' },
        el('span', {}),
        el('span', { class: 'axis-labels' }, el('span', {}, fromDay), el('span', {}, toDay)),
      ),
      ...rows,
    ),
    el(
      'p',
      { class: 'legend' },
      ...[
        ['incident offline', 'OFFLINE'],
        ['incident silent', 'silent (DISCONNECTED)'],
        ['incident excused', 'inside maintenance'],
        ['timeline-maintenance', 'announced maintenance'],
      ].map(([className, label]) =>
        el('span', { class: 'legend-item' }, el('span', { class: `swatch ${className}`, 'aria-hidden': 'true' }), label),
      ),
    ),
  );
}

/**
 * The newest incidents as a list, each said in one line, at most `limit`.
 *
 * @example
 * section.append(renderIncidentList(incidents, hostOf, 8));
 */
export function renderIncidentList(incidents: readonly IncidentInfo[], limit: number): HTMLElement {
  if (incidents.length === 0) return el('p', { class: 'empty' }, 'No incident in this period.');
  const shown = incidents.slice(0, limit);
  const more = incidents.length - shown.length;
  return el(
    'div',
    {},
    el(
      'ol',
      { class: 'incident-list' },
      ...shown.map((incident) =>
        el(
          'li',
          { 'data-node-id': incident.nodeId, 'data-duration-ms': incident.durationMs },
          el('span', { class: `swatch ${incidentClass(incident)}`, 'aria-hidden': 'true' }),
          el('strong', {}, incident.host),
          ` ${incidentText(incident)}`,
        ),
      ),
    ),
    more > 0 ? el('p', { class: 'hint' }, `and ${more} older; the CSV and PDF list them all.`) : undefined,
  );
}
