import { Script, createContext } from 'node:vm';
import { LRUCache } from 'lru-cache';
import rrulePackage from 'rrule';
import { DAY_MS } from '../time/instant.js';
import type { Interval } from './intervals.js';
import { RecurrenceRuleError, parseRuleParts, type Frequency, type RuleParts } from './recurrence-rule.js';

const { RRule } = rrulePackage;
type Rule = InstanceType<typeof RRule>;

export { RecurrenceRuleError } from './recurrence-rule.js';

/** A recurring window's definition: an RRULE evaluated in UTC from `start`, each occurrence lasting `durationMinutes`. */
export interface RecurrenceDefinition {
  start: number;
  rrule: string;
  durationMinutes: number;
  /** No occurrence starts after this instant (RFC 5545 `UNTIL`: inclusive); null: none. */
  until: number | null;
}

/** A calendar rule may yield at most this many occurrences in a year (denser ones: a plain FREQ=MINUTELY period). */
export const MAX_OCCURRENCES_PER_YEAR = 20_000;
const MIN_GAP_MS = 60_000;
const YEAR_MS = 366 * DAY_MS;
// Leap days recur every 4 years, 8 across a century not divisible by 400.
const FIRST_OCCURRENCE_HORIZON_MS = 9 * YEAR_MS;
// rrule.js walks a rule that matches nothing up to the year 9999: the check of a new rule is cut off here.
const PROBE_BUDGET_MS = 1_000;

const FIXED_PERIOD_MS: Partial<Record<Frequency, number>> = {
  WEEKLY: 7 * DAY_MS,
  DAILY: DAY_MS,
  HOURLY: 3_600_000,
  MINUTELY: 60_000,
  SECONDLY: 1_000,
};

/** A rule ready to answer: a fixed period (arithmetic), or rrule.js with the occurrences found so far. */
interface CompiledRecurrence {
  start: number;
  until: number | null;
  count: number | null;
  periodMs: number | null;
  rule: Rule | null;
  key: string;
  /** rrule path: every occurrence before `expandedTo`, ascending. */
  expanded: number[];
  expandedTo: number;
}

// Definitions never change (a change is a new version), so a compiled rule is kept for as long as it is used.
const compiled = new LRUCache<string, CompiledRecurrence>({
  maxSize: 4_000_000,
  sizeCalculation: (c) => 1 + c.expanded.length,
});

function buildRule(parts: RuleParts, start: number, bounds: { until: number | null; count: number | null }): Rule {
  return new RRule({
    ...RRule.parseString(parts.normalized),
    dtstart: new Date(start),
    until: bounds.until === null ? null : new Date(bounds.until),
    count: bounds.count,
  });
}

/** Runs `work` with a CPU budget; false when it ran out (then the rule is refused). */
function withinBudget(work: () => void): boolean {
  try {
    new Script('work()').runInContext(createContext({ work }), { timeout: PROBE_BUDGET_MS });
    return true;
  } catch (error) {
    if ((error as { code?: unknown }).code === 'ERR_SCRIPT_EXECUTION_TIMEOUT') return false;
    throw error;
  }
}

/**
 * Refuses the calendar rules rrule.js cannot be trusted with: one that
 * matches nothing for 9 years (rrule.js would walk to the year 9999 on each
 * query), one denser than a minute, or one of more than
 * `MAX_OCCURRENCES_PER_YEAR` a year. Checked on the rule without `until`
 * and `COUNT`: the pattern repeats, so its first year stands for the rest.
 */
function checkCalendarRule(parts: RuleParts, start: number): void {
  const pattern = buildRule(parts, start, { until: null, count: null });
  let firstYear: Date[] = [];
  let later: Date[] = [];
  const finished = withinBudget(() => {
    firstYear = pattern.between(new Date(start), new Date(start + YEAR_MS), true, (_d, i) => i <= MAX_OCCURRENCES_PER_YEAR);
    if (firstYear.length === 0)
      later = pattern.between(new Date(start), new Date(start + FIRST_OCCURRENCE_HORIZON_MS), true, (_d, i) => i < 1);
  });
  if (!finished) throw new RecurrenceRuleError('rrule matches nothing, or too rarely to be evaluated (checked for 1 s)');
  if (firstYear.length === 0 && later.length === 0)
    throw new RecurrenceRuleError('rrule matches nothing within 9 years of its start');
  if (firstYear.length > MAX_OCCURRENCES_PER_YEAR) {
    throw new RecurrenceRuleError(
      `rrule yields more than ${MAX_OCCURRENCES_PER_YEAR} occurrences a year; for a dense period use FREQ=MINUTELY;INTERVAL=n alone`,
    );
  }
  const times = firstYear.map((d) => d.getTime()).sort((a, b) => a - b);
  for (let i = 1; i < times.length; i++) {
    if (times[i]! - times[i - 1]! < MIN_GAP_MS) throw new RecurrenceRuleError('rrule yields more than one occurrence a minute');
  }
}

// A report asks about the same stored definitions once per node and day: the object itself finds its rule, without a key.
const byDefinition = new WeakMap<RecurrenceDefinition, CompiledRecurrence>();

const keyOf = (definition: RecurrenceDefinition): string => `${definition.start}|${definition.until}|${definition.rrule}`;

/** The fixed period of a rule without BY* parts, in milliseconds; null for a calendar rule. */
function fixedPeriodOf(parts: RuleParts): number | null {
  const period = FIXED_PERIOD_MS[parts.freq];
  return period !== undefined && parts.byParts.length === 0 ? period * parts.interval : null;
}

/**
 * Checks a recurring definition before it is stored; a
 * `RecurrenceRuleError` says what is wrong with the rule. A calendar rule
 * is tried out (at most 1 s of CPU) once; stored rules are not tried again
 * when they are evaluated, so a busy machine never turns them into errors.
 *
 * @example
 * checkRecurrence({ start: Date.parse('2024-01-07T02:00:00Z'), rrule: 'FREQ=WEEKLY', durationMinutes: 60, until: null });
 */
export function checkRecurrence(definition: RecurrenceDefinition): void {
  if (compiled.has(keyOf(definition))) return;
  const parts = parseRuleParts(definition.rrule);
  if (definition.until !== null && definition.until < definition.start) throw new RecurrenceRuleError('until lies before start');
  if (fixedPeriodOf(parts) === null) checkCalendarRule(parts, definition.start);
  compileRecurrence(definition);
}

/** A stored definition readied for queries, kept (LRU): after the first query, each costs a lookup. */
function compileRecurrence(definition: RecurrenceDefinition): CompiledRecurrence {
  const known = byDefinition.get(definition);
  if (known && compiled.has(known.key)) return known;
  const key = keyOf(definition);
  const kept = compiled.get(key);
  if (kept) {
    byDefinition.set(definition, kept);
    return kept;
  }
  const parts = parseRuleParts(definition.rrule);
  const periodMs = fixedPeriodOf(parts);
  const result: CompiledRecurrence = {
    start: definition.start,
    until: definition.until,
    count: parts.count,
    periodMs,
    rule: periodMs !== null ? null : buildRule(parts, definition.start, { until: definition.until, count: parts.count }),
    key,
    expanded: [],
    expandedTo: definition.start,
  };
  compiled.set(key, result);
  byDefinition.set(definition, result);
  return result;
}

/** Starts of a fixed period's occurrences in `(after, before)`, by arithmetic. */
function periodStarts(c: CompiledRecurrence, periodMs: number, after: number, before: number): number[] {
  const first = Math.max(0, Math.floor((after - c.start) / periodMs) + 1);
  let last = Math.ceil((before - c.start) / periodMs) - 1;
  if (c.count !== null) last = Math.min(last, c.count - 1);
  if (c.until !== null) last = Math.min(last, Math.floor((c.until - c.start) / periodMs));
  const starts: number[] = [];
  for (let k = first; k <= last; k++) starts.push(c.start + k * periodMs);
  return starts;
}

/** Extends a calendar rule's kept occurrences to `before` (and a year beyond, so that "now" keeps hitting them). */
function expandTo(c: CompiledRecurrence, before: number): void {
  if (before <= c.expandedTo) return;
  const to = before + YEAR_MS;
  // rrule.js walks from its dtstart on every call: one call per year of queries, not per query.
  const found = c.rule!.between(new Date(c.expandedTo), new Date(to), true).map((d) => d.getTime());
  const fresh = found.filter((t) => t >= c.expandedTo && t < to).sort((a, b) => a - b);
  for (const t of fresh) c.expanded.push(t);
  c.expandedTo = to;
  compiled.set(c.key, c);
}

/** Index of the first element of ascending `values` greater than `bound`. */
function firstAbove(values: readonly number[], bound: number): number {
  let low = 0;
  let high = values.length;
  while (low < high) {
    const mid = (low + high) >> 1;
    if (values[mid]! <= bound) low = mid + 1;
    else high = mid;
  }
  return low;
}

/**
 * The occurrences of a recurring window that overlap `[from, to)`, each
 * `[occurrence, occurrence + duration)`, ascending, not clipped (they may
 * overlap one another when the duration exceeds the gap).
 *
 * @example
 * recurrenceIntervals({ start: Date.parse('2024-01-01T02:00:00Z'), rrule: 'FREQ=DAILY', durationMinutes: 30, until: null },
 *   Date.parse('2024-01-03T00:00:00Z'), Date.parse('2024-01-04T00:00:00Z'))
 * // [{ from: Date.parse('2024-01-03T02:00:00Z'), to: Date.parse('2024-01-03T02:30:00Z') }]
 */
export function recurrenceIntervals(definition: RecurrenceDefinition, from: number, to: number): Interval[] {
  if (to <= from) return [];
  const c = compileRecurrence(definition);
  const durationMs = definition.durationMinutes * 60_000;
  const after = from - durationMs;
  let starts: number[];
  if (c.periodMs !== null) starts = periodStarts(c, c.periodMs, after, to);
  else {
    expandTo(c, to);
    starts = [];
    for (let i = firstAbove(c.expanded, after); i < c.expanded.length && c.expanded[i]! < to; i++) starts.push(c.expanded[i]!);
  }
  return starts.map((start) => ({ from: start, to: start + durationMs }));
}
