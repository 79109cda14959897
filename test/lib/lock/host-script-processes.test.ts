// The host lock's scripts (lib/lock/host-script.ts) start few processes: taking a free lock over SSH
// (the walk up to the sshd session included) and letting it go start only flock, setsid and tail;
// the rest is bash builtins. Every program they may call is a COUNTING shim on PATH; the "sshd"
// above them is a STAND-IN: a copy of bash named sshd-standin (its comm starts with sshd).
import { spawn } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readHostLock, takeHostLock } from '../../../lib/lock/host.ts';
import { ACQUIRE_SCRIPT, RELEASE_SCRIPT } from '../../../lib/lock/host-script.ts';
import type { Cmd } from '../../../lib/shell.ts';
import { withMust } from '../../../lib/transport/must.ts';
import type { RunOptions } from '../../../lib/transport/types.ts';

const dir = mkdtempSync(join(tmpdir(), 'capstan-lock-processes-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const bin = join(dir, 'bin');
const log = join(dir, 'started');
mkdirSync(bin);
// every program the scripts may start, logged by name then run for real
for (const name of ['flock', 'setsid', 'tail', 'cat', 'sed', 'grep', 'dirname', 'mkdir', 'sleep', 'kill']) {
  const real = ['/usr/bin', '/bin'].map((d) => join(d, name)).find((p) => existsSync(p));
  if (!real) continue;
  writeFileSync(join(bin, name), `#!/bin/bash\nprintf '%s\\n' ${name} >> "$SHIM_LOG"\nexec ${real} "$@"\n`);
  chmodSync(join(bin, name), 0o755);
}
const standin = join(dir, 'sshd-standin');
copyFileSync('/bin/bash', standin);
chmodSync(standin, 0o755);

const env = (lock: string) => ({
  PATH: bin, SHIM_LOG: log, CAPSTAN_LOCK: lock, CAPSTAN_LOCK_DIR: join(dir, 'run'), CAPSTAN_LOCK_MODE: 'take', CAPSTAN_LOCK_WAIT: '0',
  CAPSTAN_LOCK_WATCH: '', CAPSTAN_RUN_ID: 'run-1', CAPSTAN_RUN_OWNER: 'tester', CAPSTAN_RUN_STARTED: 'now', CAPSTAN_RUN_PID: '1',
});
/** The programs started so far, sorted; waits (bounded) for the background holder's own start to be logged. */
async function startedWith(n: number): Promise<string[]> {
  for (let i = 0; i < 100 && started().length < n; i++) await new Promise((r) => setTimeout(r, 20));
  return started();
}
const started = () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).sort() : []);

describe('host lock scripts', () => {
  it('take a free lock (walking up to the session\'s sshd) and let it go starting only flock, setsid, tail and flock', async () => {
    mkdirSync(join(dir, 'run')); // as /run/lock on a host
    const lock = join(dir, 'run', 'capstan.lock');
    // the session stand-in runs the take, then waits on stdin: the holder watches it
    const session = spawn(standin, ['-c', '/bin/bash -c "$S"; echo done; read -r _'], { env: { ...env(lock), S: ACQUIRE_SCRIPT }, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    session.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    await new Promise<void>((r) => session.stdout.on('data', () => { if (out.includes('done')) r(); }));
    expect(out).toMatch(/^capstan-lock: acquired \d+$/m);
    expect(await startedWith(3)).toEqual(['flock', 'setsid', 'tail']);
    const release = spawn('/bin/bash', ['-c', RELEASE_SCRIPT], { env: env(lock), stdio: ['ignore', 'pipe', 'inherit'] });
    let rel = '';
    release.stdout.on('data', (d: Buffer) => { rel += d.toString(); });
    expect(await new Promise((r) => release.on('close', r))).toBe(0);
    expect(rel).toContain('capstan-lock: released');
    expect(readFileSync(lock, 'utf8')).toBe('');
    expect(await startedWith(4)).toEqual(['flock', 'flock', 'setsid', 'tail']);
    session.stdin.end();
    await new Promise((r) => session.on('close', r));
  });

  it('go through the transport with a deadline but no `timeout` process on the host (hostTimeout false: they bound their own waits)', async () => {
    const seen: RunOptions[] = [];
    // a FAKE transport: answers the take as acquired, records each call's options
    const t = withMust({
      host: 'h', kind: 'ssh' as const,
      run: async (_: Cmd, o: RunOptions = {}) => { seen.push(o); return { code: 0, stdout: 'capstan-lock: acquired 7\n', stderr: '', timedOut: false, durationMs: 0 }; },
      put: async () => {}, get: async () => undefined, close: async () => {},
    });
    const run = { id: 'r', owner: 'o', started: 's', pid: 1 };
    const settings = { capstan_lock_timeout: 5, capstan_lock_path: '/run/lock/capstan.lock', capstan_lock_namespace: 'kube-system' };
    const held = await takeHostLock(t, run, settings, { say: () => {} });
    await held.release();
    await readHostLock(t, run, settings);
    expect(seen.map((o) => [o.hostTimeout, typeof o.timeoutMs])).toEqual([[false, 'number'], [false, 'number'], [false, 'number']]);
  });
});
