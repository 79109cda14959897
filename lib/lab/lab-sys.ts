/**
 * Small system helpers for the lab: run a program by argv (never through a shell), check
 * whether a PID is alive, end PIDs, and a bounded poll. Synchronous variants exist because
 * the lab also tears itself down from process 'exit' handlers, where nothing async runs.
 */
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';

export interface ExecResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Run argv[0] with the rest as arguments (no shell); never throws for a non-zero exit. */
export function execArgv(argv: readonly string[], options: { stdin?: string; timeoutMs?: number } = {}): Promise<ExecResult> {
  const [file, ...args] = argv;
  if (!file) throw new Error('execArgv: empty argv');
  return new Promise((resolve, reject) => {
    const child = execFile(file, args, { cwd: '/', timeout: options.timeoutMs ?? 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err && typeof (err as NodeJS.ErrnoException).code === 'string') return reject(err);
      resolve({ code: child.exitCode, stdout: String(stdout), stderr: String(stderr) });
    });
    if (options.stdin !== undefined) child.stdin?.end(options.stdin);
    else child.stdin?.end();
  });
}

/** Like execArgv but throws with stderr when the exit code is not 0. */
export async function mustExec(argv: readonly string[], options: { stdin?: string } = {}): Promise<string> {
  const r = await execArgv(argv, options);
  if (r.code !== 0) throw new Error(`lab: ${argv.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}

/** Synchronous run, for teardown in exit handlers. Returns the exit status. */
export function execSyncArgv(argv: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const [file, ...args] = argv;
  if (!file) throw new Error('execSyncArgv: empty argv');
  const r = spawnSync(file, args, { encoding: 'utf8', cwd: '/', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** Running and not a zombie (PID 1 here is slow to reap, so `kill -0` is not enough). */
export function isAlive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Parent PID of every process, for finding a process's descendants. */
function parentMap(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      map.set(Number(entry), ppid);
    } catch {
      // the process ended while we listed /proc: nothing to record
    }
  }
  return map;
}

/** The PID and all its descendants (children first found breadth-first). */
export function processTree(pid: number): number[] {
  const parents = parentMap();
  const tree = [pid];
  for (let i = 0; i < tree.length; i++) {
    for (const [child, parent] of parents) if (parent === tree[i]) tree.push(child);
  }
  return tree;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));
/** Synchronous short pause between polls of a bounded wait (exit handlers cannot await). */
function pauseSync(ms: number): void {
  Atomics.wait(sleepCell, 0, 0, ms);
}

/** SIGTERM the PIDs, wait up to graceMs for them to end, then SIGKILL what is left. Synchronous. */
export function endPidsSync(pids: readonly number[], graceMs = 1500): void {
  const signal = (sig: NodeJS.Signals, list: readonly number[]) => {
    for (const pid of list) {
      try {
        process.kill(pid, sig);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
      }
    }
  };
  signal('SIGTERM', pids);
  const deadline = Date.now() + graceMs;
  let left = pids.filter(isAlive);
  while (left.length > 0 && Date.now() < deadline) {
    pauseSync(20);
    left = left.filter(isAlive);
  }
  if (left.length > 0) signal('SIGKILL', left);
}

/** Poll `check` until it returns a value (not undefined) or timeoutMs passes; says what it waited for. */
export async function pollUntil<T>(what: string, check: () => Promise<T | undefined> | T | undefined, timeoutMs: number, intervalMs = 25): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const why = lastError instanceof Error ? `: ${lastError.message}` : '';
      throw new Error(`lab: timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
