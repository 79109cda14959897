// Ctrl-C on a real `npm run play` process: the running task is told to stop, nothing further
// runs, connections are closed, and the exit code is 99.
import { spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const projectDir = resolve(import.meta.dirname, '..');
const fixtures = resolve(import.meta.dirname, 'fixtures/runner');

describe('interrupt', () => {
  it('SIGINT during a task exits 99 after cleanup, running nothing more', async () => {
    const tasks = JSON.stringify({ probe_tasks: [{ name: 'long', work_ms: 30_000, transport: true }, { name: 'after' }] });
    const child = spawn(resolve(projectDir, 'node_modules/.bin/node'), ['lib/cli/play.ts', '-i', resolve(fixtures, 'inventory/multi'),
      '--playbook', resolve(fixtures, 'playbooks/probe.ts'), '-e', tasks], { cwd: projectDir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let interrupted = false;
    const started = Date.now();
    const code = await new Promise<number | null>((done) => {
      child.stdout.on('data', (d: Buffer) => {
        stdout += String(d);
        if (!interrupted && stdout.includes('TASK [probe : long]')) interrupted = child.kill('SIGINT');
      });
      child.stderr.on('data', (d: Buffer) => { stderr += String(d); });
      child.on('exit', (c) => done(c));
    });
    expect(code).toBe(99);
    expect(Date.now() - started).toBeLessThan(25_000); // it did not wait for the 30 s task
    expect(stderr).toMatch(/interrupted: stopping; closing connections/);
    expect(stdout).not.toMatch(/TASK \[probe : after\]/);
    expect(stdout).toMatch(/PLAY RECAP/);
  });
});
