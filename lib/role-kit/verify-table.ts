/** A role's verify table: one row per by-hand check, printed like kubectl's fixed-width output. */

export interface VerifyRow {
  readonly check: string;
  readonly expected: string;
  readonly actual: string;
  /** 'ok', 'FAIL', or 'warn' (reported only). */
  readonly result: 'ok' | 'FAIL' | 'warn';
  /** What to do about a FAIL or warn row (printed under the table). */
  readonly fix?: string;
}

/** A plain fixed-width table, like kubectl's; the fixes of rows that are not ok follow it. */
export function formatTable(rows: readonly VerifyRow[]): string {
  const header = { check: 'CHECK', expected: 'EXPECTED', actual: 'ACTUAL', result: 'RESULT' } as const;
  const all = [header, ...rows];
  const width = (k: 'check' | 'expected' | 'actual') => Math.max(...all.map((r) => r[k].length));
  const w = { check: width('check'), expected: width('expected'), actual: width('actual') };
  const table = all.map((r) => `${r.check.padEnd(w.check)}  ${r.expected.padEnd(w.expected)}  ${r.actual.padEnd(w.actual)}  ${r.result}`.trimEnd());
  const fixes = rows.filter((r) => r.fix && r.result !== 'ok').map((r) => `fix ${r.check}: ${r.fix}`);
  return [...table, ...fixes].join('\n');
}
