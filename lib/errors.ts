/**
 * The typed error hierarchy. Every error capstan raises on purpose is a CapstanError: it names
 * what failed, where (file and key, or host and step) and what to do next. Messages pass through
 * the secret masker before anyone sees them (see secrets.ts); never build one from a raw secret.
 */
import { isAbsolute, relative } from 'node:path';

/** Exit codes, as ansible-playbook uses them (documented in docs/exit-codes.md). */
export const ExitCode = {
  ok: 0,
  /** An unexpected error inside capstan itself. */
  internal: 1,
  /** One or more hosts had a failed task. */
  hostFailed: 2,
  /** One or more hosts were unreachable (and none failed). */
  hostUnreachable: 4,
  /**
   * Only with --detailed-exitcode: nothing failed and something changed (with --check: would
   * change). Not 2 (terraform's and helm-diff's): Ansible gives 2 to failed hosts.
   */
  changesPending: 6,
  /** Bad command-line options or bad input (inventory, vars, playbook): nothing was run. */
  invalidInput: 5,
  /** Interrupted by the user (Ctrl-C). */
  interrupted: 99,
} as const;

/** One problem in the input: `file › key: message`. */
export interface Problem {
  /** The file the value came from (inventory file, group_vars file, -e), or '' when unknown. */
  file: string;
  /** The variable or key path, e.g. `istio_gateway_http_nodeport` or `metallb_address_pools[0].addresses`. */
  key: string;
  /** What is wrong, and the fix. */
  message: string;
  /** The host the value was resolved for, when it matters. */
  host?: string;
}

/** A file as a problem names it: relative to the project when inside it, else as given. */
export function shownPath(path: string, projectDir: string): string {
  const rel = relative(projectDir, path);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

export function formatProblem(p: Problem): string {
  const where = [p.file, p.key].filter(Boolean).join(' › ');
  const host = p.host ? ` (host ${p.host})` : '';
  return `${where}${host}: ${p.message}`;
}

export class CapstanError extends Error {
  /** What the user can do about it; printed after the message. */
  readonly hint: string | undefined;
  constructor(message: string, options?: { hint?: string; cause?: unknown }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.hint = options?.hint;
  }
}

/** Bad input found before anything ran. Carries every problem at once. */
export class InputError extends CapstanError {
  readonly problems: Problem[];
  constructor(problems: Problem[], heading = 'invalid input') {
    super(`${heading}: ${problems.length} problem${problems.length === 1 ? '' : 's'}\n` +
      problems.map((p) => `  - ${formatProblem(p)}`).join('\n'));
    this.problems = problems;
  }
}

/** The inventory (hosts file, group_vars, host_vars, vault) could not be read. */
export class InventoryError extends InputError {}

/** A host could not be reached, or dropped: the host is marked unreachable. */
export class ConnectionError extends CapstanError {
  readonly host: string;
  constructor(host: string, message: string, options?: { hint?: string; cause?: unknown }) {
    super(`${host}: ${message}`, options);
    this.host = host;
  }
}

/** A command exited non-zero (or timed out) where success was required. */
export class CommandError extends CapstanError {
  readonly host: string;
  readonly command: string;
  readonly exitCode: number | null;
  readonly stderrTail: string;
  constructor(host: string, command: string, exitCode: number | null, stderr: string, options?: { hint?: string }) {
    const tail = stderr.trim().split('\n').slice(-10).join('\n');
    super(`${host}: command failed (exit ${exitCode ?? 'timeout'}): ${command}${tail ? `\n${tail}` : ''}`, options);
    this.host = host;
    this.command = command;
    this.exitCode = exitCode;
    this.stderrTail = tail;
  }
}

/** Another run holds a lock (host lock file or cluster Lease) and did not let go in time. */
export class LockError extends CapstanError {}

/** helm exited non-zero; carries helm's own message. */
export class HelmError extends CapstanError {}

/** A Kubernetes API request failed in a way that is not retried (4xx, or retries exhausted). */
export class KubeError extends CapstanError {
  readonly status: number | undefined;
  constructor(message: string, status?: number, options?: { hint?: string; cause?: unknown }) {
    super(message, options);
    this.status = status;
  }
}

/** A bounded wait ran out. Names the resource, its last observed status and its events. */
export class HealthTimeoutError extends CapstanError {
  readonly resource: string;
  readonly lastStatus: string;
  readonly waitedSeconds: number;
  constructor(resource: string, waitedSeconds: number, lastStatus: string, events: string[] = [], options?: { hint?: string }) {
    super(`timed out after ${waitedSeconds}s waiting for ${resource}:${lastStatus.startsWith('\n') ? '' : ' '}${lastStatus}` +
      (events.length ? `\n  events:\n${events.map((e) => `    ${e}`).join('\n')}` : ''), options);
    this.resource = resource;
    this.lastStatus = lastStatus;
    this.waitedSeconds = waitedSeconds;
  }

  /** One timeout for waits that ran together, naming every item still pending with its last status. */
  static combine(timeouts: readonly HealthTimeoutError[]): HealthTimeoutError {
    if (timeouts.length === 1) return timeouts[0]!;
    const err = new HealthTimeoutError(`${timeouts.length} items`, Math.max(...timeouts.map((t) => t.waitedSeconds)),
      `\n${timeouts.map((t) => `  - ${t.message.replace(/^timed out after \d+s waiting for /, '').replace(/\n/g, '\n    ')}`).join('\n')}`);
    return err;
  }
}
