/**
 * The benchmark's modes: how each tool is run on the lab and how its run is checked.
 * Every mode does the same 10 tasks per host; a first run must change 6 per host, a rerun 0.
 */
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Lab } from '../../lib/lab/lab.ts';

export const MODES = ['capstan', 'capstan-cold', 'floor', 'ansible-default', 'ansible-pipelining', 'mitogen'] as const;
export type Mode = (typeof MODES)[number];

const HERE = import.meta.dirname;
const PROJECT = join(HERE, '..', '..');
const NODE = join(PROJECT, 'node_modules', '.bin', 'node');
const MITOGEN_STRATEGY_DIR = '/usr/lib/python3/dist-packages/ansible_mitogen/plugins/strategy';
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

function commandFor(mode: Mode, s: ModeSetup): { argv: string[]; env: Record<string, string> } {
  const inventory = join(s.lab.inventoryDir, 'hosts');
  const ansible = { argv: ['ansible-playbook', '-i', inventory, join(HERE, 'ansible', 'site.yml')], env: { ANSIBLE_CONFIG: s.ansibleCfg, ANSIBLE_NOCOLOR: '1' } };
  const capstan = ['lib/cli/play.ts', '--playbook', 'bench/ssh-fanout/playbook.ts', '-i', s.lab.inventoryDir];
  switch (mode) {
    case 'capstan': return { argv: [NODE, ...capstan], env: { NODE_COMPILE_CACHE: s.compileCache } };
    case 'capstan-cold': return { argv: [NODE, ...capstan], env: {} };
    case 'floor': return { argv: [NODE, join(HERE, 'floor-run.ts'), s.lab.dir], env: {} };
    case 'ansible-default': return ansible;
    case 'ansible-pipelining':
      return { ...ansible, env: { ...ansible.env, ANSIBLE_PIPELINING: 'True', ANSIBLE_SSH_ARGS: '-C -o ControlMaster=auto -o ControlPersist=600s' } };
    case 'mitogen':
      return { ...ansible, env: { ...ansible.env, ANSIBLE_STRATEGY: 'mitogen_linear', ANSIBLE_STRATEGY_PLUGINS: MITOGEN_STRATEGY_DIR } };
  }
}

function busyJiffies(): number {
  const f = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
  return f[0]! + f[1]! + f[2]! + f[5]! + f[6]! + f[7]!;
}

/** Check a PLAY RECAP (Ansible's and capstan's share the format); floor prints changed=K per host. */
export function verify(mode: Mode, output: string, hosts: number, changed: number): string {
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
