/**
 * The systemctl STAND-IN of the k3s stand-in (capstan tests). Lab hosts have no systemd: the
 * stand-in install script puts a `systemctl` wrapper running this file into the host's private
 * /usr/local/bin. It knows only the units the stand-in installer recorded (k3s, k3s-agent):
 *   start/restart   stop the unit's process (if any), start `k3s <recorded args>` detached with the
 *                   unit's env file, and wait (bounded) until it is ready or has failed
 *   stop, is-active, enable, disable, daemon-reload
 * Every call is appended to /var/lib/rancher/k3s-standin/systemctl.log (JSON lines; a `started`
 * line once the unit is ready), so a test can count restarts and order them in time.
 */
import { spawn } from 'node:child_process';
import { appendFileSync, closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, watch, writeFileSync } from 'node:fs';
import { STANDIN_STATE_DIR } from './paths.ts';

const START_TIMEOUT_MS = 30_000;

function unitName(arg: string | undefined): string {
  return (arg ?? '').replace(/\.service$/, '');
}

/** A process's state letter and start time (clock ticks since boot), from /proc/<pid>/stat; undefined when it is gone. */
function procStat(pid: number): { state: string; started: string } | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    return { state: fields[0] ?? '', started: fields[19] ?? '' };
  } catch {
    return undefined;
  }
}

/**
 * The unit's process, as this systemctl recorded it when it started it: its PID and its start
 * time (so a PID the kernel has since given to another process is never signalled).
 */
function pidOf(unit: string): number | undefined {
  const file = `${STANDIN_STATE_DIR}/${unit}.pid`;
  if (!existsSync(file)) return undefined;
  const pid = Number(readFileSync(file, 'utf8').trim());
  const startedFile = `${STANDIN_STATE_DIR}/${unit}.started`;
  const recorded = existsSync(startedFile) ? readFileSync(startedFile, 'utf8').trim() : undefined;
  const now = procStat(pid);
  return now && alive(pid) && now.started === recorded ? pid : undefined;
}

/** Running and not a zombie (an exited service process waits for its reaper, which may be slow). */
function alive(pid: number): boolean {
  const now = procStat(pid);
  return now !== undefined && now.state !== 'Z';
}

/** systemd EnvironmentFile syntax, as the role writes it: KEY="value" (\\ and \" escaped). */
export function parseEnvFile(text: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!m) continue;
    const v = m[2]!;
    env[m[1]!] = v.startsWith('"') && v.endsWith('"') ? v.slice(1, -1).replace(/\\(["\\])/g, '$1') : v;
  }
  return env;
}

async function stop(unit: string): Promise<void> {
  const pid = pidOf(unit);
  rmSync(`${STANDIN_STATE_DIR}/${unit}.ready`, { force: true });
  if (pid === undefined) return;
  process.kill(pid, 'SIGTERM');
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    if (!alive(pid)) return;
    await new Promise((r) => setTimeout(r, 20)); // bounded: waiting for the old k3s stand-in process to exit
  }
  process.kill(pid, 'SIGKILL');
}

/** Start the unit and wait until its ready file appears (or the process dies, or 30 s pass). */
async function start(unit: string): Promise<void> {
  const argsFile = `${STANDIN_STATE_DIR}/${unit}.args`;
  if (!existsSync(argsFile)) throw new Error(`Unit ${unit}.service not found.`);
  const args = readFileSync(argsFile, 'utf8').split('\0').filter((a) => a !== '');
  const envFile = readFileSync(`${STANDIN_STATE_DIR}/${unit}.envfile`, 'utf8').trim();
  const env = { ...process.env, ...(existsSync(envFile) ? parseEnvFile(readFileSync(envFile, 'utf8')) : {}) };
  const ready = `${STANDIN_STATE_DIR}/${unit}.ready`;
  const logFile = `${STANDIN_STATE_DIR}/${unit}.log`;
  rmSync(ready, { force: true });
  const log = openSync(logFile, 'a');
  const child = spawn('/usr/local/bin/k3s', args, { detached: true, stdio: ['ignore', log, log], env, cwd: '/' });
  closeSync(log);
  writeFileSync(`${STANDIN_STATE_DIR}/${unit}.pid`, `${child.pid}\n`);
  writeFileSync(`${STANDIN_STATE_DIR}/${unit}.started`, `${procStat(child.pid!)?.started ?? ''}\n`);
  await new Promise<void>((resolve, reject) => {
    const watcher = watch(STANDIN_STATE_DIR, () => { if (existsSync(ready)) done(); });
    const timer = setTimeout(() => fail(`timed out after ${START_TIMEOUT_MS / 1000}s`), START_TIMEOUT_MS);
    const tail = () => readFileSync(logFile, 'utf8').trim().split('\n').slice(-5).join('\n');
    function done() { clearTimeout(timer); watcher.close(); child.unref(); resolve(); }
    function fail(why: string) { clearTimeout(timer); watcher.close(); reject(new Error(`Job for ${unit}.service failed (${why}).\n${tail()}`)); }
    child.once('exit', (code) => fail(`the process exited with code ${code}`));
    if (existsSync(ready)) done();
  });
}

async function main(argv: string[]): Promise<number> {
  const [verb, arg] = argv.filter((a) => !a.startsWith('-'));
  const unit = unitName(arg);
  mkdirSync(STANDIN_STATE_DIR, { recursive: true });
  const record = (v: string | undefined) => appendFileSync(`${STANDIN_STATE_DIR}/systemctl.log`, `${JSON.stringify({ verb: v, unit, time: new Date().toISOString() })}\n`);
  record(verb);
  switch (verb) {
    case 'daemon-reload': case 'enable': case 'disable': return 0;
    case 'is-active': {
      const active = pidOf(unit) !== undefined && existsSync(`${STANDIN_STATE_DIR}/${unit}.ready`);
      process.stdout.write(active ? 'active\n' : 'inactive\n');
      return active ? 0 : 3;
    }
    case 'stop': await stop(unit); return 0;
    case 'start': if (pidOf(unit) !== undefined) return 0; await start(unit); record('started'); return 0;
    case 'restart': await stop(unit); await start(unit); record('started'); return 0;
    default: process.stderr.write(`systemctl stand-in: unsupported ${String(verb)}\n`); return 1;
  }
}

if (import.meta.main) {
  main(process.argv.slice(2)).then((code) => process.exit(code), (e: Error) => {
    process.stderr.write(`${e.message}\n`);
    process.exit(1);
  });
}
