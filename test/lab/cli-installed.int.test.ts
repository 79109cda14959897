// The installed `capstan` command on lab hosts, as a new user with an Ansible user's machine
// runs it: `npm install -g .` (and `npm link`) into a temp prefix, then from a scratch directory
// outside the checkout `capstan play -i ./inv --check` with relative paths, a ~/.ssh/config Host
// alias, the default ~/.ssh/id_ed25519 key, /etc/ssh/ssh_config + ssh_known_hosts and an
// ansible.cfg giving the inventory and remote_user. HOME and /etc are temp dirs (HOME,
// CAPSTAN_SYSCONFDIR): the machine's ~/.ssh, /etc/ssh and /etc/ansible are never read.
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useLab } from '../support/lab-vitest.ts';

const run = promisify(execFile);
const projectDir = resolve(import.meta.dirname, '../..');
const tmp = mkdtempSync(join(tmpdir(), 'capstan-installed-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const lab = useLab({ hosts: 2, name: 'cli-installed' });
const prefix = join(tmp, 'prefix');
const home = join(tmp, 'home');
const etc = join(tmp, 'etc');
const scratch = join(tmp, 'scratch');

/** The environment of a user's shell: no agent, the temp HOME and /etc, the prefix's bin first on PATH. */
const userEnv = (): NodeJS.ProcessEnv => ({ PATH: `${join(prefix, 'bin')}:${process.env.PATH}`, HOME: home, CAPSTAN_SYSCONFDIR: etc, LANG: 'C.UTF-8' });

async function capstan(args: string[], cwd = scratch) {
  try {
    const r = await run('capstan', args, { cwd, env: userEnv(), timeout: 120_000 });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** The echo fixture role, as a user's own role next to their playbook (capstan's lib by absolute URL). */
function writeUserPlaybook(): void {
  const lib = pathToFileURL(join(projectDir, 'lib')).href;
  mkdirSync(join(scratch, 'roles/echo'), { recursive: true });
  const role = readFileSync(join(projectDir, 'test/fixtures/runner/roles/echo/index.ts'), 'utf8')
    .replaceAll('../../../../../lib', lib).replace("from 'zod'", `from '${import.meta.resolve('zod')}'`);
  writeFileSync(join(scratch, 'roles/echo/index.ts'), role);
  writeFileSync(join(scratch, 'site.ts'), `import { play, playbook } from '${lib}/playbook.ts';\nexport default playbook('site', [play('web', 'web', ['echo'])]);\n`);
}

beforeAll(async () => {
  const l = lab();
  const [n1, n2] = l.hosts;
  await run('npm', ['install', '-g', projectDir, '--prefix', prefix, '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: tmp, env: { ...process.env, HOME: home } });
  mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
  mkdirSync(join(etc, 'ssh'), { recursive: true });
  copyFileSync(l.privateKeyFile, join(home, '.ssh/id_ed25519'));
  chmodSync(join(home, '.ssh/id_ed25519'), 0o600);
  const known = readFileSync(l.knownHostsFile, 'utf8').split('\n');
  // web1's key in the user's known_hosts, web2's in the system's
  writeFileSync(join(home, '.ssh/known_hosts'), `${known.find((k) => k.startsWith(`${n1!.ip} `))}\n`);
  writeFileSync(join(etc, 'ssh/ssh_known_hosts'), `${known.find((k) => k.startsWith(`${n2!.ip} `))}\n`);
  writeFileSync(join(home, '.ssh/config'), `Host web1\n  HostName ${n1!.ip}\n\nHost *\n  ServerAliveInterval 10\n`);
  writeFileSync(join(etc, 'ssh/ssh_config'), `Host web2\n  HostName ${n2!.ip}\n  User nobody-from-system-config\n`);
  mkdirSync(join(scratch, 'inv/group_vars'), { recursive: true });
  writeFileSync(join(scratch, 'inv/hosts'), '[web]\nweb1\nweb2\n');
  // /opt is private to each lab host; /run/lock (the default lock's folder) is this machine's
  writeFileSync(join(scratch, 'inv/group_vars/web.yml'), 'echo_dir: /opt/capstan-echo\ncapstan_lock_path: /opt/capstan.lock\n');
  writeFileSync(join(scratch, 'vars.yml'), 'echo_message: from-the-vars-file\n');
  writeFileSync(join(scratch, 'ansible.cfg'), '[defaults]\ninventory = ./inv\nremote_user = root\nretry_files_enabled = False\n');
  writeUserPlaybook();
}, 180_000);

describe('capstan installed with npm install -g, run from a scratch directory', () => {
  it('play -i ./inv --check over SSH: ssh_config aliases, default key, ansible.cfg remote_user, relative -e @file', async () => {
    const r = await capstan(['play', '-i', './inv', '--playbook', './site.ts', '-e', '@vars.yml', '--check']);
    expect(r.stderr).not.toMatch(/ERROR|unreachable/i);
    expect(r.code).toBe(0);
    for (const host of ['web1', 'web2']) {
      expect(r.stdout).toMatch(new RegExp(`changed: \\[${host}\\].*would write|changed: \\[${host}\\].*wrote /opt/capstan-echo/${host}.txt`));
      expect(r.stdout).toContain(`[${host}] echo said from-the-vars-file`);
      expect(r.stdout).toMatch(new RegExp(`${host} +: ok=2 +changed=1 +unreachable=0 +failed=0`));
      // --check wrote nothing on the host
      expect((await lab().exec(host === 'web1' ? 'node1' : 'node2', ['test', '-e', `/opt/capstan-echo/${host}.txt`], { allowFail: true })).code).toBe(1);
    }
  });

  it('leaves -i out when ansible.cfg names the inventory; names the host key file it read for an unknown host', async () => {
    const r = await capstan(['play', '--playbook', './site.ts', '--check', '--limit', 'web1']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/web1 +: ok=2/);
    writeFileSync(join(home, '.ssh/known_hosts'), '');
    const unknown = await capstan(['play', '--playbook', './site.ts', '--check', '--limit', 'web1']);
    expect(unknown.code).toBe(4);
    expect(unknown.stdout + unknown.stderr).toContain(`not in ${join(home, '.ssh/known_hosts')}`);
    expect(unknown.stdout + unknown.stderr).toContain(join(etc, 'ssh/ssh_known_hosts'));
    writeFileSync(join(home, '.ssh/known_hosts'), `${readFileSync(lab().knownHostsFile, 'utf8')}`);
  });

  it('--version answers from the installed command; npm link installs the same command', async () => {
    expect((await capstan(['--version'])).stdout).toMatch(/^capstan \d+\.\d+\.\d+\n {2}node v24\./);
    const linked = join(tmp, 'linked');
    await run('npm', ['link', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: projectDir, env: { ...process.env, HOME: home, npm_config_prefix: linked } });
    const r = await run(join(linked, 'bin/capstan'), ['--version'], { cwd: scratch, env: userEnv() });
    expect(r.stdout).toMatch(/^capstan /);
  });
});
