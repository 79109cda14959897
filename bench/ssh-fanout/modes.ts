/**
 * The benchmark's modes: how each tool is run on the lab and how its run is checked.
 * Every mode does the same 10 tasks per host; a first run must change 6 per host, a rerun 0.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../../lib/lab/lab.ts';

/**
 * ansible-*, mitogen and pyinfra run from the venv `.ci/setup` makes (newest ansible-core for the
 * machine's Python, the newest Mitogen, pyinfra 3.10); debian-* are Debian's ansible-core 2.14 and
 * Mitogen 0.3.3, kept as a second row.
 */
export const MODES = [
  'capstan', 'capstan-cold', 'floor', 'pyinfra', 'ansible-default', 'ansible-pipelining', 'mitogen',
  'debian-ansible-default', 'debian-ansible-pipelining', 'debian-mitogen',
] as const;
export type Mode = (typeof MODES)[number];

const HERE = import.meta.dirname;
const PROJECT = join(HERE, '..', '..');
const NODE = join(PROJECT, 'node_modules', '.bin', 'node');
const DEBIAN_MITOGEN_STRATEGY_DIR = '/usr/lib/python3/dist-packages/ansible_mitogen/plugins/strategy';
export const VENV = join(process.env.CAPSTAN_CACHE ?? '/var/cache/capstan', 'venv');
const VENV_MITOGEN_STRATEGY_DIR = join(VENV, 'lib', 'python3.11', 'site-packages', 'ansible_mitogen', 'plugins', 'strategy');
export const TASKS = 10;
export const CHANGED_FIRST = 6;

export interface Outcome {
  wallS: number;
  /** user+sys CPU of the tool's process tree (GNU time). */
  ctlCpuS: number;
  /** Busy CPU of the whole machine during the run (/proc/stat): includes the hosts' sshd. */
  sysCpuS: number;
  verified: string;
  log: string;
}

export interface ModeSetup {
  lab: Lab;
  resultsDir: string;
  ansibleCfg: string;
  pyinfraInventory: string;
  compileCache: string;
}

export function writeAnsibleConfig(lab: Lab, dir: string): string {
  const cfg = join(dir, `ansible-${lab.id}.cfg`);
  mkdirSync(join(lab.dir, 'cp'), { recursive: true });
  writeFileSync(cfg, [
    '[defaults]', 'forks = 50', 'timeout = 60', 'gathering = explicit', 'host_key_checking = True', 'retry_files_enabled = False',
    'interpreter_python = /usr/bin/python3', 'deprecation_warnings = False', 'nocows = 1', '',
    '[ssh_connection]', `control_path_dir = ${join(lab.dir, 'cp')}`, '',
  ].join('\n'));
  return cfg;
}

/** pyinfra's inventory for the lab: every host as root with the lab's key, host keys checked. */
export function writePyinfraInventory(lab: Lab, dir: string): string {
  const file = join(dir, `pyinfra-inventory-${lab.id}.py`);
  const data = (ip: string) => ({ ssh_hostname: ip, ssh_user: 'root', ssh_key: lab.privateKeyFile, ssh_known_hosts_file: lab.knownHostsFile, ssh_strict_host_key_checking: 'yes' });
  // a group is a list of (name, data) tuples; JSON strings and objects are Python literals
  writeFileSync(file, `lab = [\n${lab.hosts.map((h) => `    (${JSON.stringify(h.name)}, ${JSON.stringify(data(h.ip))}),\n`).join('')}]\n`);
  return file;
}

function ansibleIn(bin: string, s: ModeSetup) {
  const inventory = join(s.lab.inventoryDir, 'hosts');
  return { argv: [join(bin, 'ansible-playbook'), '-i', inventory, join(HERE, 'ansible', 'site.yml')], env: { ANSIBLE_CONFIG: s.ansibleCfg, ANSIBLE_NOCOLOR: '1' } };
}

const PIPELINING = { ANSIBLE_PIPELINING: 'True', ANSIBLE_SSH_ARGS: '-C -o ControlMaster=auto -o ControlPersist=600s' };

function commandFor(mode: Mode, s: ModeSetup): { argv: string[]; env: Record<string, string> } {
  const venv = ansibleIn(join(VENV, 'bin'), s);
  const debian = ansibleIn('/usr/bin', s);
  const capstan = ['lib/cli/play.ts', '--playbook', 'bench/ssh-fanout/playbook.ts', '-i', s.lab.inventoryDir];
  switch (mode) {
    case 'capstan': return { argv: [NODE, ...capstan], env: { NODE_COMPILE_CACHE: s.compileCache } };
    case 'capstan-cold': return { argv: [NODE, ...capstan], env: {} };
    case 'floor': return { argv: [NODE, join(HERE, 'floor-run.ts'), s.lab.dir], env: {} };
    case 'pyinfra':
      return { argv: [join(VENV, 'bin', 'pyinfra'), '-y', '--parallel', '50', '--no-wait', s.pyinfraInventory, join(HERE, 'pyinfra', 'deploy.py')], env: {} };
    case 'ansible-default': return venv;
    case 'ansible-pipelining': return { ...venv, env: { ...venv.env, ...PIPELINING } };
    case 'mitogen': return { ...venv, env: { ...venv.env, ANSIBLE_STRATEGY: 'mitogen_linear', ANSIBLE_STRATEGY_PLUGINS: VENV_MITOGEN_STRATEGY_DIR } };
    case 'debian-ansible-default': return debian;
    case 'debian-ansible-pipelining': return { ...debian, env: { ...debian.env, ...PIPELINING } };
    case 'debian-mitogen': return { ...debian, env: { ...debian.env, ANSIBLE_STRATEGY: 'mitogen_linear', ANSIBLE_STRATEGY_PLUGINS: DEBIAN_MITOGEN_STRATEGY_DIR } };
  }
}

function busyJiffies(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!;
}

/** Check a PLAY RECAP (Ansible's and capstan's share the format); floor prints changed=K per host. */
export function verify(mode: Mode, output: string, hosts: number, changed: number): string {
  if (mode === 'pyinfra') return verifyPyinfra(output, hosts, changed);
  if (mode === 'floor') {
    const counts = output.split('\n').filter((l) => /^\S+ changed=\d+$/.test(l));
    const bad = counts.filter((l) => !l.endsWith(`changed=${changed}`));
    return counts.length !== hosts ? `no(${counts.length} hosts reported)` : bad.length ? `no(${bad.join(',')})` : 'yes';
  }
  const recap = output.slice(output.indexOf('PLAY RECAP')).split('\n').filter((l) => / : ok=/.test(l));
  const bad = recap.filter((l) => {
    const v = Object.fromEntries([...l.matchAll(/(\w+)=(\d+)/g)].map((m) => [m[1], Number(m[2])]));
    return v.ok !== TASKS || v.changed !== changed || v.failed !== 0 || v.unreachable !== 0;
  });
  if (recap.length !== hosts) return `no(recap has ${recap.length} hosts)`;
  return bad.length ? `no(${bad.map((l) => l.replace(/\s+/g, ' ').slice(0, 60)).join('; ')})` : 'yes';
}

/**
 * pyinfra's Results table: each of the 7 operations (steps 4-10) on every host, no errors;
 * changed = Success. pyinfra counts its server.shell (step 9) as a change on every run, so a
 * rerun shows 1 per host where the others show 0; a first run 6 + that 1.
 */
function verifyPyinfra(output: string, hosts: number, changed: number): string {
  const total = /Grand total\s+(\d+)\s+(\d+|-)\s+(\d+|-)\s+(\d+|-)/.exec(output);
  if (!total) return 'no(no Results table)';
  const [ops, success, error, noChange] = total.slice(1).map((v) => (v === '-' ? 0 : Number(v)));
  const want = { ops: 7 * hosts, success: (changed + 1) * hosts, error: 0, noChange: (6 - changed) * hosts };
  const got = { ops, success, error, noChange };
  return JSON.stringify(got) === JSON.stringify(want) ? 'yes' : `no(${JSON.stringify(got)}, want ${JSON.stringify(want)})`;
}

/** Close the ssh ControlMaster sockets Ansible left, so each run pays for its own connections. */
export async function closeMasters(lab: Lab): Promise<void> {
  const dir = join(lab.dir, 'cp');
  mkdirSync(dir, { recursive: true });
  // a socket whose master is already gone makes `ssh -O exit` exit non-zero: nothing to close then,
  // so the exit code is not checked; run() rejects only when ssh cannot be started, which is reported
  await Promise.all(readdirSync(dir).map((sock) => run(['ssh', '-o', `ControlPath=${join(dir, sock)}`, '-O', 'exit', 'dummy'], {})));
}

function run(argv: string[], env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { cwd: PROJECT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => { output += d; });
    child.stderr.on('data', (d) => { output += d; });
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, output }));
  });
}

export async function measure(mode: Mode, s: ModeSetup, kind: 'first' | 'noop', tag: string): Promise<Outcome> {
  const { argv, env } = commandFor(mode, s);
  const timeFile = join(s.resultsDir, `${tag}.time`);
  const c0 = busyJiffies();
  const t0 = performance.now();
  const r = await run(['/usr/bin/time', '-f', '%U %S', '-o', timeFile, 'timeout', '900', ...argv], env);
  const wallS = (performance.now() - t0) / 1000;
  const sysCpuS = (busyJiffies() - c0) / 100;
  const [user = 0, sys = 0] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  const log = join(s.resultsDir, `${tag}.log`);
  writeFileSync(log, r.output);
  const verified = r.code !== 0 ? `no(exit ${r.code})` : verify(mode, r.output, s.lab.hosts.length, kind === 'first' ? CHANGED_FIRST : 0);
  return { wallS, ctlCpuS: user + sys, sysCpuS, verified, log };
}
