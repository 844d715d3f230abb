const TOKEN_KEY = 'flashback.token';

/**
 * The API token lives in this tab's session storage only: it survives a
 * reload, leaves with the tab, and never reaches the URL, history or disk.
 *
 * @example
 * saveToken('fbk_...'); readToken() // 'fbk_...'
 */
export function readToken(): string | null {
  return sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(token: string): void {
  sessionStorage.setItem(TOKEN_KEY, token);
}

export function forgetToken(): void {
  sessionStorage.removeItem(TOKEN_KEY);
}

/** What the page shows, kept in the URL's hash so that it can be bookmarked and shared (never the token). */
export interface Selection {
  workspace?: string | undefined;
  bucket?: string | undefined;
  /** A UTC day, YYYY-MM-DD. */
  day?: string | undefined;
  /** The SLA panel's period (sla-period.ts). */
  period?: string | undefined;
  /** `alerts` for the Alerts view; the bucket's health otherwise. */
  view?: string | undefined;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const ID = /^[0-9a-fA-F-]{36}$/;
const PERIOD = /^(this-month|last-month|90-days|12-months)$/;
const VIEW = /^alerts$/;

/**
 * Reads the selection from `#workspace=…&bucket=…&day=…`, dropping values of the wrong form.
 *
 * @example
 * readSelection('#workspace=14987cff-…&day=2024-01-15') // { workspace: '14987cff-…', day: '2024-01-15' }
 */
export function readSelection(hash = location.hash): Selection {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const pick = (name: string, form: RegExp) => {
    const value = params.get(name);
    return value !== null && form.test(value) ? value : undefined;
  };
  return {
    workspace: pick('workspace', ID),
    bucket: pick('bucket', ID),
    day: pick('day', DAY),
    period: pick('period', PERIOD),
    view: pick('view', VIEW),
  };
}

/** Writes the selection to the hash without adding a history entry for every click. */
export function writeSelection(selection: Selection): void {
  const params = new URLSearchParams();
  for (const key of ['workspace', 'bucket', 'day', 'period', 'view'] as const) {
    const value = selection[key];
    if (value) params.set(key, value);
  }
  const hash = `#${params.toString()}`;
  if (hash !== location.hash) history.replaceState(null, '', hash);
}
