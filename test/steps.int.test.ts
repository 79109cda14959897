// lib/steps idempotent host steps over SSH to a lab host (root).
import { afterAll, describe, expect, it } from 'vitest';
import { CommandError } from '../lib/errors.ts';
import type { TaskContext } from '../lib/role.ts';
import { sh } from '../lib/shell.ts';
import { command, ensureDirectory, ensureLine, fact, kernelModule, putFile, sysctl, withLine } from '../lib/steps/index.ts';
import { openSshTransport } from '../lib/transport/ssh.ts';
import type { Transport } from '../lib/transport/types.ts';
import { labSpec } from '../lib/lab/lab-ssh.ts';
import { useLab } from './support/lab-vitest.ts';

const lab = useLab({ hosts: 1, name: 'steps-test', hostNamePrefix: 'st', extraPrivateDirs: ['/etc/sysctl.d', '/etc/modules-load.d'] });

let shared: Promise<Transport> | undefined;
const factCache = new Map<string, Promise<unknown>>();
afterAll(async () => {
  await (await shared)?.close();
});

/** A TaskContext over a real SSH transport to the lab host (no runner: the steps alone). */
function ctx(options: { check?: boolean; diff?: boolean } = {}): TaskContext {
  shared ??= openSshTransport(labSpec(lab(), 'st1'));
  const host = { name: 'st1', groups: ['lab'], vars: {} };
  const noop = () => undefined;
  return {
    host, playHosts: [host], hostvars: { st1: {} }, groups: { lab: ['st1'] },
    check: options.check ?? false, diff: options.diff ?? false,
    log: { progress: noop, verbose: noop, warn: noop },
    signal: new AbortController().signal,
    transport: () => shared!,
    fact: <T>(key: string, compute: () => Promise<T>) => {
      if (!factCache.has(key)) factCache.set(key, compute());
      return factCache.get(key) as Promise<T>;
    },
    shared: new Map(),
    cluster: () => Promise.reject(new Error('no cluster in step tests')),
  };
}

async function hostRun(text: string): Promise<string> {
  return (await lab().exec('st1', ['sh', '-c', text])).stdout.trim();
}

describe('withLine (lineinfile rules)', () => {
  it.each([
    ['', 'A=1', undefined, 'A=1\n'],
    ['x\n', 'A=1', undefined, 'x\nA=1\n'],
    ['x\nA=1\n', 'A=1', undefined, 'x\nA=1\n'],
    ['A=0\nx\nA=2\n', 'A=1', /^A=/, 'A=0\nx\nA=1\n'],
    ['x', 'A=1', /^A=/, 'x\nA=1\n'],
    ['A=1\n', 'A=1', /^A=/, 'A=1\n'],
  ])('%j + %j (%s) → %j', (before, line, re, after) => {
    expect(withLine(before, line, re)).toBe(after);
  });
});

describe('host steps on a lab host', () => {
  it('putFile writes once, then reports ok without touching the file (mtime and inode kept)', async () => {
    const args = { path: '/opt/steps/config.yaml', content: 'a: 1\n', mode: 0o600 };
    await ensureDirectory(ctx(), { path: '/opt/steps' });
    expect((await putFile(ctx(), args)).status).toBe('changed');
    const before = await hostRun("stat -c '%Y.%i %a' /opt/steps/config.yaml; stat -c %y /opt/steps/config.yaml");
    const again = await putFile(ctx(), args);
    expect(again).toMatchObject({ status: 'ok' });
    expect(await hostRun("stat -c '%Y.%i %a' /opt/steps/config.yaml; stat -c %y /opt/steps/config.yaml")).toBe(before);
  });

  it('putFile in check mode changes nothing and --diff shows the text difference', async () => {
    const path = '/opt/steps/check.txt';
    await putFile(ctx(), { path, content: 'one\ntwo\n' });
    const r = await putFile(ctx({ check: true, diff: true }), { path, content: 'one\nTWO\n' });
    expect(r.status).toBe('changed');
    expect(r.diff).toMatch(/-two\n\+TWO/);
    expect(await hostRun(`cat ${path}`)).toBe('one\ntwo');
    const modeOnly = await putFile(ctx(), { path, content: 'one\ntwo\n', mode: 0o640 });
    expect(modeOnly).toMatchObject({ status: 'changed', msg: expect.stringContaining('mode 0644 → 0640') });
    expect(await hostRun(`stat -c %a ${path}`)).toBe('640');
  });

  it('putFile renders a template strictly', async () => {
    const template = { source: 'node={{name}}\n', data: { name: 'st1' }, name: 'node.hbs' };
    expect((await putFile(ctx(), { path: '/opt/steps/node.txt', template })).status).toBe('changed');
    expect(await hostRun('cat /opt/steps/node.txt')).toBe('node=st1');
    await expect(putFile(ctx(), { path: '/opt/steps/bad.txt', template: { ...template, data: {} } })).rejects.toThrow(/name/);
  });

  it('ensureDirectory creates, fixes the mode, then is ok; check mode creates nothing', async () => {
    expect((await ensureDirectory(ctx({ check: true }), { path: '/var/lib/rancher/k3s/x', mode: 0o700 })).status).toBe('changed');
    expect(await hostRun('test -e /var/lib/rancher/k3s && echo yes || echo no')).toBe('no');
    expect((await ensureDirectory(ctx(), { path: '/var/lib/rancher/k3s/x', mode: 0o700 })).status).toBe('changed');
    expect((await ensureDirectory(ctx(), { path: '/var/lib/rancher/k3s/x', mode: 0o700 })).status).toBe('ok');
    await hostRun('chmod 755 /var/lib/rancher/k3s/x');
    expect((await ensureDirectory(ctx(), { path: '/var/lib/rancher/k3s/x', mode: 0o700 })).status).toBe('changed');
    expect(await hostRun('stat -c %a /var/lib/rancher/k3s/x')).toBe('700');
  });

  it('ensureLine creates, replaces by regexp, and is idempotent', async () => {
    const path = '/etc/rancher/k3s.env';
    expect((await ensureLine(ctx(), { path, line: 'K3S_NODE_NAME=st1', regexp: /^K3S_NODE_NAME=/ })).status).toBe('changed');
    expect((await ensureLine(ctx(), { path, line: 'K3S_NODE_NAME=st1', regexp: /^K3S_NODE_NAME=/ })).status).toBe('ok');
    const r = await ensureLine(ctx({ diff: true }), { path, line: 'K3S_NODE_NAME=other', regexp: /^K3S_NODE_NAME=/ });
    expect(r.diff).toMatch(/-K3S_NODE_NAME=st1\n\+K3S_NODE_NAME=other/);
    expect(await hostRun(`cat ${path}`)).toBe('K3S_NODE_NAME=other');
  });

  it('command honours creates/removes, changedWhen, check mode and failures', async () => {
    const touch = sh`touch /opt/steps/made`;
    expect((await command(ctx({ check: true }), touch, { creates: '/opt/steps/made' })).status).toBe('changed');
    expect(await hostRun('test -e /opt/steps/made && echo yes || echo no')).toBe('no');
    expect((await command(ctx(), touch, { creates: '/opt/steps/made' })).status).toBe('changed');
    expect(await command(ctx(), touch, { creates: '/opt/steps/made' })).toMatchObject({ status: 'ok', msg: expect.stringContaining('exists') });
    expect((await command(ctx(), sh`rm /opt/steps/none`, { removes: '/opt/steps/none' })).status).toBe('ok');
    const read = await command(ctx({ check: true }), sh`uname -r`, { readOnly: true });
    expect(read.status).toBe('ok');
    expect(read.data?.stdout.trim()).toMatch(/^\d+\./);
    expect((await command(ctx(), sh`echo same`, { changedWhen: (r) => !r.stdout.includes('same') })).status).toBe('ok');
    await expect(command(ctx(), sh`exit 7`)).rejects.toBeInstanceOf(CommandError);
    expect((await command(ctx(), sh`exit 7`, { okCodes: [0, 7] })).status).toBe('changed');
  });

  it('fact runs its command once per host per run', async () => {
    const probe = sh`echo x >> /opt/steps/fact-count; wc -l < /opt/steps/fact-count`;
    const a = await fact(ctx(), 'count', probe, (s) => Number(s.trim()));
    const b = await fact(ctx(), 'count', probe, (s) => Number(s.trim()));
    expect(a).toBe(1);
    expect(b).toBe(1);
    expect(await hostRun('wc -l < /opt/steps/fact-count')).toBe('1');
  });

  it('sysctl sets the live value (this host\'s own network namespace) and persists it', async () => {
    const args = { name: 'net.ipv4.ip_forward', value: 1, file: '/etc/sysctl.d/99-capstan.conf' };
    await hostRun('sysctl -q -w net.ipv4.ip_forward=0');
    expect((await sysctl(ctx({ check: true }), args)).status).toBe('changed');
    expect(await hostRun('sysctl -n net.ipv4.ip_forward')).toBe('0');
    expect((await sysctl(ctx(), args)).status).toBe('changed');
    expect(await hostRun('sysctl -n net.ipv4.ip_forward; cat /etc/sysctl.d/99-capstan.conf')).toBe('1\nnet.ipv4.ip_forward = 1');
    expect((await sysctl(ctx(), args)).status).toBe('ok');
  });

  it('kernelModule persists a loaded module; check mode does not load a missing one', async () => {
    expect((await kernelModule(ctx(), { name: 'bridge' })).status).toBe('changed');
    expect(await hostRun('cat /etc/modules-load.d/bridge.conf')).toBe('bridge');
    expect((await kernelModule(ctx(), { name: 'bridge' })).status).toBe('ok');
    const missing = await kernelModule(ctx({ check: true }), { name: 'capstan_no_such_module', persist: false });
    expect(missing).toMatchObject({ status: 'changed', msg: expect.stringContaining('would change') });
  });
});
