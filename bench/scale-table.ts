import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { HAND_WRITTEN } from './benchmarks-file.js';
import { ON_TIME_MS } from './scale-figures.js';
import type { ScaleFigures } from './scale-figures.js';
import { SCALE_STATS_PER_SECOND } from './scale-bench.js';
import { HISTORY_HOURS, SCALE_NODES } from './scale-seed.js';

const BEGIN = '<!-- Scale: written by npm run bench -- --scale, which keeps the rows of the sizes it did not run. -->';
const END = '<!-- Scale: end -->';
const HEADER = [
  '| store | series | seeding | rate held | ingest p50 / p99 | stats p50 / p99 | RSS start / end / peak | bytes per series / per report | load generator | goals |',
  '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
];

const mb = (bytes: number): number => Math.round(bytes / 2 ** 20);
const ms = (value: number): string => (Number.isFinite(value) ? `${Math.round(value)}` : '∞');

/** Issue 16's goals for a million series, checked at every size: what each run misses. */
function missed(f: ScaleFigures): string[] {
  return [
    !f.ingest.held && 'rate',
    !(f.ingest.p99Ms <= 100) && 'ingest p99',
    !(f.stats.p99Ms <= 20) && 'stats p99',
    f.stats.errors > 0 && 'stats errors',
    mb(f.rss.peakBytes) > 300 && 'RSS',
  ].filter((goal): goal is string => goal !== false);
}

/** One row of the scale table. */
export function scaleRow(f: ScaleFigures, date: string): string {
  const i = f.ingest;
  const misses = missed(f);
  return `| ${[
    f.kind,
    f.series.toLocaleString('en-US'),
    `${Math.round(f.seedSeconds)} s (${Math.round(f.seededReports / f.seedSeconds)} reports/s)`,
    `${i.held ? 'yes' : '**no**'} (${Math.round(i.storedEntriesPerSecond)} / ${Math.round(i.targetEntriesPerSecond)} entries/s; ` +
      `${(100 * i.onTime).toFixed(1)} % on time, last fifth ${(100 * i.onTimeLastFifth).toFixed(1)} %; ${i.failed}/${i.requests} failed; ` +
      `in flight ≤ ${i.maxInFlight})`,
    `${ms(i.p50Ms)} / ${ms(i.p99Ms)} ms`,
    `${f.stats.p50Ms.toFixed(1)} / ${f.stats.p99Ms.toFixed(1)} ms (${f.stats.count} calls, ${f.stats.errors} errors; ` +
      `in the service ${f.statsInService.p50Ms.toFixed(1)} / ${f.statsInService.p99Ms.toFixed(1)} ms)`,
    `${mb(f.rss.startBytes)} / ${mb(f.rss.endBytes)} / ${mb(f.rss.peakBytes)} MB`,
    `${Math.round(f.storeBytes / f.series)} / ${(f.storeBytes / f.reports).toFixed(1)} B (${mb(f.storeBytes)} MB, ${f.reports} reports)`,
    `${f.generatorCores.toFixed(2)} core`,
    `${misses.length === 0 ? 'met' : `**not met**: ${misses.join(', ')}`} (${f.minutes} min, load ${f.loadAverage.toFixed(1)}, ${date})`,
  ].join(' | ')} |`;
}

const rowKey = (row: string): string => row.split('|').slice(1, 3).join('|').replace(/[\s,]/g, '');

/**
 * Writes the "Scale" section of the benchmarks file at `path` (below the
 * hand-written marker, which `npm run bench` keeps): the rows of this run
 * replace those of the same store and series count, the others stay, and
 * the rows are sorted by store and size, so that how each cost grows with
 * the series count reads down the table.
 *
 * @example
 * writeScaleSection('BENCHMARKS.md', [figures], { command: 'npm run bench -- --scale', machine: '2 cores' });
 */
export function writeScaleSection(path: string, figures: ScaleFigures[], context: { command: string; machine: string }): string {
  const text = existsSync(path) ? readFileSync(path, 'utf8') : '';
  const begin = text.indexOf(BEGIN);
  const end = text.indexOf(END);
  const old = begin >= 0 && end > begin ? text.slice(begin, end).split('\n') : [];
  const date = new Date().toISOString().slice(0, 10);
  const rows = new Map(old.filter((line) => /^\| (sqlite|postgres) \|/.test(line)).map((line) => [rowKey(line), line]));
  for (const f of figures) {
    const row = scaleRow(f, date);
    rows.set(rowKey(row), row);
  }
  const sorted = [...rows.entries()]
    .sort(([a], [b]) => {
      const [storeA = '', seriesA = '0'] = a.split('|');
      const [storeB = '', seriesB = '0'] = b.split('|');
      return storeA === storeB ? Number(seriesA) - Number(seriesB) : storeB.localeCompare(storeA);
    })
    .map(([, row]) => row);
  const section = [
    BEGIN,
    '',
    '### Scale: a million series (issue 16)',
    '',
    `Last run on ${date}, ${context.machine}, with \`${context.command}\` (each row says its own duration, the machine's load average when it began, and its date).`,
    `For S series: ${SCALE_NODES} nodes, S/${SCALE_NODES} buckets, every node serving every bucket; a fresh store seeded through`,
    `\`store.reports.ingest\` with one report an hour per series for the last ${HISTORY_HOURS} h; then the built service`,
    '(`dist/server.js`, as `npm start` runs it, `LOG_LEVEL=info`, no rate limit) takes every series reporting once a minute',
    '(S/60 entries/s: each node signs requests of at most 1 000 entries, spread evenly over the minute; open loop, a node',
    `sending its own requests in order, as the agent does) while random buckets' current day is asked ${SCALE_STATS_PER_SECOND} times a second`,
    `(open loop). Rate held: every request answered 200 with all its entries stored, and ≥ 99 % answered within ${ON_TIME_MS / 1000} s of`,
    'being due, over the whole run and over its last fifth. Ingest latency counts from when a request was due (so a backlog',
    'shows). Store bytes after the run (SQLite file and WAL; PostgreSQL `pg_database_size` after `VACUUM ANALYZE`).',
    'Goals at a million series: rate held, ingest p99 ≤ 100 ms, stats p99 ≤ 20 ms, RSS ≤ 300 MB, on both stores.',
    '',
    ...HEADER,
    ...sorted,
    '',
    END,
  ].join('\n');
  let next: string;
  if (begin >= 0 && end > begin) next = text.slice(0, begin) + section + text.slice(end + END.length);
  else if (text.includes(HAND_WRITTEN)) next = text.replace(HAND_WRITTEN, `${HAND_WRITTEN}\n\n${section}`);
  else next = `${text}\n${HAND_WRITTEN}\n\n${section}\n`;
  writeFileSync(path, next);
  return [...HEADER, ...sorted].join('\n');
}
