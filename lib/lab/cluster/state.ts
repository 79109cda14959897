/**
 * A cluster's bookkeeping, like the lab's: each cluster owns /tmp/capstan-cluster/<id>/ with a
 * state.json listing what it started (PIDs, the route of its address range) and its owner PID,
 * written before each thing is started. A cluster whose owner died (a crashed test) is removed
 * by the next startCluster or by `npm run cluster -- down`. Only recorded PIDs are ever ended,
 * and only while their command line still names the cluster's directory (no reused PID).
 *
 * Address range: cluster <n> owns 10.<n>.0.0/16 (n in 100..249, never on an interface or route
 * already, so never one of the machine's networks) with an `unreachable` route, so anything the
 * API server or kwok might dial there (pod, node, service IPs) fails at once on this machine.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { isAlive } from '../lab-sys.ts';

/** Running and not a zombie: the lab's own check (lib/lab/lab-sys.ts). */
export { isAlive };

export const CLUSTER_ROOT = '/tmp/capstan-cluster';
const FIRST_N = 100;
const LAST_N = 249;

export interface ClusterProcess { name: string; pid: number }

export interface ClusterState {
  id: string;
  n: number;
  dir: string;
  ownerPid: number;
  persistent: boolean;
  /** `unreachable 10.<n>.0.0/16`, once added. */
  route?: string;
  processes: ClusterProcess[];
  /** Where the API server listens (loopback; a lab's gateway too when started for a lab). */
  apiPort?: number;
  hosts: string[];
  startedAt: string;
}

export function saveState(s: ClusterState): void {
  const file = join(s.dir, 'state.json');
  writeFileSync(`${file}.tmp`, JSON.stringify(s, null, 2));
  renameSync(`${file}.tmp`, file);
}

export function readState(dir: string): ClusterState | undefined {
  try {
    return JSON.parse(readFileSync(join(dir, 'state.json'), 'utf8')) as ClusterState;
  } catch (err) {
    // not written yet, removed by another process's teardown between listing and reading, or an
    // entry that is no cluster folder (the shared cluster's owner file sits beside them)
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}

function run(argv: readonly string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
}

/** 10.<n>. appears on some interface or in some route (the lab's bridges, the machine's own). */
function rangeInUse(n: number): boolean {
  const prefix = `10.${n}.`;
  const text = `${run(['ip', '-4', '-o', 'addr', 'show']).stdout}\n${run(['ip', '-4', 'route', 'show', 'table', 'all']).stdout}`;
  return text.split(/\s+/).some((w) => w.startsWith(prefix));
}

/** Claim a free n: mkdir is atomic, so two clusters started together never share one. */
export function allocateCluster(persistent: boolean, hosts: string[]): ClusterState {
  mkdirSync(CLUSTER_ROOT, { recursive: true, mode: 0o700 });
  const span = LAST_N - FIRST_N + 1;
  const start = Math.floor(Math.random() * span);
  for (let k = 0; k < span; k++) {
    const n = FIRST_N + ((start + k) % span);
    const dir = join(CLUSTER_ROOT, `cluster${n}`);
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    if (rangeInUse(n) || existsSync(`/tmp/capstan-lab/lab${n}`)) {
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    const s: ClusterState = { id: `cluster${n}`, n, dir, ownerPid: process.pid, persistent, processes: [], hosts, startedAt: new Date().toISOString() };
    saveState(s);
    return s;
  }
  throw new Error(`cluster: no free address range 10.${FIRST_N}-${LAST_N}.0.0/16 (see ${CLUSTER_ROOT})`);
}

/** Make 10.<n>.0.0/16 fail fast here instead of leaving the machine. */
export function addUnreachableRoute(s: ClusterState): void {
  const route = `10.${s.n}.0.0/16`;
  s.route = route;
  saveState(s);
  const r = run(['ip', 'route', 'add', 'unreachable', route]);
  if (r.status !== 0) throw new Error(`cluster: ip route add unreachable ${route} failed (run as root): ${r.stderr.trim()}`);
}


/** Alive and still ours: its command line names the cluster's directory. */
function isOurs(pid: number, dir: string): boolean {
  if (!isAlive(pid)) return false;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(dir);
  } catch {
    return false;
  }
}

/** Direct children of a PID (from /proc/<pid>/task/<pid>/children). */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

const cell = new Int32Array(new SharedArrayBuffer(4));

/** The cluster's own PIDs, in the order to end them. */
function processesToEnd(s: ClusterState): number[] {
  // Reverse start order: kwok and the controllers before the API server, etcd last; with
  // their children (MetalLB's controller under its runner), which name the directory too.
  return [...s.processes].reverse().flatMap((p) => [...childrenOf(p.pid), p.pid]).filter((pid) => isOurs(pid, s.dir));
}

/** SIGTERM the cluster's own PIDs, SIGKILL what is left after graceMs. Synchronous (exit handlers). */
export function endProcesses(s: ClusterState, graceMs = 3000): void {
  endPids(`cluster ${s.id}`, processesToEnd(s), graceMs);
}

function signalPids(sig: NodeJS.Signals, pids: readonly number[]): void {
  for (const pid of pids) {
    try {
      process.kill(pid, sig);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ESRCH') throw err;
    }
  }
}

/** SIGTERM these PIDs (recorded when they were started), SIGKILL what is left after graceMs. Synchronous. */
export function endPids(who: string, pids: number[], graceMs: number): void {
  signalPids('SIGTERM', pids);
  const left = waitGone(pids, graceMs);
  signalPids('SIGKILL', left);
  const stuck = waitGone(left, 5000);
  if (stuck.length > 0) throw new Error(`${who}: PIDs ${stuck.join(', ')} still alive after SIGKILL`);
}

/** endPids that leaves the event loop running while the processes end (down(): a Ctrl-C meanwhile is seen). */
export async function endPidsAsync(who: string, pids: number[], graceMs: number): Promise<void> {
  signalPids('SIGTERM', pids);
  const left = await waitGoneAsync(pids, graceMs);
  signalPids('SIGKILL', left);
  const stuck = await waitGoneAsync(left, 5000);
  if (stuck.length > 0) throw new Error(`${who}: PIDs ${stuck.join(', ')} still alive after SIGKILL`);
}

/** Poll until the PIDs are gone or ms passed; the ones still alive. */
function waitGone(pids: number[], ms: number): number[] {
  const deadline = Date.now() + ms;
  let left = pids.filter(isAlive);
  while (left.length > 0 && Date.now() < deadline) {
    Atomics.wait(cell, 0, 0, 20);
    left = left.filter(isAlive);
  }
  return left;
}

async function waitGoneAsync(pids: number[], ms: number): Promise<number[]> {
  const deadline = Date.now() + ms;
  let left = pids.filter(isAlive);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
    left = left.filter(isAlive);
  }
  return left;
}

/** With the programs started later against the cluster (cert-manager's controller), which are in state.json only. */
function withLaterProcesses(s: ClusterState): ClusterState {
  const onDisk = readState(s.dir);
  return onDisk?.id === s.id ? { ...s, processes: onDisk.processes } : s;
}

function removeRouteAndFolder(s: ClusterState): void {
  if (s.route) run(['ip', 'route', 'del', 'unreachable', s.route]);
  rmSync(s.dir, { recursive: true, force: true });
}

/** Remove everything the cluster made. Idempotent and synchronous (exit handlers). */
export function teardownState(s: ClusterState): void {
  endProcesses(withLaterProcesses(s));
  removeRouteAndFolder(s);
}

/** teardownState for down(): the same, with the event loop running while the processes end. */
export async function teardownStateAsync(s: ClusterState): Promise<void> {
  const all = withLaterProcesses(s);
  await endPidsAsync(`cluster ${s.id}`, processesToEnd(all), 3000);
  removeRouteAndFolder(s);
}

/** How old a folder is, or undefined when it vanished meanwhile. */
function ageMs(dir: string): number | undefined {
  try {
    return Date.now() - statSync(dir).mtimeMs;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export function listClusters(): ClusterState[] {
  if (!existsSync(CLUSTER_ROOT)) return [];
  return readdirSync(CLUSTER_ROOT).map((id) => readState(join(CLUSTER_ROOT, id))).filter((s): s is ClusterState => s !== undefined);
}

/** Clusters whose owner is gone (never persistent ones); a directory without state older than a minute. */
export function cleanupStaleClusters(): string[] {
  if (!existsSync(CLUSTER_ROOT)) return [];
  const removed: string[] = [];
  for (const id of readdirSync(CLUSTER_ROOT)) {
    const dir = join(CLUSTER_ROOT, id);
    const s = readState(dir);
    if (!s) {
      // no state yet (being allocated) or already gone (another process's teardown removed it)
      const age = ageMs(dir);
      if (age !== undefined && age > 60_000) rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (s.persistent || isAlive(s.ownerPid)) continue;
    teardownState(s);
    removed.push(id);
  }
  return removed;
}
