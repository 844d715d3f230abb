import type { ApiClient, GetBucketReportResponse, MaintenanceWindow } from '@flashback/bucket-stats-client';
import { el } from './format.js';
import { renderIncidentList, renderIncidentTimeline } from './incident-timeline.js';
import { renderSlaFigures, renderSlaNodes } from './sla-figures.js';
import { PERIOD_NAMES, PERIODS, type Period, type PeriodKind } from './sla-period.js';

/** The parts of index.html's SLA section. */
export interface SlaElements {
  section: HTMLElement;
  periods: HTMLElement;
  periodLabel: HTMLElement;
  figures: HTMLElement;
  timeline: HTMLElement;
  incidents: HTMLElement;
  nodes: HTMLElement;
  downloadCsv: HTMLButtonElement;
  downloadPdf: HTMLButtonElement;
  status: HTMLElement;
}

/** What the panel shows: the report, the incidents and the windows of one bucket and period. */
export interface SlaShown {
  bucketId: string;
  bucketName: string;
  period: Period;
}

/**
 * Draws the period picker's buttons (a radio group by `aria-pressed`),
 * calling `choose` with the period picked.
 *
 * @example
 * renderPeriodPicker(page.sla.periods, 'this-month', (kind) => void openSla(kind));
 */
export function renderPeriodPicker(container: HTMLElement, chosen: PeriodKind, choose: (kind: PeriodKind) => void): void {
  container.replaceChildren(
    ...PERIODS.map((kind) => {
      const button = el(
        'button',
        { type: 'button', class: 'segment', 'data-period': kind, 'aria-pressed': String(kind === chosen) },
        PERIOD_NAMES[kind],
      );
      button.addEventListener('click', () => choose(kind));
      return button;
    }),
  );
}

/**
 * Loads the report and the incidents of `period` and shows them, with the
 * bucket's `windows` shaded on the incident timeline. Answers whether it
 * is still wanted (`current()`), so that a newer choice is never
 * overwritten by an older answer. Failures are thrown to the caller.
 *
 * @example
 * await loadSla(api, elements, shown, windows, serviceNow(), () => mine === ticket);
 */
export async function loadSla(
  api: ApiClient,
  elements: SlaElements,
  shown: SlaShown,
  windows: readonly MaintenanceWindow[],
  now: number,
  current: () => boolean,
): Promise<GetBucketReportResponse | undefined> {
  const { from, to } = shown.period;
  for (const button of elements.periods.querySelectorAll<HTMLButtonElement>('button')) {
    button.setAttribute('aria-pressed', String(button.dataset.period === shown.period.kind));
  }
  elements.periodLabel.textContent = `${shown.period.label}: ${from} to ${to} (UTC)`;
  const [report, { incidents }] = await Promise.all([
    api.getBucketReport(shown.bucketId, { from, to }),
    api.getBucketIncidents(shown.bucketId, { from, to }),
  ]);
  if (!current()) return undefined;
  elements.figures.replaceChildren(renderSlaFigures(report));
  elements.figures.dataset.from = report.from;
  elements.figures.dataset.to = report.to;
  elements.timeline.replaceChildren(renderIncidentTimeline(report.nodes, incidents, windows, from, to, now));
  elements.incidents.replaceChildren(renderIncidentList(incidents, 8));
  elements.nodes.replaceChildren(renderSlaNodes(report));
  return report;
}

/**
 * Asks the service for the report as CSV or PDF (through the client, with
 * the signed-in token) and hands it to the browser as a download.
 *
 * @example
 * await downloadReport(api, shown, 'pdf');
 */
export async function downloadReport(api: ApiClient, shown: SlaShown, kind: 'csv' | 'pdf'): Promise<void> {
  const request = { from: shown.period.from, to: shown.period.to };
  const blob =
    kind === 'csv'
      ? new Blob([await api.getBucketReportCsv(shown.bucketId, request)], { type: 'text/csv' })
      : new Blob([new Uint8Array(await api.getBucketReportPdf(shown.bucketId, request))], { type: 'application/pdf' });
  const url = URL.createObjectURL(blob);
  const name = `${shown.bucketName}-sla-${request.from}-${request.to}.${kind}`.replace(/[^\w.-]+/g, '_');
  const link = el('a', { href: url, download: name, hidden: true });
  document.body.append(link);
  link.click();
  link.remove();
  // The browser has taken the file once the click is handled; the URL can go after that.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
