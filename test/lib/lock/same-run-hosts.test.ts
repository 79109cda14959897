// One run against two inventory hosts on this machine (localhost and 127.0.0.2, both
// ansible_connection=local) shares the one host lock file instead of waiting on itself: with
// capstan_lock_timeout 0 it finishes on both hosts, and leaves the lock free.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { playMain } from '../../../lib/cli/play.ts';

const projectDir = resolve(import.meta.dirname, '../../..');
const dir = mkdtempSync(join(tmpdir(), 'capstan-same-run-lock-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('a run with two local hosts takes the lock once and does not wait on itself', async () => {
  mkdirSync(join(dir, 'inv/group_vars'), { recursive: true });
  writeFileSync(join(dir, 'inv/hosts'), '[nodes]\nlocalhost ansible_connection=local\n127.0.0.2 ansible_connection=local\n');
  const lock = join(dir, 'capstan.lock');
  writeFileSync(join(dir, 'inv/group_vars/all.yml'), `echo_dir: ${join(dir, 'out')}\ncapstan_lock_path: ${lock}\ncapstan_lock_timeout: 0\n`);
  let text = '';
  const sink = { write: (s: string) => { text += s; return true; } };
  const code = await playMain(['-i', join(dir, 'inv'), '--playbook', join(projectDir, 'test/fixtures/runner/playbooks/echo.ts')],
    { stdout: sink, stderr: sink, projectDir, cwd: dir, env: { ...process.env, HOME: join(dir, 'home') } });
  expect(text).not.toContain('is held by');
  expect(code).toBe(0);
  expect(text).toMatch(/localhost\s+: ok=\d+/);
  expect(text).toMatch(/127\.0\.0\.2\s+: ok=\d+/);
  expect(readFileSync(lock, 'utf8')).toBe('');
});
