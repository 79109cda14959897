// The bad-input corpus (test/fixtures/bad-input/): every case, run by the real CLI in its own
// process under a 512 MB heap cap and a 60 s kill bound, ends with exit 5, a `file › key` message
// with its fix, no stack trace, no socket connect and no child process (the offline guard refuses
// and records both), and nothing written into the inventory. An int test: cases with `uid:` need
// root to switch user, and 60+ CLI processes take longer than the unit budget.
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { KILL_AFTER_MS, listing, loadCases, prepareCase, runCase } from '../../support/bad-input-corpus.ts';
import type { BadInputCase } from '../../support/bad-input-corpus.ts';

const cases = await loadCases();
const dirs: string[] = [];
afterAll(async () => { await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))); });

async function run(c: BadInputCase) {
  const dir = await prepareCase(c);
  dirs.push(dir);
  const before = await listing(join(dir, 'inv'));
  const r = await runCase(c, dir);
  return { ...r, before, after: await listing(join(dir, 'inv')) };
}

describe('the corpus itself', () => {
  it('holds at least 60 cases', () => {
    expect(cases.length).toBeGreaterThanOrEqual(60);
  });

  it('its base inventory is valid: --plan of it exits 0 and connects nowhere', async () => {
    const r = await run({ name: '_base', about: 'base', args: ['--plan'], base: true, inventory: '.', special: [], expect: { where: '', fix: '' } });
    expect(r.output).not.toContain('ERROR!');
    expect(r.code).toBe(0);
    expect(r.guard).toEqual({ connects: [], spawns: [] });
  });

  it('the guard sees a connect: a real run of the base inventory is refused its first SSH connect', async () => {
    const r = await run({ name: '_base', about: 'base', args: ['--limit', 'k8s-node1', '-e', 'ansible_password=guard-probe'], base: true, inventory: '.', special: [], expect: { where: '', fix: '' } });
    expect(r.guard?.connects.length).toBeGreaterThan(0);
    expect(r.code).not.toBe(0);
  });
});

describe('every bad input is refused offline with exit 5 and file › key: the fix', () => {
  it.concurrent.each(cases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const r = await run(c);
    expect(c.expect.where, 'expect.where names file › key').toContain(' › ');
    const summary = `${c.about}\n--- output ---\n${r.output}`;
    expect(r.signal, `killed after ${KILL_AFTER_MS / 1000}s or by the memory cap: ${summary}`).toBeNull();
    expect(r.code, summary).toBe(5);
    expect(r.output, summary).toContain(c.expect.where);
    expect(r.output, summary).toContain(c.expect.fix);
    expect(r.output, summary).not.toMatch(/^\s+at .+:\d+:\d+\)?$/m);
    expect(r.guard, summary).toEqual({ connects: [], spawns: [] });
    expect(r.after).toEqual(r.before);
  }, KILL_AFTER_MS + 10_000);
});
