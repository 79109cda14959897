// `--profile` (lib/report/profile.ts): items counted with their time (also when they throw), phases in order, helm processes counted where they start, and `play --plan --profile` printing the table on stderr.
import { describe, expect, it } from 'vitest';
import { profile } from '../../../lib/report/profile.ts';
import { localHelm } from '../../../lib/helm/exec.ts';
import { playMain } from '../../../lib/cli/play.ts';
import { PROJECT_DIR } from '../../../lib/cli/args.ts';

describe('profile', () => {
  it('counts items and sums their time, also for one that throws', async () => {
    profile.reset();
    await profile.time('api read', () => new Promise((r) => setTimeout(r, 20)));
    await expect(profile.time('api read', () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    profile.add('api watch', 0);
    const s = profile.snapshot();
    expect(s.items['api read']!.count).toBe(2);
    expect(s.items['api read']!.ms).toBeGreaterThanOrEqual(15);
    expect(s.items['api watch']).toEqual({ count: 1, ms: 0 });
    expect(s.items['helm process']).toBeUndefined();
  });

  it('keeps phases in the order they ended and prints every item, counted or not', () => {
    profile.reset();
    const t = performance.now();
    profile.phase('first', t);
    profile.phase('second', t);
    expect(Object.keys(profile.snapshot().phases)).toEqual(['first', 'second']);
    const text = profile.text();
    expect(text).toMatch(/^PROFILE /);
    expect(text).toMatch(/phase first .*\n.*phase second/);
    expect(text).toMatch(/^helm process\s+0 ×/m);
    expect(text).toMatch(/^ssh connect\s+0 ×/m);
  });

  it('counts each helm process the controller starts', async () => {
    profile.reset();
    const helm = localHelm('/bin/true', '/dev/null');
    await helm.run(['version']);
    await helm.run(['list']);
    expect(profile.snapshot().items['helm process']!.count).toBe(2);
  });

  it('play --plan --profile prints the table on stderr: Node start and inventory phases, no helm process, no connect', async () => {
    let out = '';
    let err = '';
    const io = {
      stdout: { write: (s: string) => { out += s; return true; } },
      stderr: { write: (s: string) => { err += s; return true; } },
      projectDir: PROJECT_DIR, cwd: PROJECT_DIR, env: process.env,
    };
    const code = await playMain(['--inventory', 'sample', '--tags', 'lb-config', '--plan', '--profile'], io);
    expect(code, err).toBe(0);
    expect(out).toContain('lb-config');
    expect(err).toMatch(/phase Node start \+ module load\s+\d+\.\d{3} s/);
    expect(err).toMatch(/phase inventory \(load, resolve, vault\)\s+\d+\.\d{3} s/);
    expect(err).toMatch(/^helm process\s+0 ×/m);
    expect(err).toMatch(/^ssh connect\s+0 ×/m);
  });

  it('prints nothing without --profile', async () => {
    let err = '';
    const io = {
      stdout: { write: () => true }, stderr: { write: (s: string) => { err += s; return true; } },
      projectDir: PROJECT_DIR, cwd: PROJECT_DIR, env: process.env,
    };
    expect(await playMain(['--inventory', 'sample', '--tags', 'lb-config', '--plan'], io)).toBe(0);
    expect(err).not.toContain('PROFILE');
  });
});
