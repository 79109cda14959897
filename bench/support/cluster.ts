/**
 * What the cluster-side benches (istio-vs-ansible, site) share: a real control plane
 * (lib/lab/cluster) with kwok's pod stages pinned to a stated delay, so every tool waits for the
 * same thing; a bounded, timed child process; and the audit log's writes of one user split into
 * what persisted, the run lock's Lease requests and dry runs.
 */
import { spawn } from 'node:child_process';
import { startCluster, type Cluster } from '../../lib/lab/cluster/index.ts';
import { stages } from '../../lib/lab/cluster/stages.ts';
import { isLockRequest } from '../../lib/lock/lease.ts';
import type { AuditWrite } from '../../lib/lab/cluster/audit.ts';

export const log = (bench: string) => (s: string): void => {
  process.stderr.write(`[${bench} ${new Date().toISOString().slice(11, 19)}] ${s}\n`);
};

/** kwok stages whose delay is pinned: a scheduled pod turns Running+Ready, a Job's pod Succeeded. */
const PINNED = new Set(['pod-ready', 'pod-complete']);

/** Pods become Ready (a Job's pod Succeeded) `podReadyMs` after kwok sees them scheduled, no jitter. */
export async function pinPodStages(c: Cluster, podReadyMs: number): Promise<void> {
  for (const s of stages().filter((x) => PINNED.has(x.metadata.name))) {
    s.spec.delay = { durationMilliseconds: podReadyMs };
    await c.api.apply(`/apis/kwok.x-k8s.io/v1alpha1/stages/${s.metadata.name}`, s, 'capstan-bench');
  }
}

/** A control plane of its own with the pod stages pinned (pinPodStages). */
export async function benchCluster(podReadyMs: number, say: (s: string) => void): Promise<Cluster> {
  const c = await startCluster({ lbIps: true, log: say });
  try {
    await pinPodStages(c, podReadyMs);
    say(`control plane ${c.id} up in ${c.startupSeconds.toFixed(1)} s; pod-ready and pod-complete stages pinned to ${podReadyMs} ms`);
    return c;
  } catch (err) {
    await c.down();
    throw err;
  }
}

export interface Timed { seconds: number; stdout: string; stderr: string }

/** Runs a command to its end (bounded by timeoutMs); rejects on a non-zero exit with the output's tail. */
export function timed(cmd: string, args: readonly string[], o: { env?: NodeJS.ProcessEnv; cwd: string; timeoutMs: number }): Promise<Timed> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env: o.env ?? process.env, cwd: o.cwd, stdio: ['ignore', 'pipe', 'pipe'], timeout: o.timeoutMs, killSignal: 'SIGKILL' });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => { stdout += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { stderr += b.toString(); });
    child.on('error', reject);
    child.on('close', (code, signal) => {
      const seconds = (performance.now() - started) / 1000;
      if (code === 0) return resolve({ seconds, stdout, stderr });
      const tail = `${stdout}\n${stderr}`.split('\n').slice(-40).join('\n');
      reject(new Error(`${cmd} ${args.join(' ')} ${signal ? `killed by ${signal} (bound ${o.timeoutMs / 1000} s)` : `exited ${code}`}\n${tail}`));
    });
  });
}

export interface WriteCount {
  /** Writes that persisted something, the run lock's Lease apart, as "verb uri code". */
  persisted: string[];
  /** The run lock's Lease requests. */
  lock: number;
  /** dryRun=All requests (persist nothing). */
  dryRun: number;
}

export function countWrites(writes: readonly AuditWrite[]): WriteCount {
  const lock = writes.filter((w) => isLockRequest(w.uri.split('?')[0]!));
  const dry = writes.filter((w) => w.dryRun && !lock.includes(w));
  const persisted = writes.filter((w) => !w.dryRun && !lock.includes(w)).map((w) => `${w.verb} ${w.uri} ${w.code}`);
  return { persisted, lock: lock.length, dryRun: dry.length };
}

/** Writes by `user` during `run` (the audit log read before and after). */
export async function auditedRun<T>(c: Cluster, user: string, run: () => Promise<T>): Promise<{ result: T; writes: WriteCount }> {
  const mark = (await c.auditWrites(user)).length;
  const result = await run();
  return { result, writes: countWrites((await c.auditWrites(user)).slice(mark)) };
}

export const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
