// inventory --resolved per var and per host: a var that cannot be rendered is an error entry, every other var and host still prints, exit 5.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inventoryMain } from '../../../lib/cli/inventory.ts';

const projectDir = resolve(import.meta.dirname, '../../..');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'capstan-resolved-'));
  await mkdir(join(dir, 'group_vars'));
  await writeFile(join(dir, 'hosts'), '[k]\nk1 ansible_host=10.0.0.1\nk2 ansible_host=10.0.0.2\n');
  await writeFile(join(dir, 'group_vars/all.yml'), 'good: "{{ ansible_host }}"\nbad: "{{ nowhere }}"\nfact: "{{ ansible_hostname }}"\n');
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function inventory(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => { stdout += s; } }, stderr: { write: (s: string) => { stderr += s; } }, projectDir, cwd: projectDir, env: {} };
  return { code: await inventoryMain(['-i', dir, ...argv], io), stdout, stderr };
}

describe('inventory --resolved', () => {
  it('--list prints every host and every var it can, with an error entry per bad var, and exits 5 naming each', async () => {
    const r = await inventory('--list', '--resolved');
    expect(r.code).toBe(5);
    const hostvars = (JSON.parse(r.stdout) as { _meta: { hostvars: Record<string, Record<string, unknown>> } })._meta.hostvars;
    expect(hostvars.k1!.good).toBe('10.0.0.1');
    expect(hostvars.k2!.good).toBe('10.0.0.2');
    expect(hostvars.k1!.bad).toEqual({ __capstan_error: expect.stringContaining("group_vars/all.yml › bad (host k1): 'nowhere' is undefined") });
    expect(hostvars.k2!.fact).toEqual({ __capstan_error: expect.stringContaining('capstan gathers no facts') });
    expect(r.stderr).toContain('some vars could not be resolved (shown as __capstan_error entries): 2 problems'); // the same group var on two hosts is reported once
  });

  it('--host prints that host the same way', async () => {
    const r = await inventory('--host', 'k2', '--resolved');
    expect(r.code).toBe(5);
    const vars = JSON.parse(r.stdout) as Record<string, unknown>;
    expect(vars.good).toBe('10.0.0.2');
    expect(vars.bad).toEqual({ __capstan_error: expect.stringContaining("'nowhere' is undefined") });
  });
});
