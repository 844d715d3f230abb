import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import Negotiator from 'negotiator';
import { requireBucketRole } from '../../auth/access.js';
import { lookbackDays } from '../../stats/bucket-day-stats.js';
import { bucketPeriodReport } from '../../stats/bucket-period-report.js';
import type { DaySpan } from '../../stats/incidents.js';
import { maintenanceOf } from '../../stats/maintenance.js';
import type { MaintenanceOf } from '../../stats/period-report.js';
import { dayOf, formatInstant } from '../../time/instant.js';
import type { AppContext } from '../app-context.js';
import { principalOf } from '../authenticate.js';
import { requireDaySpan } from '../day-span-input.js';
import { incidentInfoOf, incidentsAnswerOf, reportAnswerOf } from '../report-answer.js';
import { ReportCache } from '../report-cache.js';
import { reportCsv } from '../report-csv.js';
import { reportPdf } from '../report-pdf.js';
import { errorResponses } from '../schemas/common-schemas.js';
import {
  CsvReport,
  GetBucketIncidentsResponse,
  GetBucketReportRequest,
  GetBucketReportResponse,
  PdfReport,
} from '../schemas/report-schemas.js';
import { BucketParams } from '../schemas/stats-schemas.js';

const REPORT_TYPES = ['application/json', 'text/csv', 'application/pdf'] as const;
type ReportType = (typeof REPORT_TYPES)[number];

/** The answer's media type by the request's `Accept` (quality values honoured); JSON when none of ours is asked. */
function reportTypeOf(accept: string | undefined): ReportType {
  const chosen = new Negotiator({ headers: { accept: accept ?? '*/*' } }).mediaType([...REPORT_TYPES]);
  return (chosen as ReportType | undefined) ?? 'application/json';
}

/**
 * `POST /bucket/{bucketId}/report` (the SLA report of a period, as JSON,
 * CSV or PDF) and `POST /bucket/{bucketId}/incidents` (`sla.md`): the same
 * body, access rules and error order as the range call.
 */
export const reportRoutes: FastifyPluginAsyncTypebox<AppContext> = async (app, { store, clock, stats }) => {
  const reports = new ReportCache(store.events, lookbackDays(stats));

  /** Validates, checks access, and answers the period's report (kept or computed). */
  const periodReport = async (
    bucketId: string,
    body: { from: string; to: string },
    principal: ReturnType<typeof principalOf>,
  ) => {
    const now = clock.now();
    const period: DaySpan = requireDaySpan(body, now);
    await requireBucketRole(store, principal, bucketId, 'READ');
    const versions = await store.maintenance.versions(bucketId);
    const maintenance: MaintenanceOf = (nodeId, from, to) => maintenanceOf(versions, nodeId, from, to);
    const report = await reports.report(bucketId, period, dayOf(now), versions, () =>
      bucketPeriodReport(store.stats, bucketId, period, now, stats, maintenance),
    );
    return { report, now };
  };

  app.post(
    '/bucket/:bucketId/report',
    {
      config: { access: 'user' },
      schema: {
        summary: 'Get the SLA report of a period',
        description:
          'Per node and for the bucket, over the UTC days `from` to `to` (both included, at most 366, not after the current ' +
          'UTC day): counted, ONLINE, maintenance and down time, uptime with and without maintenance, incidents, latency mean ' +
          'and percentiles (`sla.md`). `Accept: text/csv` answers one line per node; `Accept: application/pdf` a one-page ' +
          "report. Read from the daily rollups only. Only members of the bucket's workspace may ask.",
        tags: ['sla'],
        params: BucketParams,
        body: GetBucketReportRequest,
        produces: [...REPORT_TYPES],
        response: {
          200: {
            description: 'The report, in the media type asked',
            content: {
              'application/json': { schema: GetBucketReportResponse },
              'text/csv': { schema: CsvReport },
              'application/pdf': { schema: PdfReport },
            },
          },
          ...errorResponses(400, 401, 403, 404, 413, 415, 429),
        },
      },
    },
    async (request, reply) => {
      const bucketId = request.params.bucketId.toLowerCase();
      const { report, now } = await periodReport(bucketId, request.body, principalOf(request));
      const answer = reportAnswerOf(bucketId, report);
      const type = reportTypeOf(request.headers.accept);
      if (type === 'text/csv') {
        return reply.type('text/csv; charset=utf-8; header=present').send(reportCsv(answer));
      }
      if (type === 'application/pdf') {
        const bucketName = (await store.buckets.find(bucketId))?.name ?? bucketId;
        const pdf = await reportPdf({
          report: answer,
          incidents: report.incidents.map(incidentInfoOf),
          bucketName,
          generatedAt: formatInstant(now),
        });
        return reply
          .type('application/pdf')
          .header('content-disposition', `inline; filename="sla-report-${answer.from}-${answer.to}.pdf"`)
          .send(pdf);
      }
      return reply.type('application/json; charset=utf-8').send(answer);
    },
  );

  app.post(
    '/bucket/:bucketId/incidents',
    {
      config: { access: 'user' },
      schema: {
        summary: 'List the incidents of a period',
        description:
          'Every incident (a maximal stretch of a node’s timeline that is not ONLINE, `sla.md`) overlapping the listed days of ' +
          'the UTC days `from` to `to`, newest first, with its true start (looked for up to 366 days back) and end (null while ' +
          "it lasts); the figures count up to its end, the period's end or now. Only members of the bucket's workspace may ask.",
        tags: ['sla'],
        params: BucketParams,
        body: GetBucketReportRequest,
        response: { 200: GetBucketIncidentsResponse, ...errorResponses(400, 401, 403, 404, 413, 415, 429) },
      },
    },
    async (request) => {
      const bucketId = request.params.bucketId.toLowerCase();
      const { report } = await periodReport(bucketId, request.body, principalOf(request));
      return incidentsAnswerOf(bucketId, report);
    },
  );
};
