/**
 * The lab: N throw-away SSH hosts on this machine, for tests and benchmarks (root only).
 *
 *   const lab = await startLab({ hosts: 3 });
 *   // lab.inventoryDir: an Ansible INI inventory (group [lab]) with key and known_hosts
 *   await lab.exec('node1', ['cat', '/etc/rancher/k3s/config.yaml']);
 *   await lab.down();
 *
 * Each host is a network namespace with its own IP (10.<n>.0.11, .12, ...) on the lab's own
 * bridge (this machine is 10.<n>.0.1), its own sshd (Debian's openssh-server) with its own
 * ed25519 host key, and private /etc/rancher, /var/lib/rancher, /usr/local/bin, /opt, /run/lock (the run lock file) and /root.
 * Labs coexist (each claims a free n); a lab whose owner process died is removed by the next
 * startLab. No default route exists in the namespaces: only this machine and the lab's hosts
 * can talk to each other. See docs/lab.md.
 */
import { spawn as spawnChild } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createNetns, PRIVATE_DIRS, startHolder, startSshdIn, type SshdFiles } from './lab-host.ts';
import { allocateLab, cleanupStaleLabs, saveState, teardownState, type LabHostState, type LabState } from './lab-state.ts';
import { endPidsSync, execArgv, isAlive, mustExec, processTree, type ExecResult } from './lab-sys.ts';
import { writeLabInventory } from './lab-inventory.ts';

export interface LabOptions {
  hosts: number;
  /** A label for the lab's directory listing (default 'lab'). */
  name?: string;
  /** Host names are `${prefix}1`, `${prefix}2`, ... (default 'node'). */
  hostNamePrefix?: string;
  /** Extra inventory groups: group name → host names (every host is always in [lab]). */
  groups?: Record<string, readonly string[]>;
  /** More host paths to make private per host, beyond /etc/rancher, /var/lib/rancher, /usr/local/bin, /opt, /root, /run/lock. */
  extraPrivateDirs?: readonly string[];
  /** Kept after this process exits (for `npm run lab -- up`); removed only by `down`. */
  persistent?: boolean;
  /**
   * false: the caller handles SIGINT/SIGTERM itself and calls down() (the demo); the lab then
   * does not tear itself down from a signal, which would pull the lab away under a start-up or
   * a teardown still running. Removal at process exit stays. Default true.
   */
  handleSignals?: boolean;
}

export interface LabHost {
  name: string;
  ip: string;
  netns: string;
  /** The host's private dirs live here: the host's /opt/x is `${fsDir}/opt/x` on this machine. */
  fsDir: string;
}

export interface SpawnedProcess {
  pid: number;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  /** SIGTERM, then SIGKILL after a grace period; resolves when it is gone. */
  stop(): Promise<void>;
}

export interface Lab {
  readonly id: string;
  readonly dir: string;
  readonly hosts: readonly LabHost[];
  /** This machine's address on the lab bridge (what the hosts see as the controller). */
  readonly gatewayIp: string;
  /** Directory with `hosts` (INI inventory, group [lab]); pass it as --inventory. */
  readonly inventoryDir: string;
  readonly knownHostsFile: string;
  readonly privateKeyFile: string;
  /** Run argv inside the host's network and mount namespaces; throws on non-zero unless allowFail. */
  exec(host: string, argv: readonly string[], options?: { stdin?: string; allowFail?: boolean }): Promise<ExecResult>;
  /** Start a background program inside the host's namespaces (output to logFile, default <dir>/<host>-<pid>.log). */
  spawn(host: string, argv: readonly string[], options?: { logFile?: string; env?: Record<string, string> }): Promise<SpawnedProcess>;
  /** Kill the host's sshd and every session it serves (as if the host went away). */
  stopSshd(host: string): Promise<void>;
  startSshd(host: string): Promise<void>;
  /** Empty every host's private dirs (a fresh host for the next run). */
  reset(): Promise<void>;
  /** Remove everything (idempotent): processes, namespaces, bridge, directories. */
  down(): Promise<void>;
}

const liveLabs = new Map<string, LabState>();
let hooksInstalled = false;

/** Tear down every lab of this process when it exits or is signalled (a crashed test leaves nothing). */
function installExitHooks(handleSignals: boolean): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  const downAll = () => {
    for (const state of liveLabs.values()) if (!state.persistent) teardownState(state);
    liveLabs.clear();
  };
  process.on('exit', downAll);
  if (!handleSignals) return;
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      downAll();
      process.kill(process.pid, sig);
    });
  }
}

function hostState(state: LabState, name: string): LabHostState {
  const h = state.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`lab ${state.id}: no host named ${name} (have: ${state.hosts.map((x) => x.name).join(', ')})`);
  return h;
}

function sshdFiles(state: LabState, h: LabHostState): SshdFiles {
  const hd = join(state.dir, 'hosts', h.name);
  return { hostKey: join(hd, 'ssh_host_ed25519_key'), authorizedKeys: join(state.dir, 'authorized_keys'), logFile: join(hd, 'sshd.log') };
}

async function createBridge(state: LabState): Promise<void> {
  await mustExec(['ip', 'link', 'add', state.bridge, 'type', 'bridge']);
  await mustExec(['ip', 'addr', 'add', `${state.subnet}.1/24`, 'dev', state.bridge]);
  await mustExec(['ip', 'link', 'set', state.bridge, 'up']);
  const route = await mustExec(['ip', 'route', 'get', `${state.subnet}.11`]);
  if (!route.includes(`dev ${state.bridge}`)) throw new Error(`lab: ${state.subnet}.0/24 is not routed via ${state.bridge}: ${route}`);
}

async function createHost(state: LabState, i: number, prefix: string, privateDirs: readonly string[]): Promise<void> {
  const name = `${prefix}${i}`;
  const h: LabHostState = {
    name, ip: `${state.subnet}.${10 + i}`, netns: `capstan-${state.id}-${name}`, veth: `cl${state.n}v${i}`,
    fsDir: join(state.dir, 'hosts', name, 'fs'),
  };
  state.hosts.push(h);
  saveState(state);
  const files = sshdFiles(state, h);
  mkdirSync(join(state.dir, 'hosts', name), { recursive: true });
  await mustExec(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', name, '-f', files.hostKey]);
  await createNetns(h, state.bridge);
  h.holderPid = await startHolder(h, privateDirs);
  saveState(state);
  h.sshdPid = await startSshdIn(h, files);
  saveState(state);
}

export async function startLab(options: LabOptions): Promise<Lab> {
  if (process.getuid?.() !== 0) throw new Error('lab: must run as root (network namespaces, bind mounts)');
  if (!Number.isInteger(options.hosts) || options.hosts < 1 || options.hosts > 100) throw new Error('lab: hosts must be 1..100');
  cleanupStaleLabs();
  installExitHooks(options.handleSignals ?? true);
  const state = allocateLab(options.persistent ?? false);
  liveLabs.set(state.id, state);
  try {
    writeFileSync(join(state.dir, 'name'), `${options.name ?? 'lab'}\n`);
    await mustExec(['ssh-keygen', '-q', '-t', 'ed25519', '-N', '', '-C', `capstan-${state.id}`, '-f', join(state.dir, 'id_ed25519')]);
    await mustExec(['cp', join(state.dir, 'id_ed25519.pub'), join(state.dir, 'authorized_keys')]);
    await createBridge(state);
    const privateDirs = state.privateDirs = [...PRIVATE_DIRS, ...(options.extraPrivateDirs ?? [])];
    // hosts start in parallel: ssh-keygen and sshd start-up dominate, and they are independent
    await Promise.all(Array.from({ length: options.hosts }, (_, k) => createHost(state, k + 1, options.hostNamePrefix ?? 'node', privateDirs)));
    state.hosts.sort((a, b) => a.veth.localeCompare(b.veth, 'en', { numeric: true }));
    saveState(state);
    writeLabInventory(state, options.groups ?? {});
  } catch (err) {
    teardownState(state);
    liveLabs.delete(state.id);
    throw err;
  }
  return makeLab(state);
}

function makeLab(state: LabState): Lab {
  const nsArgs = (h: LabHostState) => ['nsenter', '-t', String(h.holderPid), '-n', '-m', '--'];
  return {
    id: state.id,
    dir: state.dir,
    hosts: state.hosts.map(({ name, ip, netns, fsDir }) => ({ name, ip, netns, fsDir })),
    gatewayIp: `${state.subnet}.1`,
    inventoryDir: join(state.dir, 'inventory'),
    knownHostsFile: join(state.dir, 'known_hosts'),
    privateKeyFile: join(state.dir, 'id_ed25519'),
    async exec(host, argv, options = {}) {
      const r = await execArgv([...nsArgs(hostState(state, host)), ...argv], options.stdin === undefined ? {} : { stdin: options.stdin });
      if (r.code !== 0 && !options.allowFail) throw new Error(`lab ${host}: ${argv.join(' ')} exited ${r.code}: ${r.stderr.trim()}`);
      return r;
    },
    async spawn(host, argv, options = {}) {
      return spawnIn(state, hostState(state, host), [...nsArgs(hostState(state, host)), ...argv], options);
    },
    async stopSshd(host) {
      const h = hostState(state, host);
      if (h.sshdPid && isAlive(h.sshdPid)) endPidsSync(processTree(h.sshdPid), 1000);
      h.sshdPid = undefined;
      saveState(state);
    },
    async startSshd(host) {
      const h = hostState(state, host);
      if (h.sshdPid && isAlive(h.sshdPid)) return;
      h.sshdPid = await startSshdIn(h, sshdFiles(state, h));
      saveState(state);
    },
    async reset() {
      for (const h of state.hosts) for (const d of state.privateDirs) emptyDir(join(h.fsDir, d));
    },
    async down() {
      if (!liveLabs.has(state.id)) return;
      teardownState(state);
      liveLabs.delete(state.id);
    },
  };
}

/** Remove everything below dir (recursively), keeping dir itself; nested dirs of /var/lib/rancher included. */
function emptyDir(dir: string): void {
  for (const entry of readdirSync(dir)) rmSync(join(dir, entry), { recursive: true, force: true });
}

async function spawnIn(state: LabState, h: LabHostState, argv: string[], options: { logFile?: string; env?: Record<string, string> }): Promise<SpawnedProcess> {
  const logFile = options.logFile ?? join(state.dir, `${h.name}-${Date.now()}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawnChild(argv[0]!, argv.slice(1), { detached: true, stdio: ['ignore', fd, fd], cwd: '/', env: { ...process.env, ...options.env } });
  closeSync(fd);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`lab ${h.name}: could not start ${argv.join(' ')}`);
  state.pids.push(pid);
  saveState(state);
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.unref();
  return {
    pid,
    exited,
    async stop() {
      if (isAlive(pid)) endPidsSync(processTree(pid), 1500);
      await exited;
    },
  };
}
