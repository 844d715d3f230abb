import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import type { AlertFigures } from './alert-bench.js';
import type { DeleteUnderLoadFigures } from './delete-under-load.js';
import type { IngestLoadResult } from './ingest-load.js';
import type { YearReportFigures } from './year-report.js';
import type { LoadResult } from './http-load.js';

export interface StoreFigures {
  kind: string;
  reports: number;
  /** `rounds`: the ratio of each round; the other figures are the median round's. */
  closed: LoadResult & { baseline: number; bytes: number; rounds: number[] };
  today: LoadResult & { baseline: number; bytes: number; liveReports: number; rounds: number[] };
  history: { sparseMedianMs: number; denseMedianMs: number };
  ingest: IngestFigures;
  peakRssBytes: number;
  storageBytesPerMillion: number;
  soak: { seconds: number; queries: number; reports: number; errors: number; rssEarlyBytes: number; rssLateBytes: number };
  deleteUnderLoad: DeleteUnderLoadFigures;
  yearReport: YearReportFigures;
  alerts: AlertFigures;
}

const fixed = (value: number, digits = 2): string => value.toFixed(digits);
const verdict = (ok: boolean): string => (ok ? 'met' : '**not met**');
const roundsOf = (figure: { rounds: number[] }): string => figure.rounds.map((r) => fixed(r)).join(', ');

function rows(f: StoreFigures): string[][] {
  const closedRatio = f.closed.requestsPerSecond / f.closed.baseline;
  const todayRatio = f.today.requestsPerSecond / f.today.baseline;
  const historyRatio = f.history.denseMedianMs / f.history.sparseMedianMs;
  const rssMb = f.peakRssBytes / 2 ** 20;
  return [
    [
      'Closed day (req/s vs bare node:http, both driven by wrk)',
      `${fixed(closedRatio)} (${Math.round(f.closed.requestsPerSecond)} / ${Math.round(f.closed.baseline)}; p50 ${f.closed.p50Ms} ms, p99 ${f.closed.p99Ms} ms; ${f.closed.non2xx + f.closed.errors} errors; rounds ${roundsOf(f.closed)})`,
      '≥ 0.5',
      verdict(closedRatio >= 0.5),
    ],
    [
      'Current day, reports arriving',
      `${fixed(todayRatio)} (${Math.round(f.today.requestsPerSecond)} / ${Math.round(f.today.baseline)}; p50 ${f.today.p50Ms} ms, p99 ${f.today.p99Ms} ms; ${f.today.liveReports} live reports; rounds ${roundsOf(f.today)})`,
      '≥ 0.35',
      verdict(todayRatio >= 0.35),
    ],
    [
      'History independence (1 440 vs 1 report/node/day, first query, median of 7 days)',
      `${fixed(historyRatio)} (${fixed(f.history.denseMedianMs)} ms / ${fixed(f.history.sparseMedianMs)} ms)`,
      '≤ 1.2',
      verdict(historyRatio <= 1.2),
    ],
    ingestRow(f.kind, f.ingest),
    ['Peak server RSS', `${fixed(rssMb, 0)} MB`, '≤ 200 MB', verdict(rssMb <= 200)],
    [
      `Soak: ${f.soak.seconds} s of steady queries (300/s) and live reports`,
      `${f.soak.queries} queries, ${f.soak.reports} reports, ${f.soak.errors} errors; RSS ${fixed(f.soak.rssEarlyBytes / 2 ** 20, 0)} MB early, ${fixed(f.soak.rssLateBytes / 2 ** 20, 0)} MB at the end`,
      '0 errors, flat memory',
      verdict(f.soak.errors === 0 && f.soak.rssLateBytes <= f.soak.rssEarlyBytes * 1.2),
    ],
    deleteUnderLoadRow(f.deleteUnderLoad),
    yearReportRow(f.yearReport),
    ...alertsRows(f.alerts),
    ['Storage per million reports', `${fixed(f.storageBytesPerMillion / 2 ** 20, 1)} MiB (${f.reports} reports stored)`, '', ''],
  ];
}

/** Signed ingest against its baseline: the median round's figures, with each round's ratio. */
export type IngestFigures = IngestLoadResult & { baseline: number; rounds: number[] };

/** The row of the signed ingest rate against plain INSERTs. */
export function ingestRow(kind: string, ingest: IngestFigures): string[] {
  const ratio = ingest.entriesPerSecond / ingest.baseline;
  // Issue 16's goals.
  const goal = kind === 'sqlite' ? 0.4 : 0.3;
  return [
    'Ingest (signed entries/s vs plain INSERTs)',
    `${fixed(ratio)} (${Math.round(ingest.entriesPerSecond)} / ${Math.round(ingest.baseline)}; ${ingest.requests} requests, ${ingest.failures} failed; the signing load generator used ${fixed(ingest.generatorCores)} of a core; rounds ${roundsOf(ingest)})`,
    `≥ ${goal}`,
    verdict(ratio >= goal),
  ];
}

/** The row of `yearReport`: the period report of 50 nodes over 365 days, from rollups only. */
export function yearReportRow(y: YearReportFigures): string[] {
  return [
    'Year report, 50 nodes × 365 days (POST /bucket/{id}/report; rollups only)',
    `first ${fixed(y.firstMs, 0)} ms, kept ${fixed(y.keptMs, 1)} ms (median of 5 repeats); a closed month first ${fixed(y.monthMs, 0)} ms; ${y.reports} reports stored`,
    '',
    '',
  ];
}

/** The two rows of `alertBench`: node.down's delay, and the ingest rate with 100 rules (issue 15's goals). */
export function alertsRows(a: AlertFigures): string[][] {
  const drop = 1 - a.ingestWith100Rules / a.ingestWithout;
  return [
    [
      'Alert delay: 2xx of the report that makes a node OFFLINE → node.down webhook arrived (16 nodes reporting at full rate)',
      `p50 ${fixed(a.p50Ms, 0)} ms, p99 ${fixed(a.p99Ms, 0)} ms (${a.samples} samples)`,
      'p99 ≤ 1 000 ms',
      verdict(a.p99Ms <= 1000),
    ],
    [
      'Ingest with 100 alert rules active (vs none, alternated in 2 rounds)',
      `${fixed(100 * Math.abs(drop), 1)} % ${drop >= 0 ? 'lower' : 'higher'} (${Math.round(a.ingestWith100Rules)} vs ${Math.round(a.ingestWithout)} entries/s)`,
      '≤ 10 % lower',
      verdict(drop <= 0.1),
    ],
  ];
}

/** The row of `deleteUnderLoad`: the stats answers sent while the deletion ran. */
export function deleteUnderLoadRow(d: DeleteUnderLoadFigures): string[] {
  return [
    "Deleting a bucket of 1 M reports while another bucket's current day is asked 200/s and 50 nodes report",
    `stats p99 ${fixed(d.stats.p99Ms, 1)} ms (p50 ${fixed(d.stats.p50Ms, 1)} ms, max ${fixed(d.stats.maxMs, 1)} ms; ` +
      `${d.stats.count} answers during the ${fixed(d.deleteMs / 1000, 1)} s deletion; before it: p99 ` +
      `${fixed(d.statsBefore.p99Ms, 1)} ms, p50 ${fixed(d.statsBefore.p50Ms, 1)} ms); ${d.errors} errors, ` +
      `${d.liveReports} live reports; DELETE answered ${d.deleteStatus}`,
    'every answer 2xx, p99 ≤ 50 ms',
    verdict(d.errors === 0 && d.deleteStatus === 200 && d.stats.p99Ms <= 50),
  ];
}

/**
 * Puts one row into the table of `kind` in the benchmarks file at `path`,
 * in place of the row of the same figure (the same first cell), or else
 * before the storage row, and leaves every other line as it was
 * (`npm run bench -- --only ...`).
 */
export function writeBenchmarkRow(path: string, kind: string, row: string[]): void {
  const lines = readFileSync(path, 'utf8').split('\n');
  const section = lines.indexOf(`### ${kind}`);
  const start = lines.findIndex((line, i) => i > section && line.startsWith('|'));
  if (section < 0 || start < 0) throw new Error(`${path} has no table for ${kind}`);
  let end = start;
  while (lines[end]?.startsWith('|')) end++;
  const table = lines.slice(start, end);
  const same = table.findIndex((line) => line.startsWith(`| ${row[0]} |`));
  const storage = table.findIndex((line) => line.startsWith('| Storage per million'));
  const text = `| ${row.join(' | ')} |`;
  if (same >= 0) lines[start + same] = text;
  else lines.splice(storage >= 0 ? start + storage : end, 0, text);
  writeFileSync(path, lines.join('\n'));
}

/** Renders the run as a Markdown table, writes it with its context to `path`, and returns the table. */
export function writeBenchmarks(path: string, figures: StoreFigures[], context: { command: string; machine: string }): string {
  const ranOn = `Run on ${new Date().toISOString().slice(0, 10)}, ${context.machine}, with \`${context.command}\`.`;
  const measured = new Map(
    figures.map((f) => {
      const lines = rows(f).map((r) => `| ${r.join(' | ')} |`);
      return [
        f.kind,
        [`### ${f.kind}`, '', ranOn, '', '| figure | measured | goal | |', '| --- | --- | --- | --- |', ...lines].join('\n'),
      ];
    }),
  );
  const previous = existsSync(path) ? readFileSync(path, 'utf8') : '';
  // A run of one store keeps the other's table as it was, with the line that says when and how it was run.
  const keptTables = previousTables(previous);
  const sections = STORE_KINDS.flatMap((kind) => measured.get(kind) ?? keptTables.get(kind) ?? []);
  const text = [
    '# Benchmarks',
    '',
    'Every figure is a ratio to a baseline measured in the same run, on the same machine: a bare `node:http` server',
    'answering the same bytes (wrk, one thread, 32 connections; the two alternate in 3 rounds and the median round is shown,',
    'as the machine drifts), or plain INSERTs of the same rows into an unindexed table,',
    '100 rows per transaction, with the same durability (alternating with the signed ingest, also in 3 rounds). The data: a bucket with 50 nodes and 30 days of one report',
    'per node per minute (2.16 M reports), a bucket with one report per node per day, and 100 buckets for ingest from',
    '16 nodes sending signed 100-entry requests. The service runs as `npm start` runs it (`LOG_LEVEL=info`: one line',
    'per request), with `RATE_LIMIT_PER_MINUTE=0`. Each table says when, on what machine and with what command it ran.',
    '',
    ...sections.flatMap((section) => [section, '']),
  ].join('\n');
  const kept = previous.includes(HAND_WRITTEN) ? previous.slice(previous.indexOf(HAND_WRITTEN)) : '';
  writeFileSync(path, kept ? `${text}\n${kept}` : text);
  return [...measured.values()].join('\n\n');
}

const STORE_KINDS = ['sqlite', 'postgres'];
/** The analysis written by hand after this marker survives a new run (of the tables or the scale rows). */
export const HAND_WRITTEN = '<!-- Written by hand below this line; npm run bench keeps it. -->';

/** The stores' tables of a BENCHMARKS.md written before, by kind: each from its heading to the next one. */
function previousTables(previous: string): Map<string, string> {
  const marker = previous.indexOf(HAND_WRITTEN);
  const text = marker === -1 ? previous : previous.slice(0, marker);
  const tables = new Map<string, string>();
  for (const kind of STORE_KINDS) {
    const start = text.indexOf(`\n### ${kind}\n`);
    if (start === -1) continue;
    const end = text.indexOf('\n#', start + 1);
    tables.set(kind, text.slice(start + 1, end === -1 ? undefined : end).trimEnd());
  }
  return tables;
}
