/** What the HTML report is made from: the run's events, masked, with times since the run started. */
import type { RunEvent } from '../events.ts';

type Ev<K extends RunEvent['type']> = Extract<RunEvent, { type: K }>;

export interface ReportResult extends Ev<'task_result'> {
  play: string;
  /** ms since the run started. */
  start: number;
}

export interface ReportSpan extends Ev<'span'> {
  start: number;
}

export interface ReportData {
  startedAt: string;
  endedAt?: number;
  run?: Ev<'run_start'>;
  plays: { name: string; hosts: string[]; skipped?: string }[];
  results: ReportResult[];
  spans: ReportSpan[];
  plans: Ev<'plan'>[];
  warnings: string[];
  error?: Ev<'error'>;
  recap?: Ev<'recap'>;
}

/** A verify table row, as roles put them in `data.verify` (roles/istio/verify.ts). */
export interface VerifyRow {
  check: string;
  expected: string;
  actual: string;
  result: string;
}

export function verifyRows(r: ReportResult): VerifyRow[] | undefined {
  const rows = r.data?.['verify'];
  if (!Array.isArray(rows)) return undefined;
  return rows.filter((x): x is VerifyRow => !!x && typeof x === 'object' && 'check' in x)
    .map((x) => ({ check: String(x.check), expected: String(x.expected ?? ''), actual: String(x.actual ?? ''), result: String(x.result ?? '') }));
}
