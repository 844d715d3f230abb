import type { ApiClient, MaintenanceWindow } from '@flashback/bucket-stats-client';
import { page, say } from './page.js';
import { downloadReport, loadSla, renderPeriodPicker, type SlaShown } from './sla-panel.js';
import { periodOf, type PeriodKind } from './sla-period.js';

/** What the SLA panel asks of the page around it. */
export interface SlaHost {
  api(): ApiClient | undefined;
  /** The bucket shown (its name and maintenance windows), if any. */
  bucket(): { bucketId: string; bucketName: string; windows: readonly MaintenanceWindow[] } | undefined;
  /** The page's load ticket: an answer that comes after a newer load started is dropped. */
  ticket(): number;
  /** The period of the selection, and how to remember a new one (the link). */
  period(): PeriodKind;
  choose(kind: PeriodKind): void;
  today(): string;
  now(): number;
  fail(error: unknown, region: HTMLElement, what: string): void;
}

/**
 * Wires the Service level panel (period picker, downloads) and answers how
 * to open it for the bucket shown.
 *
 * @example
 * const sla = slaController(host); await sla.open();
 */
export function slaController(host: SlaHost): { open(): Promise<void> } {
  let shown: SlaShown | undefined;
  const elements = page.sla;

  async function open(): Promise<void> {
    const api = host.api();
    const bucket = host.bucket();
    if (!api || !bucket) return;
    const mine = host.ticket();
    const asked: SlaShown = {
      bucketId: bucket.bucketId,
      bucketName: bucket.bucketName,
      period: periodOf(host.period(), host.today()),
    };
    shown = asked;
    elements.section.hidden = false;
    const current = () => mine === host.ticket() && shown === asked;
    say(elements.status, `Loading the report of ${asked.period.label}…`, 'loading');
    elements.section.setAttribute('aria-busy', 'true');
    try {
      await loadSla(api, elements, asked, bucket.windows, host.now(), current);
      if (current()) say(elements.status, '');
    } catch (error) {
      if (current()) host.fail(error, elements.status, `the report of ${asked.period.label}`);
    } finally {
      if (current()) elements.section.removeAttribute('aria-busy');
    }
  }

  function download(kind: 'csv' | 'pdf'): void {
    const api = host.api();
    const asked = shown;
    if (!api || !asked) return;
    say(elements.status, `Preparing the ${kind.toUpperCase()} of ${asked.period.label}…`, 'loading');
    downloadReport(api, asked, kind).then(
      () => say(elements.status, ''),
      (error: unknown) => host.fail(error, elements.status, `the ${kind.toUpperCase()} report`),
    );
  }

  renderPeriodPicker(elements.periods, host.period(), (kind) => {
    host.choose(kind);
    void open();
  });
  elements.downloadCsv.addEventListener('click', () => download('csv'));
  elements.downloadPdf.addEventListener('click', () => download('pdf'));
  return { open };
}
