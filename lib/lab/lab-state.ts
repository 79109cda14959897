/**
 * The lab's bookkeeping: every lab owns a directory /tmp/capstan-lab/<id>/ with a state.json
 * that lists what it created (bridge, namespaces, PIDs) and its owner PID. The state is written
 * before each resource is created, so a lab whose owner died at any point can be removed by the
 * next startLab (stale cleanup) or by `npm run lab -- down`.
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { endPidsSync, execSyncArgv, isAlive } from './lab-sys.ts';

export const LAB_ROOT = '/tmp/capstan-lab';
/** Second octet range for lab subnets 10.<n>.0.0/24 (10.77 is the reference recipe's). */
const FIRST_N = 100;
const LAST_N = 249;

export interface LabHostState {
  name: string;
  ip: string;
  netns: string;
  veth: string;
  /** Root of the host's private dirs: host path /opt is `${fsDir}/opt`. */
  fsDir: string;
  /** The process that holds the host's mount namespace (exec/spawn/sshd enter it). */
  holderPid?: number;
  sshdPid?: number;
}

export interface LabState {
  id: string;
  n: number;
  ownerPid: number;
  /** Made by `npm run lab -- up`: kept until `npm run lab -- down`, never cleaned as stale. */
  persistent: boolean;
  bridge: string;
  subnet: string;
  dir: string;
  hosts: LabHostState[];
  /** Host paths private to each host (bind mounts of `${fsDir}${path}`). */
  privateDirs: string[];
  /** Background processes started with lab.spawn. */
  pids: number[];
}

export function saveState(state: LabState): void {
  const file = join(state.dir, 'state.json');
  writeFileSync(`${file}.tmp`, JSON.stringify(state, null, 2));
  renameSync(`${file}.tmp`, file);
}

export function readState(dir: string): LabState | undefined {
  const file = join(dir, 'state.json');
  if (!existsSync(file)) return undefined;
  return JSON.parse(readFileSync(file, 'utf8')) as LabState;
}

function subnetInUse(n: number): boolean {
  const addrs = execSyncArgv(['ip', '-4', '-o', 'addr', 'show']).stdout;
  // table all, any word: a real-control-plane cluster's `unreachable 10.<n>.0.0/16` counts too
  const routes = execSyncArgv(['ip', '-4', 'route', 'show', 'table', 'all']).stdout;
  const prefix = `10.${n}.`;
  return addrs.split('\n').some((l) => l.includes(` inet ${prefix}`)) || routes.split(/\s+/).some((w) => w.startsWith(prefix));
}

/**
 * Claim a free lab number: mkdir of /tmp/capstan-lab/lab<n> is atomic, so two labs started at
 * the same moment never get the same number; the subnet must not be on any interface or route.
 */
export function allocateLab(persistent: boolean): LabState {
  mkdirSync(LAB_ROOT, { recursive: true, mode: 0o700 });
  const span = LAST_N - FIRST_N + 1;
  const start = Math.floor(Math.random() * span);
  for (let k = 0; k < span; k++) {
    const n = FIRST_N + ((start + k) % span);
    const id = `lab${n}`;
    const dir = join(LAB_ROOT, id);
    try {
      mkdirSync(dir, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    if (subnetInUse(n) || existsSync(`/sys/class/net/cl${n}br`)) {
      rmSync(dir, { recursive: true, force: true });
      continue;
    }
    const state: LabState = {
      id, n, ownerPid: process.pid, persistent, bridge: `cl${n}br`, subnet: `10.${n}.0`, dir, hosts: [], privateDirs: [], pids: [],
    };
    saveState(state);
    return state;
  }
  throw new Error(`lab: no free lab number in 10.${FIRST_N}-${LAST_N}.0.0/24 (see ${LAB_ROOT})`);
}

function netnsPids(netns: string): number[] {
  const r = execSyncArgv(['ip', 'netns', 'pids', netns]);
  if (r.status !== 0) return [];
  return r.stdout.split('\n').filter(Boolean).map(Number);
}

/**
 * Remove everything a lab created: the processes inside its namespaces (sshd, its sessions,
 * spawned programs, the namespace holders; all started by the lab or through its sshd), the
 * namespaces, veths, bridge and its directory. Idempotent and synchronous.
 */
export function teardownState(state: LabState): void {
  const pids = new Set<number>(state.pids);
  for (const h of state.hosts) {
    for (const pid of netnsPids(h.netns)) pids.add(pid);
    if (h.holderPid) pids.add(h.holderPid);
    if (h.sshdPid) pids.add(h.sshdPid);
  }
  pids.delete(process.pid);
  endPidsSync([...pids].filter(isAlive));
  for (const h of state.hosts) {
    execSyncArgv(['ip', 'netns', 'del', h.netns]);
    if (existsSync(`/sys/class/net/${h.veth}`)) execSyncArgv(['ip', 'link', 'del', h.veth]);
  }
  if (existsSync(`/sys/class/net/${state.bridge}`)) execSyncArgv(['ip', 'link', 'del', state.bridge]);
  rmSync(state.dir, { recursive: true, force: true });
}

/** Labs whose owner process is gone (crashed test), except persistent ones. */
export function cleanupStaleLabs(): string[] {
  if (!existsSync(LAB_ROOT)) return [];
  const removed: string[] = [];
  for (const id of readdirSync(LAB_ROOT)) {
    const dir = join(LAB_ROOT, id);
    const state = readState(dir);
    if (!state) {
      // claimed a moment ago by a lab that has not written its state yet, or an old crash
      if (Date.now() - statSync(dir).mtimeMs > 60_000) rmSync(dir, { recursive: true, force: true });
      continue;
    }
    if (state.persistent || isAlive(state.ownerPid)) continue;
    teardownState(state);
    removed.push(id);
  }
  return removed;
}

/** Every lab currently recorded (for `npm run lab -- status` and `down`). */
export function listLabs(): LabState[] {
  if (!existsSync(LAB_ROOT)) return [];
  return readdirSync(LAB_ROOT).map((id) => readState(join(LAB_ROOT, id))).filter((s): s is LabState => s !== undefined);
}
