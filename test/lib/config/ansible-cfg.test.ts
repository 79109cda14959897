// ansible.cfg and ANSIBLE_*: where the file is found (ANSIBLE_CONFIG, ./, ~/, /etc/ansible: all in
// temp dirs), configparser syntax, paths relative to the file, env overriding, bad values, unused keys.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { findAnsibleConfig, loadAnsibleConfig } from '../../../lib/config/ansible-cfg.ts';
import { parseConfigParser } from '../../../lib/config/configparser.ts';
import { configVarLayer } from '../../../lib/config/vars-layer.ts';
import { configNotes } from '../../../lib/cli/config.ts';
import { InputError } from '../../../lib/errors.ts';

const tmp = mkdtempSync(join(tmpdir(), 'capstan-cfg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function machine(files: Record<string, string>) {
  const root = mkdtempSync(join(tmp, 'm-'));
  const p = { cwd: join(root, 'work'), home: join(root, 'home'), etc: join(root, 'etc') };
  for (const d of Object.values(p)) mkdirSync(d, { recursive: true });
  for (const [path, text] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(join(full, '..'), { recursive: true });
    writeFileSync(full, text);
  }
  return { root, ...p };
}

describe('finding ansible.cfg', () => {
  it('takes the first of ANSIBLE_CONFIG, ./ansible.cfg, ~/.ansible.cfg, /etc/ansible/ansible.cfg', () => {
    const m = machine({ 'work/ansible.cfg': '', 'home/.ansible.cfg': '', 'etc/ansible/ansible.cfg': '', 'other/x.cfg': '', 'dir/ansible.cfg': '' });
    expect(findAnsibleConfig({ ...m, env: { ANSIBLE_CONFIG: join(m.root, 'other/x.cfg') } })).toBe(join(m.root, 'other/x.cfg'));
    expect(findAnsibleConfig({ ...m, env: { ANSIBLE_CONFIG: join(m.root, 'dir') } })).toBe(join(m.root, 'dir/ansible.cfg'));
    expect(findAnsibleConfig({ ...m, env: {} })).toBe(join(m.cwd, 'ansible.cfg'));
    rmSync(join(m.cwd, 'ansible.cfg'));
    expect(findAnsibleConfig({ ...m, env: {} })).toBe(join(m.home, '.ansible.cfg'));
    rmSync(join(m.home, '.ansible.cfg'));
    expect(findAnsibleConfig({ ...m, env: {} })).toBe(join(m.etc, 'ansible/ansible.cfg'));
    rmSync(join(m.etc, 'ansible/ansible.cfg'));
    expect(findAnsibleConfig({ ...m, env: {} })).toBeUndefined();
  });
});

describe('reading it', () => {
  it('reads configparser syntax: = and :, comments, inline ;, continuation lines, keys any case', () => {
    const s = parseConfigParser('# c\n[defaults]\nForks = 7 ; seven\nremote_user: admin\n; c2\nssh_args = -o A=1\n  -o B=2\n[x]\nk=v # not a comment\n');
    expect(Object.fromEntries(s.get('defaults')!)).toEqual({ forks: '7', remote_user: 'admin', ssh_args: '-o A=1\n-o B=2' });
    expect(s.get('x')!.get('k')).toBe('v # not a comment');
  });

  it('gives the settings, paths relative to the file, ANSIBLE_* over the file', () => {
    const m = machine({
      'work/ansible.cfg': '[defaults]\ninventory = ./inv,../other\nforks = 7\nremote_user = admin\nprivate_key_file = ~/.ssh/deploy\n' +
        'host_key_checking = False\nvault_password_file = secrets/pw\nretry_files_enabled = yes\nstdout_callback = json\n' +
        '[privilege_escalation]\nbecome = True\nbecome_user = ops\n[ssh_connection]\nssh_args = -o ControlMaster=auto\n',
    });
    const c = loadAnsibleConfig({ ...m, env: { HOME: m.home, ANSIBLE_FORKS: '3', ANSIBLE_REMOTE_USER: 'ci' } });
    expect(c.file).toBe(join(m.cwd, 'ansible.cfg'));
    expect(c.settings).toMatchObject({
      inventory: [join(m.cwd, 'inv'), join(m.root, 'other')], forks: 3, remoteUser: 'ci', privateKeyFile: join(m.home, '.ssh/deploy'),
      hostKeyChecking: false, vaultPasswordFile: join(m.cwd, 'secrets/pw'), retryFilesEnabled: true, stdoutCallback: 'json',
      become: true, becomeUser: 'ops', sshArgs: '-o ControlMaster=auto',
    });
    expect(c.origins.forks).toBe('ANSIBLE_FORKS');
    expect(c.origins.becomeUser).toBe(`${join(m.cwd, 'ansible.cfg')} › [privilege_escalation] become_user`);
    expect(configVarLayer(c)!.vars).toMatchObject({ ansible_user: 'ci', ansible_become: true, ansible_host_key_checking: false, ansible_ssh_private_key_file: join(m.home, '.ssh/deploy') });
  });

  it('works from ANSIBLE_* alone, paths relative to the user\'s directory', () => {
    const m = machine({});
    const c = loadAnsibleConfig({ ...m, env: { ANSIBLE_INVENTORY: 'hosts.ini', ANSIBLE_PRIVATE_KEY_FILE: 'k' } });
    expect(c.file).toBeUndefined();
    expect(c.settings).toEqual({ inventory: [join(m.cwd, 'hosts.ini')], privateKeyFile: join(m.cwd, 'k') });
  });

  it('refuses a bad value naming file › [section] key, with the fix', () => {
    const m = machine({ 'work/ansible.cfg': '[defaults]\nforks = many\nhost_key_checking = perhaps\n' });
    const err = (() => { try { loadAnsibleConfig({ ...m, env: {} }); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(InputError);
    const msg = (err as InputError).message;
    expect(msg).toContain(`${join(m.cwd, 'ansible.cfg')} › [defaults] forks: "many" is not a positive whole number`);
    expect(msg).toContain('[defaults] host_key_checking: "perhaps" is not a boolean; write True or False');
  });

  it('ignores unknown keys silently and names known-but-unused ones once (for -v)', () => {
    const m = machine({ 'work/ansible.cfg': '[defaults]\ngathering = smart\nno_such_thing = 1\nstdout_callback = yaml\n[ssh_connection]\npipelining = True\n' });
    const c = loadAnsibleConfig({ ...m, env: { ANSIBLE_NOCOWS: '1', ANSIBLE_WHATEVER: 'x' } });
    const notes = configNotes(c).join('\n');
    expect(notes).toContain('[defaults] gathering');
    expect(notes).toContain('[ssh_connection] pipelining');
    expect(notes).toContain('ANSIBLE_NOCOWS');
    expect(notes).toContain('stdout_callback = yaml (capstan has default and json)');
    expect(notes).not.toMatch(/no_such_thing|WHATEVER/);
  });
});
