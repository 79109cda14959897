// The host lock (lib/lock/host.ts) on this machine through the local transport (bash, flock,
// tail): one holder at a time, a second run fails or waits naming the holder, a lock of a run
// that died (kill -9) is taken over and said, --check reads without writing, release lets go.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { LockError } from '../../../lib/errors.ts';
import { newRunIdentity } from '../../../lib/lock/identity.ts';
import { readHostLock, takeHostLock } from '../../../lib/lock/host.ts';
import type { LockSettings } from '../../../lib/lock/vars.ts';
import { localTransport } from '../../../lib/transport/local.ts';

const projectDir = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'capstan-host-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const t = localTransport({ host: 'ctl' });
const settings = (name: string, timeout = 0): LockSettings => ({ capstan_lock_path: join(dir, name, 'capstan.lock'), capstan_lock_timeout: timeout, capstan_lock_namespace: 'kube-system' });
const said = () => { const lines: string[] = []; return { lines, say: (m: string) => { lines.push(m); } }; };
const alive = (pid: string) => existsSync(`/proc/${pid}`);

describe('host lock', () => {
  it('records run id, owner, pid and start time; a second run with timeout 0 fails naming the holder', async () => {
    const s = settings('a');
    const first = newRunIdentity();
    const held = await takeHostLock(t, first, s, said());
    const record = readFileSync(s.capstan_lock_path, 'utf8');
    expect(record).toContain(`id=${first.id}\n`);
    expect(record).toContain(`owner=${first.owner}\n`);
    expect(record).toContain(`started=${first.started}\n`);
    expect(record).toContain(`pid=${held.holderPid}\n`);
    expect(alive(held.holderPid)).toBe(true);
    const err = await takeHostLock(t, newRunIdentity(), s, said()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(LockError);
    expect((err as Error).message).toContain(`is held by run ${first.id} of ${first.owner} (pid ${held.holderPid} on ctl, started ${first.started})`);
    await held.release();
    expect(readFileSync(s.capstan_lock_path, 'utf8')).toBe('');
    // the holder is gone: a run that will not wait gets the lock at once
    const again = await takeHostLock(t, newRunIdentity(), s, said());
    await again.release();
  });

  it('a second run waits (bounded), saying who holds it, and gets the lock when the first lets go', async () => {
    const s = settings('b', 20);
    const first = newRunIdentity();
    const held = await takeHostLock(t, first, s, said());
    const out = said();
    const waiting = takeHostLock(t, newRunIdentity(), s, { say: (m) => {
      out.say(m);
      void held.release();
    } });
    const second = await waiting;
    expect(out.lines).toEqual([expect.stringMatching(new RegExp(`ctl: .*capstan.lock is held by run ${first.id} .*; waiting up to 20s \\(capstan_lock_timeout\\)`))]);
    await second.release();
  });

  it('a run that died (kill -9) leaves a lock the next run takes over, saying whose it was', async () => {
    const s = settings('c', 15);
    const script = `import { takeHostLock } from ${JSON.stringify(join(projectDir, 'lib/lock/host.ts'))};
import { newRunIdentity } from ${JSON.stringify(join(projectDir, 'lib/lock/identity.ts'))};
import { localTransport } from ${JSON.stringify(join(projectDir, 'lib/transport/local.ts'))};
const run = newRunIdentity();
await takeHostLock(localTransport({ host: 'ctl' }), run, ${JSON.stringify(s)}, { say: () => {} });
console.log('locked ' + run.id);
setInterval(() => {}, 1000);`;
    const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    const id = await new Promise<string>((done) => child.stdout.on('data', (d: Buffer) => { const m = /locked (\S+)/.exec(String(d)); if (m) done(m[1]!); }));
    child.kill('SIGKILL');
    const out = said();
    const next = await takeHostLock(t, newRunIdentity(), s, out);
    expect(out.lines.at(-1)).toMatch(new RegExp(`ctl: took over the lock .* left by run ${id} .*: its holder is gone`));
    await next.release();
  });

  it('--check reads the lock: names a holder, writes nothing, creates no file', async () => {
    const s = settings('d');
    expect(await readHostLock(t, newRunIdentity(), s)).toBeUndefined();
    expect(existsSync(s.capstan_lock_path)).toBe(false);
    const first = newRunIdentity();
    const held = await takeHostLock(t, first, s, said());
    const before = readFileSync(s.capstan_lock_path, 'utf8');
    expect(await readHostLock(t, newRunIdentity(), s)).toMatch(new RegExp(`^run ${first.id} of `));
    expect(readFileSync(s.capstan_lock_path, 'utf8')).toBe(before);
    await held.release();
    expect(await readHostLock(t, newRunIdentity(), s)).toBeUndefined();
  });

  it('release leaves another run\'s lock alone', async () => {
    const s = settings('e');
    const held = await takeHostLock(t, newRunIdentity(), s, said());
    const record = readFileSync(s.capstan_lock_path, 'utf8');
    const other = await takeHostLock(t, newRunIdentity(), settings('e2'), said());
    await other.release();
    expect(readFileSync(s.capstan_lock_path, 'utf8')).toBe(record);
    await held.release();
  });
});

describe('host lock: one run, two inventory hosts on this machine', () => {
  const local = localTransport({ host: 'localhost' });
  const loopback2 = localTransport({ host: '127.0.0.2' });

  it('the second host shares the lock the run holds (timeout 0: no wait); its release keeps it, the first one\'s lets go', async () => {
    const s = settings('same-run');
    const run = newRunIdentity();
    const a = await takeHostLock(local, run, s, said());
    const b = await takeHostLock(loopback2, run, s, said());
    expect(b.holderPid).toBe(a.holderPid);
    await b.release();
    expect(alive(a.holderPid)).toBe(true);
    expect(readFileSync(s.capstan_lock_path, 'utf8')).toContain(`id=${run.id}\n`);
    // another run still may not take it
    await expect(takeHostLock(t, newRunIdentity(), s, said())).rejects.toBeInstanceOf(LockError);
    await a.release();
    expect(readFileSync(s.capstan_lock_path, 'utf8')).toBe('');
  });

  it('both hosts taking it at the same moment do not wait on each other', async () => {
    const s = settings('same-run-at-once');
    const run = newRunIdentity();
    const both = await Promise.all([takeHostLock(local, run, s, said()), takeHostLock(loopback2, run, s, said())]);
    expect(both[0].holderPid).toBe(both[1].holderPid);
    for (const held of both) await held.release();
    expect(readFileSync(s.capstan_lock_path, 'utf8')).toBe('');
  });
});
