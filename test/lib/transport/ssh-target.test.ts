// OpenSSH parity without a network: ~/.ssh/config and /etc/ssh/ssh_config (temp files, never the
// machine's) looked up as ssh does, Ansible's precedence of inventory vars over them, the default
// keys, the system known_hosts, Include, -F, and the ssh args options honoured or named as ignored.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connectionSpec } from '../../../lib/transport/connection.ts';
import { sshSystem } from '../../../lib/transport/openssh-files.ts';
import { parseSshArgs } from '../../../lib/transport/openssh-args.ts';
import { resolveTarget } from '../../../lib/transport/ssh-target.ts';

const tmp = mkdtempSync(join(tmpdir(), 'capstan-sshcfg-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function machine(userConfig: string, systemConfig = '') {
  const root = mkdtempSync(join(tmp, 'm-'));
  mkdirSync(join(root, 'home/.ssh/conf.d'), { recursive: true });
  mkdirSync(join(root, 'etc/ssh'), { recursive: true });
  writeFileSync(join(root, 'home/.ssh/config'), userConfig);
  writeFileSync(join(root, 'etc/ssh/ssh_config'), systemConfig);
  return { root, system: { ...sshSystem({ HOME: join(root, 'home'), CAPSTAN_SYSCONFDIR: join(root, 'etc') }) } };
}

describe('ssh_config lookup (resolveTarget)', () => {
  const config = [
    'Host web1', '  HostName 10.0.0.21', '  User deploy', '  Port 2201', '  IdentityFile ~/.ssh/web_key',
    'Host bastion', '  HostName 10.0.0.2', '  User jump',
    'Match host 10.0.0.* user deploy', '  ProxyJump bastion', '  ServerAliveInterval 7',
    'Host *', '  UserKnownHostsFile ~/.ssh/kh_%h', '  StrictHostKeyChecking accept-new', '  IdentitiesOnly yes',
  ].join('\n');

  it('turns a Host alias into HostName, User, Port, IdentityFile, ProxyJump (itself looked up), options from Match', () => {
    const { root, system } = machine(config);
    const t = resolveTarget(connectionSpec('web1', {}), system);
    expect(t).toMatchObject({ address: '10.0.0.21', user: 'deploy', port: 2201, identitiesOnly: true, strictHostKeyChecking: 'accept-new', keepaliveIntervalMs: 7000 });
    expect(t.identityFiles).toEqual([join(root, 'home/.ssh/web_key')]);
    expect(t.defaultKeys).toEqual([]);
    expect(t.jumps).toEqual([expect.objectContaining({ address: '10.0.0.2', user: 'jump', port: 22 })]);
    expect(t.knownHostsFiles).toEqual([join(root, 'home/.ssh/kh_10.0.0.21'), join(root, 'etc/ssh/ssh_known_hosts'), join(root, 'etc/ssh/ssh_known_hosts2')]);
  });

  it('lets inventory vars win, as ansible-playbook puts them on ssh\'s command line', () => {
    const { root, system } = machine(config);
    const t = resolveTarget(connectionSpec('web1', { ansible_user: 'admin', ansible_port: 22, ansible_ssh_private_key_file: '/keys/inv' }), system);
    expect(t).toMatchObject({ address: '10.0.0.21', user: 'admin', port: 22 });
    expect(t.identityFiles).toEqual(['/keys/inv', join(root, 'home/.ssh/web_key')]);
    // ansible_host is what ssh is given: the web1 block does not match it
    const byAddress = resolveTarget(connectionSpec('web1', { ansible_host: '192.0.2.9' }), system);
    expect(byAddress).toMatchObject({ address: '192.0.2.9', port: 22 });
    expect(byAddress.defaultKeys.map((k) => k.slice(root.length))).toEqual(['/home/.ssh/id_ed25519', '/home/.ssh/id_ecdsa', '/home/.ssh/id_rsa']);
  });

  it('reads the user\'s file before the system\'s (first value wins), follows Include, honours -F', () => {
    const { root, system } = machine('Include conf.d/*.conf\nHost b\n  Port 2002\n', 'Host *\n  User sysuser\n  Port 2999\n  GlobalKnownHostsFile /etc/custom_known\n');
    writeFileSync(join(root, 'home/.ssh/conf.d/a.conf'), 'Host a\n  HostName 10.9.9.9\n');
    expect(resolveTarget(connectionSpec('a', {}), system)).toMatchObject({ address: '10.9.9.9', user: 'sysuser', port: 2999 });
    expect(resolveTarget(connectionSpec('b', {}), system)).toMatchObject({ port: 2002, knownHostsFiles: [expect.any(String), expect.any(String), '/etc/custom_known'] });
    writeFileSync(join(root, 'only'), 'Host b\n  HostName 10.1.1.1\n');
    const f = resolveTarget(connectionSpec('b', { ansible_ssh_common_args: `-F ${join(root, 'only')}` }), system);
    expect(f).toMatchObject({ address: '10.1.1.1', port: 22 });
  });

  it('applies ssh args before ssh_config, ansible.cfg host_key_checking=False as accept-new', () => {
    const { system } = machine(config);
    const t = resolveTarget(connectionSpec('web1', { ansible_ssh_common_args: '-o User=fromargs -p 2222 -o ServerAliveInterval=3 -J none' }), system);
    expect(t).toMatchObject({ user: 'fromargs', port: 2222, keepaliveIntervalMs: 3000, jumps: [] });
    expect(resolveTarget(connectionSpec('x', { ansible_host_key_checking: false }), machine('').system).strictHostKeyChecking).toBe('accept-new');
  });

  it('names every option it does not apply', () => {
    const a = parseSshArgs('-C -o ControlMaster=auto -o ControlPersist=60s -o ForwardAgent=yes -o IdentitiesOnly=yes -o BatchMode=yes');
    expect(a.ignored).toEqual(['-C', 'ControlMaster', 'ControlPersist', 'ForwardAgent']);
    expect([...a.options.keys()]).toEqual(['identitiesonly', 'batchmode']);
  });
});
