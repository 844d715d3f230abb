import PDFDocument from 'pdfkit';
import type { GetBucketReportResponse, IncidentInfo } from './schemas/report-schemas.js';

/** What the PDF shows: the report, its incidents, and the bucket's name. */
export interface PdfReportInput {
  report: GetBucketReportResponse;
  incidents: IncidentInfo[];
  bucketName: string;
  /** When it was made (shown in the footer). */
  generatedAt: string;
}

const INK = '#1f2933';
const MUTED = '#6b7785';
const ACCENT = '#1565c0';
const RULE = '#d9dee5';
const BAD = '#c62828';
const MARGIN = 40;
const ROW = 11;

/** A duration as a person reads it: "2 d 4 h", "1 h 05 min", "29 min", "45 s". */
export function durationText(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return `${min} min`;
  const h = Math.floor(min / 60);
  if (h < 48) return `${h} h ${String(min % 60).padStart(2, '0')} min`;
  return `${Math.floor(h / 24)} d ${h % 24} h`;
}

const pct = (value: number | null): string => (value === null ? '–' : `${value.toFixed(2)} %`);
const ms = (value: number | null): string => (value === null ? '–' : value.toFixed(value < 10 ? 2 : 1));
const at = (iso: string | null): string => (iso === null ? 'ongoing' : `${iso.slice(0, 10)} ${iso.slice(11, 16)}`);

interface Column {
  title: string;
  width: number;
  align?: 'left' | 'right';
}

/** `text` cut to fit `width` points in the current font, ending in an ellipsis when cut. */
function fitted(doc: PDFKit.PDFDocument, text: string, width: number): string {
  if (doc.widthOfString(text) <= width) return text;
  let cut = text;
  while (cut.length > 0 && doc.widthOfString(`${cut}…`) > width) cut = cut.slice(0, -1);
  return `${cut}…`;
}

function tableRow(doc: PDFKit.PDFDocument, columns: Column[], cells: string[], y: number, bold = false): void {
  let x = MARGIN;
  doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(7.5);
  columns.forEach((column, i) => {
    // One line per cell, placed by hand: PDFKit would wrap at hyphens (host names) instead.
    const text = fitted(doc, cells[i] ?? '', column.width - 4);
    const left = column.align === 'right' ? x + column.width - 2 - doc.widthOfString(text) : x + 2;
    doc.text(text, left, y + 2, { lineBreak: false });
    x += column.width;
  });
}

function table(doc: PDFKit.PDFDocument, columns: Column[], rows: Array<{ cells: string[]; alert?: boolean }>, y: number): number {
  const width = columns.reduce((sum, c) => sum + c.width, 0);
  doc.rect(MARGIN, y, width, ROW).fill('#eef2f7');
  doc.fillColor(INK);
  tableRow(
    doc,
    columns,
    columns.map((c) => c.title),
    y,
    true,
  );
  y += ROW;
  rows.forEach((row, i) => {
    if (i % 2 === 1) doc.rect(MARGIN, y, width, ROW).fill('#f8f9fb');
    doc.fillColor(row.alert ? BAD : INK);
    tableRow(doc, columns, row.cells, y);
    y += ROW;
  });
  doc
    .moveTo(MARGIN, y)
    .lineTo(MARGIN + width, y)
    .strokeColor(RULE)
    .lineWidth(0.5)
    .stroke();
  return y;
}

function figure(doc: PDFKit.PDFDocument, x: number, y: number, label: string, value: string, color = INK): void {
  doc.font('Helvetica').fontSize(7.5).fillColor(MUTED).text(label.toUpperCase(), x, y, { width: 120, characterSpacing: 0.4 });
  doc
    .font('Helvetica-Bold')
    .fontSize(17)
    .fillColor(color)
    .text(value, x, y + 11, { width: 120 });
}

/**
 * The report as a one-page A4 PDF a customer can be handed: the bucket and
 * period, the SLA figures, a table of nodes, and the incidents, newest
 * first. What does not fit on the page (very many nodes or incidents) is
 * counted in a line pointing to the CSV and the incidents call.
 *
 * @example
 * const bytes = await reportPdf({ report, incidents, bucketName: 'media', generatedAt: new Date().toISOString() });
 */
export function reportPdf(input: PdfReportInput): Promise<Buffer> {
  const { report, incidents, bucketName } = input;
  const doc = new PDFDocument({
    size: 'A4',
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: 10 },
    info: { Title: `SLA report ${bucketName}`, Producer: 'flashback' },
  });
  const chunks: Buffer[] = [];
  doc.on('data', (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const pageWidth = doc.page.width - 2 * MARGIN;
  const bottom = doc.page.height - MARGIN - 18;

  doc.rect(0, 0, doc.page.width, 6).fill(ACCENT);
  doc
    .font('Helvetica')
    .fontSize(9)
    .fillColor(ACCENT)
    .text('SERVICE LEVEL REPORT', MARGIN, MARGIN - 8, { characterSpacing: 1 });
  doc
    .font('Helvetica-Bold')
    .fontSize(20)
    .fillColor(INK)
    .text(bucketName, MARGIN, MARGIN + 5, { width: pageWidth, lineBreak: false, ellipsis: true });
  const period = report.from === report.to ? report.from : `${report.from} – ${report.to}`;
  doc
    .font('Helvetica')
    .fontSize(10)
    .fillColor(MUTED)
    .text(`${period} (UTC)   ·   bucket ${report.bucketId}`, MARGIN, MARGIN + 30);

  const b = report.bucket;
  const y0 = MARGIN + 56;
  doc.roundedRect(MARGIN, y0, pageWidth, 50, 4).fill('#f3f6fa');
  const slaColor = b.perc_uptime_sla !== null && b.perc_uptime_sla < 99.9 ? BAD : ACCENT;
  const slots = [
    ['Availability (SLA)', pct(b.perc_uptime_sla), slaColor],
    ['Uptime', pct(b.perc_uptime), INK],
    ['Downtime', durationText(b.downtimeMs), b.downtimeMs > 0 ? BAD : INK],
    ['Incidents', String(b.incidents), b.incidents > 0 ? BAD : INK],
    ['Maintenance', durationText(b.maintenanceMs), INK],
  ] as const;
  slots.forEach(([label, value, color], i) => figure(doc, MARGIN + 10 + i * (pageWidth / 5), y0 + 9, label, value, color));
  doc
    .font('Helvetica')
    .fontSize(7)
    .fillColor(MUTED)
    .text(
      'Availability leaves announced maintenance out: time ONLINE outside maintenance ÷ counted time outside maintenance. ' +
        'Uptime counts all counted time. Downtime and incidents: time not ONLINE outside maintenance.',
      MARGIN,
      y0 + 55,
      { width: pageWidth },
    );

  let y = y0 + 80;
  doc.font('Helvetica-Bold').fontSize(11).fillColor(INK).text(`Nodes (${report.nodes.length})`, MARGIN, y);
  y += 15;
  // Widths add up to the page's 515 pt between the margins.
  const nodeColumns: Column[] = [
    { title: 'Host', width: 112 },
    { title: 'IP', width: 58 },
    { title: 'Version', width: 32 },
    { title: 'Availability', width: 48, align: 'right' },
    { title: 'Uptime', width: 42, align: 'right' },
    { title: 'Downtime', width: 44, align: 'right' },
    { title: 'Incidents', width: 40, align: 'right' },
    { title: 'Longest', width: 40, align: 'right' },
    { title: 'Mean', width: 33, align: 'right' },
    { title: 'p95', width: 33, align: 'right' },
    { title: 'p99', width: 33, align: 'right' },
  ];
  const incidentRowsWanted = Math.min(incidents.length, 8);
  const nodeRoom = Math.floor((bottom - y - ROW * 3 - 30 - ROW * (incidentRowsWanted + 1)) / ROW);
  const shownNodes = report.nodes.slice(0, Math.max(5, nodeRoom));
  y = table(
    doc,
    nodeColumns,
    shownNodes.map((n) => ({
      alert: n.downtimeMs > 0,
      cells: [
        n.host,
        n.ip,
        n.version,
        pct(n.perc_uptime_sla),
        pct(n.perc_uptime),
        durationText(n.downtimeMs),
        String(n.incidents),
        n.longestIncidentMs === null ? '–' : durationText(n.longestIncidentMs),
        ms(n.avg_latency_ms),
        ms(n.p95_latency_ms),
        ms(n.p99_latency_ms),
      ],
    })),
    y,
  );
  if (shownNodes.length < report.nodes.length) {
    doc
      .font('Helvetica')
      .fontSize(7.5)
      .fillColor(MUTED)
      .text(`… and ${report.nodes.length - shownNodes.length} more nodes (see the CSV).`, MARGIN, y + 3);
    y += ROW;
  }

  y += 14;
  doc.font('Helvetica-Bold').fontSize(11).fillColor(INK).text(`Incidents (${incidents.length})`, MARGIN, y);
  y += 15;
  if (incidents.length === 0) {
    doc.font('Helvetica').fontSize(9).fillColor(MUTED).text('No incidents in this period.', MARGIN, y);
  } else {
    const room = Math.max(1, Math.floor((bottom - y - ROW * 2) / ROW));
    const shown = incidents.slice(0, room);
    y = table(
      doc,
      [
        { title: 'Start (UTC)', width: 76 },
        { title: 'End (UTC)', width: 76 },
        { title: 'Host', width: 112 },
        { title: 'IP', width: 60 },
        { title: 'Duration', width: 46, align: 'right' },
        { title: 'Offline', width: 44, align: 'right' },
        { title: 'Disconnected', width: 56, align: 'right' },
        { title: 'In maint.', width: 45, align: 'right' },
      ],
      shown.map((i) => ({
        alert: i.maintenanceMs < i.durationMs,
        cells: [
          at(i.start),
          at(i.end),
          i.host,
          i.ip,
          durationText(i.durationMs),
          durationText(i.offlineMs),
          durationText(i.disconnectedMs),
          durationText(i.maintenanceMs),
        ],
      })),
      y,
    );
    if (shown.length < incidents.length) {
      doc
        .font('Helvetica')
        .fontSize(7.5)
        .fillColor(MUTED)
        .text(`… and ${incidents.length - shown.length} older incidents (see POST /bucket/{bucketId}/incidents).`, MARGIN, y + 3);
    }
  }

  doc
    .font('Helvetica')
    .fontSize(7)
    .fillColor(MUTED)
    .text(
      `Generated ${input.generatedAt.slice(0, 16).replace('T', ' ')} UTC from the daily rollups. Latencies in ms. Rows in red: down time outside maintenance.`,
      MARGIN,
      doc.page.height - MARGIN - 6,
      {
        width: pageWidth,
        lineBreak: false,
      },
    );
  doc.end();
  return done;
}
