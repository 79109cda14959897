// ansible-playbook's run controls on local hosts: ansible.cfg giving the inventory, forks and the
// json callback; --vault-id; several -i merged; --list-hosts with --list-tasks; --start-at-task;
// --limit @file; the retry file after a failed run. Opens no socket.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { inventoryMain } from '../../../lib/cli/inventory.ts';
import { playMain } from '../../../lib/cli/play.ts';

const projectDir = resolve(import.meta.dirname, '../../..');
const tmp = mkdtempSync(join(tmpdir(), 'capstan-runctl-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

let connects: ReturnType<typeof vi.spyOn>;
beforeEach(() => { connects = vi.spyOn(Socket.prototype, 'connect'); });
afterEach(() => { expect(connects).not.toHaveBeenCalled(); connects.mockRestore(); });

async function cli(main: typeof playMain, cwd: string, argv: string[], env: Record<string, string> = {}) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (s: string) => { stdout += s; } }, stderr: { write: (s: string) => { stderr += s; } },
    projectDir, cwd, env: { HOME: join(cwd, 'home'), CAPSTAN_SYSCONFDIR: join(cwd, 'etc'), ...env },
  };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

/** A user's directory with a local inventory for the echo fixture playbook (given by a relative path). */
function site(cfg?: string): string {
  const dir = mkdtempSync(join(tmp, 'site-'));
  mkdirSync(join(dir, 'inv/group_vars'), { recursive: true });
  writeFileSync(join(dir, 'inv/hosts'), '[nodes]\nlocalhost ansible_connection=local\n');
  // a lock file of its own: localhost's default /run/lock/capstan.lock is shared with every other run on this machine
  writeFileSync(join(dir, 'inv/group_vars/all.yml'), `echo_dir: ${join(dir, 'out')}\ncapstan_lock_path: ${join(dir, 'capstan.lock')}\n`);
  if (cfg !== undefined) writeFileSync(join(dir, 'ansible.cfg'), cfg);
  return dir;
}
const ECHO = join(projectDir, 'test/fixtures/runner/playbooks/echo.ts');
const pb = (dir: string) => ['--playbook', relative(dir, ECHO)];

describe('ansible.cfg in the user\'s directory', () => {
  it('gives the inventory (no -i), the json callback, retry files after a failed run; --limit @retry reruns them', async () => {
    const dir = site('[defaults]\ninventory = ./inv\nforks = 2\nstdout_callback = json\nretry_files_enabled = True\n');
    const r = await cli(playMain, dir, [...pb(dir), '-e', 'echo_fail=true']);
    expect(r.code).toBe(2);
    expect(r.stdout.trim().split('\n').map((l) => JSON.parse(l).type)).toContain('recap');
    const retry = join(dir, 'echo.retry');
    expect(readFileSync(retry, 'utf8')).toBe('localhost\n');
    expect(r.stderr).toContain(`to retry, use: --limit @${retry}`);
    const again = await cli(playMain, dir, [...pb(dir), '--limit', '@echo.retry']);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout.trim().split('\n').at(-1)!)).toMatchObject({ type: 'recap', hosts: { localhost: { failed: 0 } } });
  });

  it('names the settings it does not use with -v, and refuses a bad one before running', async () => {
    const dir = site('[defaults]\ninventory = ./inv\ngathering = smart\n');
    const r = await cli(playMain, dir, [...pb(dir), '--list-hosts', '-v']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain(`[capstan] using ${join(dir, 'ansible.cfg')}`);
    expect(r.stderr).toMatch(/not used by capstan \(ignored\): .*\[defaults\] gathering/);
    writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\nforks = lots\n');
    const bad = await cli(playMain, dir, [...pb(dir), '-i', './inv']);
    expect(bad.code).toBe(5);
    expect(bad.stderr).toContain('ansible.cfg › [defaults] forks: "lots" is not a positive whole number');
    expect(existsSync(join(dir, 'out'))).toBe(false);
  });
});

describe('run controls', () => {
  it('--list-hosts with --list-tasks prints both; --start-at-task leaves out the tasks before it', async () => {
    const dir = site();
    const r = await cli(playMain, dir, ['-i', './inv', ...pb(dir), '--list-hosts', '--list-tasks', '--start-at-task', 'run echo']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/hosts \(1\):\n {6}localhost/);
    expect(r.stdout).toContain('echo : run echo');
    expect(r.stdout).not.toContain('echo : write file');
    const wild = await cli(playMain, dir, ['-i', './inv', ...pb(dir), '--list-tasks', '--start-at-task', 'echo : write*']);
    expect(wild.stdout).toMatch(/echo : write file[^\n]*\n {6}echo : run echo/);
    const typo = await cli(playMain, dir, ['-i', './inv', ...pb(dir), '--list-tasks', '--start-at-task', 'run ecko']);
    expect(typo.code).toBe(5);
    expect(typo.stderr).toMatch(/--start-at-task: no task that would run is named "run ecko"; did you mean "(echo : )?run echo"\?/);
  });

  it('--limit @file takes the hosts in it; an empty or missing file is bad input', async () => {
    const dir = site();
    writeFileSync(join(dir, 'hosts.txt'), '# retry\nlocalhost\n');
    expect((await cli(playMain, dir, ['-i', './inv', ...pb(dir), '--list-hosts', '--limit', '@hosts.txt'])).stdout).toContain('      localhost');
    writeFileSync(join(dir, 'empty.txt'), '\n');
    expect((await cli(playMain, dir, ['-i', './inv', ...pb(dir), '--list-hosts', '--limit', '@empty.txt'])).stderr).toMatch(/names no host/);
    expect((await cli(playMain, dir, ['-i', './inv', ...pb(dir), '--list-hosts', '--limit', '@nope.txt'])).code).toBe(5);
  });

  it('merges several -i as Ansible does: hosts and groups of both, the later source\'s vars winning', async () => {
    const dir = site();
    mkdirSync(join(dir, 'inv2/group_vars'), { recursive: true });
    writeFileSync(join(dir, 'inv2/hosts'), '[nodes]\nlocalhost\n[extra]\nother ansible_connection=local\n');
    writeFileSync(join(dir, 'inv2/group_vars/nodes.yml'), 'from_second: 2\n');
    writeFileSync(join(dir, 'inv/group_vars/nodes.yml'), 'from_second: 1\nfrom_first: 1\n');
    const list = JSON.parse((await cli(inventoryMain, dir, ['-i', './inv', '-i', './inv2', '--list'])).stdout);
    expect(list.nodes.hosts).toEqual(['localhost']);
    expect(list.extra.hosts).toEqual(['other']);
    const host = JSON.parse((await cli(inventoryMain, dir, ['-i', './inv', '-i', './inv2', '--host', 'localhost'])).stdout);
    expect(host).toMatchObject({ ansible_connection: 'local', from_first: 1, from_second: 2 });
  });

  it('--vault-id label@file, relative to the user\'s directory; label@prompt without a terminal says what to give', async () => {
    const dir = resolve(projectDir, 'test/fixtures/inventory/vault');
    const r = await cli(inventoryMain, dir, ['-i', '.', '--host', 'db1', '--resolved', '--vault-id', 'default@vault-pass.txt', '--vault-id', 'prod@prod-pass.txt']);
    expect(r.stderr).toBe('');
    expect(r.stdout).toContain('"db_admin_password": "********"');
    const p = await cli(inventoryMain, dir, ['-i', '.', '--list', '--vault-id', 'prod@prompt']);
    expect(p.code).toBe(5);
    expect(p.stderr).toMatch(/--vault-id prod@prompt: no terminal to ask for the vault password on: give --vault-password-file FILE or --vault-id label@FILE instead/);
  });

  it('names the ssh-args options it does not apply in one warning, before connecting anywhere', async () => {
    const dir = site();
    writeFileSync(join(dir, 'inv/hosts'), "[nodes]\nweb1 ansible_host=192.0.2.10 ansible_ssh_common_args='-C -o ControlPersist=60s -o ForwardAgent=yes -o IdentitiesOnly=yes'\n" +
      "web2 ansible_host=192.0.2.11 ansible_ssh_common_args='-o ForwardAgent=yes'\n");
    const r = await cli(playMain, dir, ['-i', './inv', ...pb(dir), '--list-hosts', '--json']);
    const warnings = r.stdout.trim().split('\n').map((l) => JSON.parse(l)).filter((e) => e.type === 'warning').map((e) => e.message);
    expect(warnings).toContain('ssh options not applied by capstan (ignored): -C (web1), ControlPersist (web1), ForwardAgent (web1, web2); see docs/ssh.md for the options capstan applies');
  });

  it('refuses a become method other than sudo, naming the var', async () => {
    const dir = site('[privilege_escalation]\nbecome_method = su\n');
    const r = await cli(playMain, dir, ['-i', './inv', ...pb(dir), '--list-hosts']);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/ansible.cfg › ansible_become_method \(host localhost\): "su" is not supported; capstan becomes with sudo/);
  });
});
