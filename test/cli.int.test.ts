// npm run play / npm run inventory: flags, exit codes, --plan and --list-* output, ansible-inventory parity (needs Ansible).
import { cpSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { playMain } from '../lib/cli/play.ts';
import { inventoryMain } from '../lib/cli/inventory.ts';

const projectDir = resolve(import.meta.dirname, '..');
const fixtures = resolve(import.meta.dirname, 'fixtures/runner');
const tmp = mkdtempSync(join(tmpdir(), 'capstan-b-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

async function cli(main: typeof playMain, ...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s: string) => { stdout += s; } }, stderr: { write: (s: string) => { stderr += s; } },
    projectDir, cwd: projectDir, env: {},
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}
const play = (...argv: string[]) => cli(playMain, ...argv);

// Nothing in these tests may open a socket: the inventories hold real-world addresses.
let connects: ReturnType<typeof vi.spyOn>;
beforeEach(() => { connects = vi.spyOn(Socket.prototype, 'connect'); });
afterEach(() => { expect(connects).not.toHaveBeenCalled(); connects.mockRestore(); });

describe('npm run play: flags and exit codes', () => {
  it('--help exits 0; an unknown flag or no inventory exits 5', async () => {
    expect((await play('--help')).stdout).toMatch(/--inventory/);
    const bad = await play('--inventory', 'production', '--nope');
    expect(bad.code).toBe(5);
    expect(bad.stderr).toMatch(/--nope/);
    expect((await play('--plan')).code).toBe(5);
    expect((await play('-i', 'production', '--forks', '0', '--plan')).stderr).toMatch(/--forks/);
  });

  const echo = ['-i', resolve(fixtures, 'inventory/local'), '--playbook', resolve(fixtures, 'playbooks/echo.ts')];

  it('runs locally, prints Ansible-shaped output, and --check writes nothing', async () => {
    const dir = join(tmp, 'echo');
    const check = await play(...echo, '-e', `echo_dir=${dir}`, '--check', '--diff');
    expect(check.code).toBe(0);
    expect(check.stdout).toMatch(/changed: \[localhost\] \(\d+\.\d+s\) => wrote/);
    expect(existsSync(join(dir, 'localhost.txt'))).toBe(false);
    const real = await play(...echo, '-e', `echo_dir=${dir}`);
    expect(real.stdout).toMatch(/PLAY RECAP \*+\nlocalhost +: ok=2    changed=1 /);
    expect(readFileSync(join(dir, 'localhost.txt'), 'utf8')).toBe('hello');
    const again = await play(...echo, '-e', `echo_dir=${dir}`);
    expect(again.stdout).toMatch(/ok=2    changed=0 /);
  });

  it('exits 2 when a host fails, with one JSON event per line under --json', async () => {
    const r = await play(...echo, '-e', `echo_dir=${join(tmp, 'echo2')}`, '-e', 'echo_fail=true', '--json');
    expect(r.code).toBe(2);
    const events = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string; status?: string; exit_code?: number });
    expect(events.map((e) => e.type)).toEqual(expect.arrayContaining(['play_start', 'task_start', 'task_result', 'progress', 'recap']));
    expect(events.find((e) => e.status === 'failed')).toBeTruthy();
    expect(events.at(-1)).toMatchObject({ type: 'recap', exit_code: 2 });
    const bad = await play(...echo, '-e', 'echo_nodeport=40000', '--json');
    expect(bad.code).toBe(5);
    const [error, last, ...more] = bad.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(error).toMatchObject({
      type: 'error', exit_code: 5, problems: [{ file: '-e', key: 'echo_nodeport', message: expect.stringContaining('outside the NodePort range') }],
    });
    expect(last).toMatchObject({ type: 'recap', hosts: {}, exit_code: 5 });
    expect(more).toEqual([]);
  });
});

describe('production inventory (offline only)', () => {
  it('--tags istio --plan prints the Istio plan with resolved vars', async () => {
    const r = await play('--inventory', 'production', '--tags', 'istio', '--plan');
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/PLAN \[cluster services\] host k8s-node1\n  role istio/);
    expect(r.stdout).toMatch(/istio_gateway_http_nodeport: 31080 +# inventory\/production\/group_vars\/all\.yml/);
    expect(r.stdout).toMatch(/helm release istio-system\/istiod: .*istiod 1\.30\.3 \(present\)/);
    expect(r.stdout).toMatch(/memory: 512Mi/);
    expect(r.stdout).not.toMatch(/role metallb|role k3s/);
  });

  it('--list-hosts and --list-tasks', async () => {
    const hosts = await play('-i', 'production', '--list-hosts');
    expect(hosts.code).toBe(0);
    expect(hosts.stdout).toMatch(/play #1 \(k3s_cluster\): k3s cluster\tTAGS: \[\]\n    pattern: \['k3s_cluster'\]\n    hosts \(3\):\n      k8s-node1\n      k8s-node2\n      k8s-node3/);
    expect(hosts.stdout).toMatch(/play #4 \(loadbalancers\)[^\n]*\n[^\n]*\n    hosts \(1\):\n      lb1/);
    const tasks = await play('-i', 'production', '--list-tasks', '--tags', 'istio');
    expect(tasks.stdout).toMatch(/istio : istiod\tTAGS: \[istio\]/);
    expect(tasks.stdout).not.toMatch(/metallb :/);
  });

  it('homelab validates and plans cleanly', async () => {
    const r = await play('-i', 'homelab', '--plan');
    // homelab has no load balancer: Ansible's warning for it, on stderr as Ansible writes it
    expect(r.stderr).toBe('[WARNING]: Could not match supplied host pattern, ignoring: loadbalancers\n');
    expect(r.code).toBe(0);
  });

  it('a copy with five mistakes gets five precise errors in one run, exit 5, nothing run', async () => {
    const inv = join(tmp, 'five-mistakes');
    cpSync(resolve(projectDir, 'inventory/production'), inv, { recursive: true });
    const file = join(inv, 'group_vars/all.yml');
    const text = readFileSync(file, 'utf8')
      .replace('istio_gateway_http_nodeport: 31080', 'istio_gateway_http_nodeport: 40000')
      .replace('istio_gateway_loadbalancer_ip: 192.168.1.240', 'istio_gateway_loadbalancer_ip: 192.168.1.300')
      .replace('istio_pilot_memory_request: 512Mi', 'istio_pilot_memory_request: 512MB')
      .replace('istio_gateway_https_nodeport:', 'istio_gatway_https_nodeport:')
      .replace('enable_istio: true', 'enable_istio: [yes]');
    writeFileSync(file, text);
    const r = await play('-i', inv, '--tags', 'istio');
    expect(r.code).toBe(5);
    expect(r.stdout).not.toMatch(/TASK \[/);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith('  - '));
    const f = `${file} › `;
    expect(lines).toEqual(expect.arrayContaining([
      `  - ${f}istio_gateway_http_nodeport: 40000 is outside the NodePort range 30000-32767; use a port in 30000-32767`,
      `  - ${f}istio_gateway_loadbalancer_ip: "192.168.1.300" is not an IP address; write an IPv4 address (four numbers 0-255) like 192.168.1.240, or IPv6 like 2001:db8::10`,
      expect.stringMatching(new RegExp(`^  - ${f}istio_pilot_memory_request: "512MB" is not a Kubernetes quantity`)),
      `  - ${f}istio_gatway_https_nodeport: unknown variable; did you mean istio_gateway_https_nodeport?`,
      `  - ${f}enable_istio: expected a boolean, got a list; write a boolean`,
    ]));
    expect(lines).toHaveLength(5);
  });
});

describe('npm run inventory', () => {
  // ansible-core 2.19 (the venv: what pip installs today); Debian's 2.14 differs by design (test/lib/inventory/ansible-list.int.test.ts)
  it.each(['production', 'homelab'])('--list of the shipped %s inventory prints what ansible-core 2.19\'s ansible-inventory --list prints', async (name) => {
    const ours = await cli(inventoryMain, '-i', name, '--list');
    const bin = join(process.env.CAPSTAN_CACHE ?? '/var/cache/capstan', 'venv/bin/ansible-inventory');
    expect(existsSync(bin), `${bin} is missing: run .ci/setup-venv`).toBe(true);
    const theirs = await promisify(execFile)(bin, ['-i', resolve(projectDir, 'inventory', name, 'hosts'), '--list'], { env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
    expect(ours.stdout).toBe(theirs.stdout);
  });

  it('prints ansible-inventory\'s JSON shape, and one host', async () => {
    const list = await cli(inventoryMain, '-i', 'production', '--list');
    expect(list.code).toBe(0);
    const data = JSON.parse(list.stdout) as { all: { children: string[] }; k3s_cluster: { children: string[] } };
    expect(data.all.children).toEqual(['ungrouped', 'k3s_cluster', 'loadbalancers']);
    expect(data.k3s_cluster.children).toEqual(['server', 'agent']);
    const host = await cli(inventoryMain, '-i', 'production', '--host', 'k8s-node2');
    expect(JSON.parse(host.stdout)).toMatchObject({ ansible_host: '192.168.1.102', istio_gateway_http_nodeport: 31080 });
    expect((await cli(inventoryMain, '-i', 'production', '--host', 'nope')).code).toBe(5);
  });
});
