// lib/lab: throw-away network-namespace hosts with sshd (root).
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { connect, createServer } from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLab, type Lab } from '../lib/lab/lab.ts';
import { LAB_ROOT } from '../lib/lab/lab-state.ts';
import { isAlive } from '../lib/lab/lab-sys.ts';

function netnsList(): string {
  return execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' });
}

describe('lab', () => {
  let lab: Lab;
  beforeAll(async () => {
    lab = await startLab({ hosts: 2, name: 'lab-test', hostNamePrefix: 'lt', groups: { first: ['lt1'] } });
  });
  afterAll(async () => {
    await lab?.down();
  });

  it('gives each host its own address, namespace and sshd reachable with the lab key and known_hosts', () => {
    expect(lab.hosts.map((h) => h.name)).toEqual(['lt1', 'lt2']);
    expect(new Set(lab.hosts.map((h) => h.ip)).size).toBe(2);
    for (const h of lab.hosts) {
      expect(netnsList()).toContain(h.netns);
      const out = execFileSync('ssh', ['-n', '-F', join(lab.dir, 'ssh_config'), h.name, 'hostname -I; echo "$HOME"'], { encoding: 'utf8' });
      expect(out.split('\n')[0]!.trim()).toBe(h.ip);
      expect(out).toContain('/root');
    }
    const inv = readFileSync(join(lab.inventoryDir, 'hosts'), 'utf8');
    expect(inv).toMatch(/^\[lab\]\nlt1 ansible_host=10\.\d+\.0\.11\nlt2 ansible_host=10\.\d+\.0\.12/);
    expect(inv).toContain('[first]\nlt1\n');
    expect(inv).toContain(`UserKnownHostsFile=${lab.knownHostsFile}`);
  });

  it('keeps /opt, /usr/local/bin and /root private per host', async () => {
    await lab.exec('lt1', ['bash', '-c', 'echo one > /opt/marker; echo bin > /usr/local/bin/marker']);
    const other = await lab.exec('lt2', ['ls', '-A', '/opt', '/usr/local/bin', '/root']);
    expect(other.stdout).not.toContain('marker');
    expect(readFileSync(join(lab.hosts[0]!.fsDir, 'opt/marker'), 'utf8')).toBe('one\n');
    expect(existsSync('/opt/marker')).toBe(false);
    await lab.reset();
    expect(existsSync(join(lab.hosts[0]!.fsDir, 'opt/marker'))).toBe(false);
  });

  it('spawns a background server inside a host that only the lab network reaches', async () => {
    const script = join(lab.dir, 'echo-server.cjs');
    writeFileSync(script, `require('net').createServer(s => s.end('hello from ' + require('os').hostname())).listen(7001, '${lab.hosts[1]!.ip}')`);
    const proc = await lab.spawn('lt2', [process.execPath, script]);
    const reply = await new Promise<string>((resolve, reject) => {
      const tryOnce = (left: number) => {
        const sock = connect(7001, lab.hosts[1]!.ip);
        let data = '';
        sock.on('data', (d: Buffer) => { data += d; });
        sock.on('end', () => resolve(data));
        sock.on('error', (e: Error) => (left > 0 ? setTimeout(() => tryOnce(left - 1), 50) : reject(e)));
      };
      tryOnce(100);
    });
    expect(reply).toContain('hello from');
    await proc.stop();
    expect(isAlive(proc.pid)).toBe(false);
  });

  it('stops and restarts one host\'s sshd', async () => {
    const ssh = () => spawnSync('ssh', ['-n', '-F', join(lab.dir, 'ssh_config'), 'lt1', 'true']).status;
    await lab.stopSshd('lt1');
    expect(ssh()).not.toBe(0);
    await lab.startSshd('lt1');
    expect(ssh()).toBe(0);
  });

  it('two labs coexist, and down removes namespaces, bridge and directory (idempotent)', async () => {
    const second = await startLab({ hosts: 1, name: 'lab-test-2' });
    expect(second.id).not.toBe(lab.id);
    expect(second.gatewayIp).not.toBe(lab.gatewayIp);
    const ns = second.hosts[0]!.netns;
    await second.down();
    await second.down();
    expect(netnsList()).not.toContain(ns);
    expect(existsSync(second.dir)).toBe(false);
    expect(existsSync(join(LAB_ROOT, lab.id))).toBe(true);
  });

  it('a lab whose owner process died is removed by the next start', async () => {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', `
      const { startLab } = await import(${JSON.stringify(join(import.meta.dirname, '../lib/lab/lab.ts'))});
      const lab = await startLab({ hosts: 1, name: 'crashing' });
      console.log(lab.id);
      process.kill(process.pid, 'SIGKILL');
    `], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const id = child.stdout.trim();
    expect(id).toMatch(/^lab\d+$/);
    expect(existsSync(join(LAB_ROOT, id))).toBe(true);
    const third = await startLab({ hosts: 1, name: 'cleaner' });
    expect(existsSync(join(LAB_ROOT, id))).toBe(false);
    expect(netnsList()).not.toContain(`capstan-${id}-`);
    await third.down();
  });

  it('tears down when the owning process exits normally without calling down', () => {
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', `
      const { startLab } = await import(${JSON.stringify(join(import.meta.dirname, '../lib/lab/lab.ts'))});
      const lab = await startLab({ hosts: 1, name: 'exiting' });
      console.log(lab.id);
    `], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    const id = child.stdout.trim();
    expect(id).toMatch(/^lab\d+$/);
    expect(existsSync(join(LAB_ROOT, id))).toBe(false);
    expect(netnsList()).not.toContain(`capstan-${id}-`);
  });

  it('a lab host cannot reach this machine\'s loopback (own network namespace)', () => {
    // sanity: a server on this machine's loopback is not reachable from a lab host (own netns)
    const server = createServer().listen(0, '127.0.0.1');
    return new Promise<void>((resolve) => server.once('listening', async () => {
      const port = (server.address() as { port: number }).port;
      const r = await lab.exec('lt1', ['bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${port}`], { allowFail: true });
      expect(r.code).not.toBe(0);
      server.close();
      resolve();
    }));
  });
});
