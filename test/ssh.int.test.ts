// The SSH transport against real sshd in lab hosts: exec, become, files, host keys, jumps, tunnels (root).
import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConnectionError } from '../lib/errors.ts';
import { raw, sh } from '../lib/shell.ts';
import { openSshTransport } from '../lib/transport/ssh.ts';
import type { Transport } from '../lib/transport/types.ts';
import { labSpec } from '../lib/lab/lab-ssh.ts';
import { useLab } from './support/lab-vitest.ts';
import { pollUntil } from '../lib/lab/lab-sys.ts';

const lab = useLab({ hosts: 3, name: 'ssh-test', hostNamePrefix: 'sh' });

async function withTransport<T>(host: string, fn: (t: Transport) => Promise<T>, overrides = {}): Promise<T> {
  const t = await openSshTransport(labSpec(lab(), host, overrides));
  try {
    return await fn(t);
  } finally {
    await t.close();
  }
}

function sshConnectionsOn(host: string): Promise<number> {
  return lab().exec(host, ['ss', '-Htn', 'state', 'established', '( sport = :22 )']).then((r) => r.stdout.split('\n').filter(Boolean).length);
}

describe('ssh transport: commands', () => {
  it('keeps exit code, stdout and stderr, streams output, and uses one connection for many commands', async () => {
    await withTransport('sh1', async (t) => {
      const chunks: string[] = [];
      const r = await t.run(sh`echo out; echo err >&2; exit 3`, { onStdout: (s) => chunks.push(s) });
      expect(r).toMatchObject({ code: 3, stdout: 'out\n', stderr: 'err\n', timedOut: false });
      expect(chunks.join('')).toBe('out\n');
      const results = await Promise.all(Array.from({ length: 20 }, (_, i) => t.run(sh`echo ${i}`)));
      expect(results.map((x) => x.stdout.trim())).toEqual(Array.from({ length: 20 }, (_, i) => String(i)));
      expect(await sshConnectionsOn('sh1')).toBe(1);
      expect((await t.run(sh`cat`, { stdin: 'from stdin' })).stdout).toBe('from stdin');
    });
  });

  it('keeps running commands after one exits, has a syntax error, or ends without a newline', async () => {
    await withTransport('sh1', async (t) => {
      expect((await t.run(sh`exit 5`)).code).toBe(5);
      const broken = await t.run(sh`echo ${raw("'unbalanced")}`);
      expect(broken.code).not.toBe(0);
      expect(broken.stderr).toMatch(/unexpected EOF|matching/);
      expect(await t.run(sh`printf %s no-newline; printf %s err >&2`)).toMatchObject({ code: 0, stdout: 'no-newline', stderr: 'err' });
      expect((await t.run(sh`cd /opt; export GONE=1; pwd`)).stdout).toBe('/opt\n');
      expect((await t.run(sh`pwd; echo "[$GONE]"`)).stdout).toBe('/root\n[]\n');
      const big = await t.run(sh`head -c 300000 /dev/zero | tr '\\0' x`);
      expect(big.stdout.length).toBe(300000);
    });
  });

  it('passes hostile values literally: nothing they contain is executed', async () => {
    const values = ['$(touch /opt/pwned1)', '; touch /opt/pwned2', '`touch /opt/pwned3`', `it's "quoted"`, 'two\nlines', '&& touch /opt/pwned4 #', '*'];
    await withTransport('sh1', async (t) => {
      for (const v of values) {
        const r = await t.run(sh`printf %s ${v}`);
        expect(r.stdout).toBe(v);
        const e = await t.run(sh`printf %s "$V"`, { env: { V: v } });
        expect(e.stdout).toBe(v);
      }
      const left = await t.run(sh`ls /opt`);
      expect(left.stdout).not.toMatch(/pwned/);
    });
  });

  it('becomes another user with sudo (NOPASSWD as root) and keeps env', async () => {
    await withTransport('sh1', async (t) => {
      expect((await t.run(sh`id -un`, { become: true })).stdout.trim()).toBe('nobody');
      expect((await t.run(sh`id -un`)).stdout.trim()).toBe('root');
      expect((await t.run(sh`echo "$X"`, { become: true, env: { X: 'kept' } })).stdout.trim()).toBe('kept');
    }, { becomeUser: 'nobody' });
  });

  it('answers a sudo password prompt from stdin, never echoes it, then passes the caller\'s stdin (sudo stand-in)', async () => {
    const fake = readFileSync(join(import.meta.dirname, 'fixtures/ssh/fake-sudo-prompting.sh'), 'utf8');
    await lab().exec('sh3', ['sh', '-c', 'cat > /usr/local/bin/sudo && chmod 755 /usr/local/bin/sudo'], { stdin: fake });
    try {
      await withTransport('sh3', async (t) => {
        const r = await t.run(sh`cat; echo " as $(id -un)"`, { become: true, stdin: 'piped' });
        expect(r).toMatchObject({ code: 0, stdout: 'piped as root\n' });
        expect(r.stderr).not.toMatch(/c0rrect|capstan-sudo|password/i);
      }, { becomeUser: 'nobody', becomePassword: 'c0rrect horse' });
      await withTransport('sh3', async (t) => {
        const r = await t.run(sh`echo never`, { become: true });
        expect(r.code).not.toBe(0);
        expect(r.stdout).toBe('');
        expect(r.stderr).toMatch(/ansible_become_password was not accepted/);
        expect(r.stderr).not.toContain('wrong pw');
      }, { becomeUser: 'nobody', becomePassword: 'wrong pw' });
    } finally {
      await lab().exec('sh3', ['rm', '-f', '/usr/local/bin/sudo']);
    }
  });

  it('times a command out and kills it on the host', async () => {
    await withTransport('sh1', async (t) => {
      const r = await t.run(sh`sleep 31.4159; echo never`, { timeoutMs: 400 });
      expect(r).toMatchObject({ code: null, timedOut: true, stdout: '' });
      expect(r.durationMs).toBeLessThan(3000);
      const ps = await lab().exec('sh1', ['pgrep', '-f', 'sleep 31.4159'], { allowFail: true });
      expect(ps.stdout.trim()).toBe('');
    });
  });

  it('hostTimeout false: no timeout process on the host (the command bounds itself), and still given up after timeoutMs', async () => {
    await withTransport('sh1', async (t) => {
      // the parent of the persistent shell's subshell is the sshd session; under `timeout` it is timeout
      const parent = sh`read -r c </proc/$PPID/comm; echo "$c"`;
      expect((await t.run(parent, { timeoutMs: 5_000 })).stdout.trim()).toBe('timeout');
      expect((await t.run(parent, { timeoutMs: 5_000, hostTimeout: false })).stdout.trim()).toMatch(/^sshd/);
      const r = await t.run(sh`sleep 27.1828; echo never`, { timeoutMs: 400, hostTimeout: false });
      expect(r).toMatchObject({ code: null, timedOut: true, stdout: '' });
      expect(r.durationMs).toBeLessThan(2000);
      // the transport goes on: the next command opens another shell
      expect((await t.run(sh`echo after`)).stdout).toBe('after\n');
    });
  });
});

describe('ssh transport: files', () => {
  it('puts files atomically (new inode, no temp left) with mode and owner, and reads them back', async () => {
    await withTransport('sh2', async (t) => {
      await t.put('/opt/app/conf/a.txt', 'one\n', { mode: 0o600 });
      const ino1 = (await t.run(sh`stat -c '%i %a %U' /opt/app/conf/a.txt`)).stdout.trim().split(' ');
      expect(ino1.slice(1)).toEqual(['600', 'root']);
      await t.put('/opt/app/conf/a.txt', Buffer.from('two\n'), { mode: 0o640, owner: 'nobody', group: 'nogroup' });
      const ino2 = (await t.run(sh`stat -c '%i %a %U:%G' /opt/app/conf/a.txt`)).stdout.trim().split(' ');
      expect(ino2[0]).not.toBe(ino1[0]);
      expect(ino2.slice(1)).toEqual(['640', 'nobody:nogroup']);
      expect((await t.run(sh`ls -A /opt/app/conf`)).stdout).toBe('a.txt\n');
      expect(String(await t.get('/opt/app/conf/a.txt'))).toBe('two\n');
      expect(await t.get('/opt/app/conf/missing')).toBeUndefined();
      expect(readFileSync(join(lab().hosts[1]!.fsDir, 'opt/app/conf/a.txt'), 'utf8')).toBe('two\n');
    });
  });

  it('a write to a full disk or a read-only mount names the OS error and the fix, not SFTP\'s bare "Failure"', async () => {
    // tiny tmpfs mounts in sh2's private mount namespace (sshd and its sftp-server live in it too)
    await lab().exec('sh2', ['sh', '-c', 'mkdir -p /opt/full /opt/ro && mount -t tmpfs -o size=64k tmpfs /opt/full && mount -t tmpfs -o ro,size=64k tmpfs /opt/ro']);
    try {
      await withTransport('sh2', async (t) => {
        const put = (path: string) => t.put(path, Buffer.alloc(256 * 1024, 'x')).then(() => 'written', (e: Error) => e.message);
        expect(await put('/opt/full/big.bin')).toBe('sh2: cannot write /opt/full/big.bin: No space left on device; fix: free space on the filesystem holding /opt/full (df -h /opt/full)');
        expect(await put('/opt/ro/f.txt')).toMatch(/^sh2: cannot write \/opt\/ro\/f\.txt: Read-only file system; fix: the filesystem holding \/opt\/ro is mounted read-only/);
        expect((await t.run(sh`ls -A /opt/full /opt/ro`)).stdout).toBe('/opt/full:\n\n/opt/ro:\n');
      });
    } finally {
      await lab().exec('sh2', ['umount', '/opt/full', '/opt/ro']);
    }
  });

  it('puts and gets through become (sudo) as another user', async () => {
    await withTransport('sh2', async (t) => {
      await t.run(sh`install -d -o nobody -m 700 /opt/nobody`);
      await t.put('/opt/nobody/f', 'by nobody\n', { become: true, mode: 0o600 });
      expect((await t.run(sh`stat -c '%U %a' /opt/nobody/f`)).stdout.trim()).toBe('nobody 600');
      expect(String(await t.get('/opt/nobody/f', { become: true }))).toBe('by nobody\n');
      expect(await t.get('/opt/nobody/none', { become: true })).toBeUndefined();
    }, { becomeUser: 'nobody' });
  });
});

describe('ssh transport: host keys', () => {
  it('refuses an unknown key, with the fingerprint and the line to add', async () => {
    const file = join(lab().dir, 'kh-empty');
    writeFileSync(file, '');
    const err = await openSshTransport(labSpec(lab(), 'sh1', { knownHostsFile: file })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    const e = err as ConnectionError;
    const fp = execFileSync('ssh-keygen', ['-lf', join(lab().dir, 'hosts/sh1/ssh_host_ed25519_key.pub')], { encoding: 'utf8' }).split(' ')[1]!;
    expect(e.message).toContain(fp);
    expect(e.message).toMatch(/not known/);
    expect(e.hint).toContain(`echo '${lab().hosts[0]!.ip} ssh-ed25519 `);
    expect(readFileSync(file, 'utf8')).toBe('');
  });

  it('records a new key with acceptNewHostKeys, then verifies against it (hashed entries too)', async () => {
    const file = join(lab().dir, 'kh-accept');
    writeFileSync(file, '');
    const t = await openSshTransport(labSpec(lab(), 'sh1', { knownHostsFile: file }), { acceptNewHostKeys: true });
    await t.close();
    expect(readFileSync(file, 'utf8')).toMatch(new RegExp(`^${lab().hosts[0]!.ip.replace(/\./g, '\\.')} ssh-ed25519 \\S+\\n$`));
    const again = await openSshTransport(labSpec(lab(), 'sh1', { knownHostsFile: file }));
    await again.close();
    execFileSync('ssh-keygen', ['-H', '-f', file], { stdio: 'ignore' });
    expect(readFileSync(file, 'utf8')).toMatch(/^\|1\|/);
    const hashed = await openSshTransport(labSpec(lab(), 'sh1', { knownHostsFile: file }));
    await hashed.close();
  });

  it('always refuses a changed key, even with acceptNewHostKeys', async () => {
    const file = join(lab().dir, 'kh-changed');
    const sh2Key = readFileSync(join(lab().dir, 'hosts/sh2/ssh_host_ed25519_key.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
    writeFileSync(file, `${lab().hosts[0]!.ip} ${sh2Key}\n`);
    const err = await openSshTransport(labSpec(lab(), 'sh1', { knownHostsFile: file }), { acceptNewHostKeys: true }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(/HOST KEY CHANGED/);
    expect((err as ConnectionError).hint).toContain('ssh-keygen -R');
    expect(readFileSync(file, 'utf8')).toBe(`${lab().hosts[0]!.ip} ${sh2Key}\n`);
  });
});

describe('ssh transport: auth and jump hosts', () => {
  it('authenticates with a passphrase-protected key, and says what is missing without the passphrase', async () => {
    const key = join(lab().dir, 'id_pass');
    execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-a', '2', '-N', 'open sesame', '-f', key]);
    appendFileSync(join(lab().dir, 'authorized_keys'), readFileSync(`${key}.pub`));
    const r = await withTransport('sh1', (t) => t.run(sh`echo ok`), { privateKeyFile: key, privateKeyPassphrase: 'open sesame' });
    expect(r.stdout).toBe('ok\n');
    const err = await openSshTransport(labSpec(lab(), 'sh1', { privateKeyFile: key })).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as ConnectionError).hint).toMatch(/passphrase/);
  });

  it('authenticates through ssh-agent', async () => {
    const sock = join(lab().dir, 'agent.sock');
    const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    const saved = process.env.SSH_AUTH_SOCK;
    try {
      await pollUntil('ssh-agent to create its socket', () => (existsSync(sock) ? true : undefined), 5000);
      execFileSync('ssh-add', [lab().privateKeyFile], { env: { SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
      process.env.SSH_AUTH_SOCK = sock;
      const spec = labSpec(lab(), 'sh1');
      delete spec.privateKeyFile;
      const t = await openSshTransport(spec);
      expect((await t.run(sh`echo agent`)).stdout).toBe('agent\n');
      await t.close();
    } finally {
      if (saved === undefined) delete process.env.SSH_AUTH_SOCK;
      else process.env.SSH_AUTH_SOCK = saved;
      agent.kill();
    }
  });

  it('reaches a host through a ProxyJump host named in ansible_ssh_common_args', async () => {
    const [jump, target] = [lab().hosts[0]!, lab().hosts[1]!];
    const spec = labSpec(lab(), 'sh2', { sshCommonArgs: `-o UserKnownHostsFile=${lab().knownHostsFile} -o ProxyJump=root@${jump.ip}:22` });
    const t = await openSshTransport(spec);
    const r = await t.run(sh`echo "$SSH_CONNECTION"`);
    await t.close();
    const [from, , to] = r.stdout.trim().split(' ');
    expect(from).toBe(jump.ip);
    expect(to).toBe(target.ip);
  });
});

describe('ssh transport: failures and tunnels', () => {
  it('reports an unreachable host and a host that drops mid-command as ConnectionError', async () => {
    const t = await openSshTransport(labSpec(lab(), 'sh3'));
    const pending = t.run(sh`sleep 20`);
    await pollUntil('the sleep to start on sh3', async () => ((await lab().exec('sh3', ['pgrep', '-f', 'sleep 20'], { allowFail: true })).stdout.trim() ? true : undefined), 5000);
    await lab().stopSshd('sh3');
    await expect(pending).rejects.toBeInstanceOf(ConnectionError);
    await expect(t.run(sh`true`)).rejects.toThrow(/connection lost/);
    const started = Date.now();
    const err = await openSshTransport(labSpec(lab(), 'sh3'), { retries: 1 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectionError);
    expect((err as Error).message).toMatch(/ECONNREFUSED|cannot connect/);
    expect(Date.now() - started).toBeLessThan(5000);
    await t.close();
    await lab().startSshd('sh3');
  });

  it('retries a refused connection while sshd comes back (bounded, p-retry)', async () => {
    await lab().stopSshd('sh3');
    const opening = openSshTransport(labSpec(lab(), 'sh3'), { retries: 6 });
    await lab().startSshd('sh3');
    const t = await opening;
    expect((await t.run(sh`echo back`)).stdout).toBe('back\n');
    await t.close();
  });

  it('stops connecting at once when the run is interrupted', async () => {
    const ac = new AbortController();
    // an address in the lab's own subnet that nobody has: the handshake would hang until the ARP gives up
    const spec = labSpec(lab(), 'sh1', { address: lab().gatewayIp.replace(/\.1$/, '.250') });
    const started = Date.now();
    const opening = openSshTransport(spec, { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    await expect(opening).rejects.toThrow(/abort|interrupt/i);
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('forwards a local port to a TCP server listening inside a lab host', async () => {
    const script = join(lab().dir, 'tunnel-echo.cjs');
    writeFileSync(script, `require('net').createServer(s => s.pipe(s)).listen(7002, '127.0.0.1')`);
    const server = await lab().spawn('sh2', [process.execPath, script]);
    try {
      await withTransport('sh2', async (t) => {
        await pollUntil('echo server on sh2 127.0.0.1:7002', async () => ((await lab().exec('sh2', ['ss', '-Htln', '( sport = :7002 )'])).stdout.trim() ? true : undefined), 5000);
        const tunnel = await t.forward!('127.0.0.1', 7002);
        const reply = await new Promise<string>((resolve, reject) => {
          const s = connect(tunnel.port, '127.0.0.1', () => s.end('through the tunnel'));
          let data = '';
          s.on('data', (d) => { data += d; });
          s.on('end', () => resolve(data));
          s.on('error', reject);
        });
        expect(reply).toBe('through the tunnel');
        await tunnel.close();
      });
    } finally {
      await server.stop();
    }
  });
});
