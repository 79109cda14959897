// The host lock's acquire script (lib/lock/host-script.ts) run by bash against a lock file another
// process holds: a second host of the SAME run that looks while the holder has not written its
// record yet (the file still holds a crashed run's record) must find the lock reentrant, not
// wait on its own run; a lock another run holds is reported held.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, expect, it } from 'vitest';
import { ACQUIRE_SCRIPT } from '../../../lib/lock/host-script.ts';

const dir = mkdtempSync(join(tmpdir(), 'capstan-acquire-race-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const record = (id: string) => `id=${id}\nowner=tester\npid=1\nstarted=2026-12-02T00:00:00Z\ncontroller_pid=1\n`;
const holders: ChildProcess[] = [];
// ended by the PID recorded when it was started (exec keeps that PID for the sleep)
afterEach(() => { for (const h of holders.splice(0)) if (h.exitCode === null) h.kill('SIGKILL'); });

/** A process that takes the flock, writes `later` into the file after `delayS`, and keeps holding it. */
async function holder(lock: string, first: string, later: string, delayS: number): Promise<void> {
  const script = 'printf %s "$FIRST" >"$L"; exec 9>>"$L"; flock 9; echo locked; sleep "$D"; printf %s "$LATER" >"$L"; exec sleep 30';
  const h = spawn('bash', ['-c', script], { env: { ...process.env, L: lock, FIRST: first, LATER: later, D: String(delayS) }, stdio: ['ignore', 'pipe', 'inherit'] });
  holders.push(h);
  await new Promise<void>((resolve, reject) => {
    h.stdout!.once('data', () => resolve());
    h.once('exit', (code) => reject(new Error(`holder exited ${code}`)));
  });
}

function acquire(lock: string, runId: string): Promise<{ code: number | null; out: string }> {
  const env = {
    ...process.env, CAPSTAN_LOCK: lock, CAPSTAN_LOCK_MODE: 'take', CAPSTAN_LOCK_WAIT: '0', CAPSTAN_LOCK_WATCH: String(process.pid),
    CAPSTAN_RUN_ID: runId, CAPSTAN_RUN_OWNER: 'tester', CAPSTAN_RUN_STARTED: 'now', CAPSTAN_RUN_PID: String(process.pid),
  };
  const p = spawn('bash', ['-c', ACQUIRE_SCRIPT], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  p.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  p.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  return new Promise((resolve) => p.on('close', (code) => resolve({ code, out })));
}

it('a second host of the run finds the lock reentrant while the holder has not yet replaced a crashed run\'s record', async () => {
  const lock = join(dir, 'race.lock');
  await holder(lock, record('crashed-run'), record('run-1'), 0.2);
  const r = await acquire(lock, 'run-1');
  expect(r.out).toMatch(/^capstan-lock: reentrant/m);
  expect(r.code).toBe(0);
});

it('a lock another run holds is reported held, with its record (and with capstan_lock_timeout 0 not waited for)', async () => {
  const lock = join(dir, 'held.lock');
  await holder(lock, record('other-run'), record('other-run'), 0);
  const r = await acquire(lock, 'run-2');
  expect(r.out).toContain('capstan-lock: held\nid=other-run\n');
  expect(r.code).toBe(75);
});
