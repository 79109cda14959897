// The local transport: quoting, env, stdin, timeouts, become through sudo (root).
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../lib/errors.ts';
import { clearSecretsForTest, isSecret } from '../lib/secrets.ts';
import { sh } from '../lib/shell.ts';
import { connectionSpec } from '../lib/transport/connection.ts';
import { openTransport } from '../lib/transport/index.ts';
import { localTransport } from '../lib/transport/local.ts';

const dir = mkdtempSync(join(tmpdir(), 'capstan-b-local-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('local transport', () => {
  const t = localTransport({ host: 'localhost' });

  it('runs a quoted command with env and stdin, and returns the exit code', async () => {
    const weird = `it's a "test"; $(echo no)`;
    const r = await t.run(sh`printf %s ${weird}; printf %s "$FOO"; cat; exit 3`, { env: { FOO: '-foo' }, stdin: '-in' });
    expect(r).toMatchObject({ code: 3, stdout: `${weird}-foo-in`, timedOut: false });
  });

  it('streams output and kills on timeout', async () => {
    const chunks: string[] = [];
    const r = await t.run(sh`echo first; exec sleep 5`, { timeoutMs: 2000, onStdout: (c) => chunks.push(c) });
    expect(r.timedOut).toBe(true);
    expect(r.code).toBeNull();
    expect(chunks.join('')).toBe('first\n');
    expect(r.durationMs).toBeLessThan(4500);
  });

  it('puts files atomically with a mode, and gets them back', async () => {
    const path = join(dir, 'sub', 'file.conf');
    await t.put(path, 'one\n', { mode: 0o600 });
    expect(readFileSync(path, 'utf8')).toBe('one\n');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    await t.put(path, Buffer.from('two\n'));
    expect((await t.get(path))?.toString()).toBe('two\n');
    await t.put(join(dir, 'sub', 'owned'), 'x', { owner: 'nobody', group: 'nogroup' });
    expect(statSync(join(dir, 'sub', 'owned')).uid).toBe(Number(execFileSync('id', ['-u', 'nobody'], { encoding: 'utf8' })));
    expect(readdirSync(join(dir, 'sub')).sort()).toEqual(['file.conf', 'owned']); // no temp files left
    expect(await t.get(join(dir, 'missing'))).toBeUndefined();
  });

  it('becomes another user through sudo, for commands and files', async () => {
    const nobody = localTransport({ host: 'localhost', become: true, becomeUser: 'nobody' });
    expect((await nobody.run(sh`id -un`)).stdout.trim()).toBe('nobody');
    expect((await nobody.run(sh`id -un`, { become: false })).stdout.trim()).toBe(userInfo().username);
    const open = join(dir, 'open');
    mkdirSync(open, { mode: 0o777 });
    chmodSync(open, 0o777);
    chmodSync(dir, 0o755);
    const path = join(open, 'become.txt');
    await nobody.put(path, 'as nobody', { mode: 0o640 });
    expect(statSync(path).mode & 0o777).toBe(0o640);
    expect(statSync(path).uid).not.toBe(0);
    expect((await nobody.get(path))?.toString()).toBe('as nobody');
    expect(await nobody.get(join(open, 'missing'))).toBeUndefined();
    expect(readdirSync(open)).toEqual(['become.txt']);
  });

  it('is what openTransport gives for a local host', async () => {
    const tr = await openTransport(connectionSpec('localhost', {}));
    expect(tr.kind).toBe('local');
    expect((await tr.run(sh`echo ${'x y'}`)).stdout).toBe('x y\n');
    await tr.close();
  });
});

describe('connectionSpec', () => {
  it('reads the ansible_* vars', () => {
    clearSecretsForTest();
    const spec = connectionSpec('k8s-node1', {
      ansible_host: '192.168.1.101', ansible_port: '2222', ansible_user: 'ubuntu', ansible_ssh_private_key_file: '~/.ssh/id',
      ansible_become: 'yes', ansible_become_password: 'sudo-pass', ansible_ssh_common_args: '-o ProxyJump=bastion',
    });
    expect(spec).toMatchObject({
      host: 'k8s-node1', connection: 'ssh', address: '192.168.1.101', port: 2222, user: 'ubuntu',
      become: true, becomeUser: 'root', becomePassword: 'sudo-pass', sshCommonArgs: '-o ProxyJump=bastion',
    });
    expect(spec.privateKeyFile).not.toContain('~');
    expect(isSecret('sudo-pass')).toBe(true);
    clearSecretsForTest();
  });

  it('reads capstan_known_hosts_file and the key passphrase (a secret)', () => {
    clearSecretsForTest();
    const spec = connectionSpec('n', { capstan_known_hosts_file: '~/kh', capstan_ssh_private_key_passphrase: 'key-phrase' });
    expect(spec.knownHostsFile).toMatch(/^\/.*\/kh$/);
    expect(spec.privateKeyPassphrase).toBe('key-phrase');
    expect(isSecret('key-phrase')).toBe(true);
    clearSecretsForTest();
  });

  it('makes localhost local unless told otherwise, and rejects bad settings with all problems', () => {
    expect(connectionSpec('localhost', {}).connection).toBe('local');
    expect(connectionSpec('localhost', { ansible_connection: 'ssh' }).connection).toBe('ssh');
    expect(connectionSpec('node', {}).connection).toBe('ssh');
    const err = (() => { try { connectionSpec('node', { ansible_connection: 'winrm', ansible_port: 'x' }); } catch (e) { return e as InputError; } })()!;
    expect(err).toBeInstanceOf(InputError);
    expect(err.problems.map((p) => p.key)).toEqual(['ansible_connection', 'ansible_port']);
  });
});
