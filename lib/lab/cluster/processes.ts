/**
 * Starting the cluster's programs: each runs detached with its output in <dir>/<name>.log, its
 * PID recorded in the state before anything waits on it, so a crash at any point leaves nothing
 * that `npm run cluster -- down` or the next start cannot end. Waits are bounded polls that say
 * what they wait for and show the program's log tail when it died or timed out.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { request } from 'node:https';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { isAlive, saveState, type ClusterState } from './state.ts';

export function logFile(s: ClusterState, name: string): string {
  return join(s.dir, `${name}.log`);
}

/** Start a program of the cluster; its PID is in state.json when this returns. */
export function startProcess(s: ClusterState, name: string, file: string, args: readonly string[], env: Record<string, string> = {}): number {
  const out = openSync(logFile(s, name), 'a');
  try {
    const child = spawn(file, args, { cwd: s.dir, detached: true, stdio: ['ignore', out, out], env: { ...process.env, ...env } });
    if (child.pid === undefined) throw new Error(`cluster: could not start ${name} (${file})`);
    child.on('error', () => {}); // reported by waitFor through the log and the dead PID
    child.unref();
    s.processes.push({ name, pid: child.pid });
    saveState(s);
    return child.pid;
  } finally {
    closeSync(out);
  }
}

function logTail(s: ClusterState, name: string): string {
  try {
    return readFileSync(logFile(s, name), 'utf8').trim().split('\n').slice(-12).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Poll `ready` every 100 ms until it is true, the process died, timeoutMs passed, or `signal` aborted (throws its reason). */
export async function waitFor(s: ClusterState, name: string, what: string, ready: () => Promise<boolean>, timeoutMs = 60_000, signal?: AbortSignal): Promise<void> {
  const pid = s.processes.find((p) => p.name === name)?.pid;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    signal?.throwIfAborted();
    if (await ready().catch(() => false)) return;
    if (pid !== undefined && !isAlive(pid)) throw new Error(`cluster: ${name} exited while waiting for ${what}; ${logFile(s, name)}:\n${logTail(s, name)}`);
    if (Date.now() > deadline) throw new Error(`cluster: ${what}: not after ${timeoutMs / 1000}s; ${logFile(s, name)}:\n${logTail(s, name)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** GET https://host:port/healthz answers 200, the certificate checked against `ca` (bounded: 2 s). */
export function healthz(host: string, port: number, ca: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path: '/healthz', ca: readFileSync(ca), timeout: 2000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy(new Error(`https://${host}:${port}/healthz: no answer in 2s`)));
    req.on('error', reject);
    req.end();
  });
}

/** A TCP port free on 127.0.0.1 right now (the kernel's choice). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('cluster: no free port'))));
    });
  });
}

/** Resident memory of the cluster's processes, in MiB (from /proc/<pid>/status VmRSS). */
export function residentMiB(s: ClusterState): Record<string, number> {
  const out: Record<string, number> = {};
  for (const p of s.processes) {
    try {
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${p.pid}/status`, 'utf8'));
      if (m) out[p.name] = Math.round(Number(m[1]) / 1024);
    } catch {
      // ended already: no memory to report
    }
  }
  return out;
}
