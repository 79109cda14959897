/**
 * Where a play's events go: the console (or `--json` on stdout), plus a JSON log file
 * (`--json-log FILE`; ansible.cfg's `log_path` feeds the same option) and an HTML report
 * (`--report FILE`), all at once. A file that cannot be opened is bad input (exit 5) before
 * anything runs.
 */
import { InputError } from '../errors.ts';
import type { Problem } from '../errors.ts';
import { colourEnabled } from '../report/colour.ts';
import { consoleReporter } from '../report/console.ts';
import { multiReporter } from '../report/events.ts';
import type { Reporter, RunEvent } from '../report/events.ts';
import { htmlReporter } from '../report/html/index.ts';
import { jsonLogReporter, jsonReporter } from '../report/json.ts';
import type { CliIO } from './args.ts';

export interface OutputOptions {
  /** --json: events on stdout instead of the console text. */
  json?: boolean;
  /** --json-log FILE (or log_path): the events appended to FILE as well. */
  jsonLog?: string;
  /** --report FILE: a self-contained HTML page written when the run ends. */
  report?: string;
  verbosity: number;
  diff: boolean;
  /** --plan: the plan is what is shown; in a run, plan events only feed the report. */
  planMode: boolean;
}

export interface PlayOutputs {
  readonly reporter: Reporter;
  /** Whether plan events should be emitted in a run (the report shows the plan's objects). */
  readonly wantsPlan: boolean;
  /**
   * A run that could not start: its events (startFailure) to --json and the files; the console
   * has printed the error on stderr already.
   */
  failed(events: readonly RunEvent[]): void;
  /** Close the files (after the recap, or after a failure to start). */
  close(): void;
}

function opened<T>(flag: string, path: string, open: () => T): T {
  try {
    return open();
  } catch (err) {
    const why = err instanceof Error ? err.message : String(err);
    throw new InputError([{ file: '', key: flag, message: `cannot write ${path}: ${why}; give a path in a writable folder` }]);
  }
}

/** The terminal's width, else COLUMNS (as Ansible reads it when output is piped), else the 80 default. */
function columnsOf(io: CliIO): number | undefined {
  const fromEnv = Number(io.env['COLUMNS']);
  return io.stdout.columns || (Number.isInteger(fromEnv) && fromEnv >= 20 ? fromEnv : undefined);
}

/** Drops plan events outside --plan (they are for the report). */
const withoutPlan = (r: Reporter): Reporter => ({ emit: (e) => { if (e.type !== 'plan') r.emit(e); } });

export function playOutputs(o: OutputOptions, io: CliIO): PlayOutputs {
  const shown = o.json ? jsonReporter(io.stdout) : consoleReporter(io.stdout, {
    verbosity: o.verbosity, diff: o.diff, err: io.stderr,
    colour: colourEnabled(io.env, io.stdout.isTTY ?? false),
    ...(columnsOf(io) ? { columns: columnsOf(io)! } : {}),
  });
  const files: Reporter[] = [];
  const closers: (() => void)[] = [];
  if (o.jsonLog) {
    const log = opened('--json-log', o.jsonLog, () => jsonLogReporter(o.jsonLog!));
    files.push(o.planMode ? log : withoutPlan(log));
    closers.push(() => log.close());
  }
  if (o.report) files.push(opened('--report', o.report, () => htmlReporter(o.report!)));
  const failureSinks = multiReporter(...(o.json ? [shown] : []), ...files);
  return {
    reporter: multiReporter(o.planMode ? shown : withoutPlan(shown), ...files),
    wantsPlan: !!o.report,
    failed: (events) => events.forEach((e) => failureSinks.emit(e)),
    close: () => closers.forEach((c) => c()),
  };
}

/** The events of a run that could not start: an `error`, then the `recap` every run ends with. */
export function startFailure(err: unknown, exitCode: number): RunEvent[] {
  const problems: Problem[] = err instanceof InputError ? err.problems : [];
  return [
    { type: 'error', message: err instanceof Error ? err.message : String(err), problems, exit_code: exitCode },
    { type: 'recap', hosts: {}, duration_ms: 0, exit_code: exitCode },
  ];
}
