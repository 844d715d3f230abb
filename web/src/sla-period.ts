import { addDays } from './format.js';

/** The periods the SLA panel offers, as the picker names them. */
export const PERIODS = ['this-month', 'last-month', '90-days', '12-months'] as const;
export type PeriodKind = (typeof PERIODS)[number];

export interface Period {
  kind: PeriodKind;
  /** First UTC day, YYYY-MM-DD. */
  from: string;
  /** Last UTC day, included; never after today. */
  to: string;
  label: string;
}

export const PERIOD_NAMES: Record<PeriodKind, string> = {
  'this-month': 'This month',
  'last-month': 'Last month',
  '90-days': '90 days',
  '12-months': '12 months',
};

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];

function monthName(day: string): string {
  return `${MONTHS[Number(day.slice(5, 7)) - 1] ?? ''} ${day.slice(0, 4)}`;
}

/**
 * The days of a period, ending at the latest today (the report refuses a
 * `to` after the current UTC day): this month so far, the whole last
 * month, the 90 days ending today, and the 12 months ending today (365
 * or 366 days, within the report's limit).
 *
 * @example
 * periodOf('last-month', '2026-12-03') // { from: '2026-11-01', to: '2026-11-30', label: 'November 2026', ... }
 * periodOf('12-months', '2026-12-03') // { from: '2025-12-04', to: '2026-12-03', ... }
 */
export function periodOf(kind: PeriodKind, today: string): Period {
  const monthStart = `${today.slice(0, 8)}01`;
  switch (kind) {
    case 'this-month':
      return { kind, from: monthStart, to: today, label: `${monthName(today)}, so far` };
    case 'last-month': {
      const to = addDays(monthStart, -1);
      return { kind, from: `${to.slice(0, 8)}01`, to, label: monthName(to) };
    }
    case '90-days':
      return { kind, from: addDays(today, -89), to: today, label: 'the last 90 days' };
    case '12-months': {
      const yearAgo = `${Number(today.slice(0, 4)) - 1}${today.slice(4)}`;
      // 29 February a year ago does not exist: the year starts on 1 March.
      const from = yearAgo.endsWith('-02-29') ? `${yearAgo.slice(0, 5)}03-01` : addDays(yearAgo, 1);
      return { kind, from, to: today, label: 'the last 12 months' };
    }
  }
}

/** Whether a text names one of the periods (from the URL). */
export function isPeriodKind(text: string | null | undefined): text is PeriodKind {
  return PERIODS.includes(text as PeriodKind);
}
