// Issue 17.6: offline lb-config uses the vars the load balancers get (group_vars/loadbalancers.yml),
// one model with the haproxy role; the generated haproxy.cfg holds nothing run-dependent (the
// inventory folder's name); `--tags istio,verify` plans without an ordering error.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { playMain } from '../../../lib/cli/play.ts';
import { vaultedVar } from '../../support/vault-encrypt-for-test.ts';

const PROJECT = resolve(import.meta.dirname, '../../..');
const BASE = resolve(PROJECT, 'test/fixtures/bad-input/_base');
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

async function play(args: string[]): Promise<{ code: number; out: string }> {
  let out = '';
  const sink = { write: (s: string) => { out += s; } };
  const code = await playMain(args, { stdout: sink, stderr: sink, projectDir: PROJECT, cwd: PROJECT, env: {} });
  return { code, out };
}

function inventory(name: string, lbVars: string): { inv: string; out: string; pass: string } {
  const root = mkdtempSync(join(tmpdir(), 'capstan-one-model-'));
  dirs.push(root);
  const inv = join(root, name);
  cpSync(BASE, inv, { recursive: true });
  writeFileSync(join(root, 'pass'), 'one-model-pass\n');
  writeFileSync(join(inv, 'group_vars/loadbalancers.yml'), lbVars);
  writeFileSync(join(inv, 'group_vars/all/override.yml'), `lb_output_dir: ${join(root, 'out')}\n`);
  return { inv, out: join(root, 'out'), pass: join(root, 'pass') };
}

describe('lb-config reads the load balancers\' own vars', () => {
  it('stats vars in group_vars/loadbalancers.yml give the offline haproxy.cfg its stats section', async () => {
    const { inv, out, pass } = inventory('site-a', `lb_stats_enabled: true\nlb_stats_port: 9404\n${vaultedVar('lb_stats_password', 'one-model-stats-pass', 'one-model-pass')}`);
    const r = await play(['-i', inv, '--vault-password-file', pass, '--tags', 'lb-config']);
    expect(r.code, r.out).toBe(0);
    const cfg = readFileSync(join(out, 'haproxy.cfg'), 'utf8');
    expect(cfg).toContain('listen stats');
    expect(cfg).toMatch(/bind \S+:9404/);
  });

  it('a plain stats password there is refused as on the load balancer itself', async () => {
    const { inv, pass } = inventory('site-b', 'lb_stats_enabled: true\nlb_stats_password: plain-pass-in-lb-vars\n');
    const r = await play(['-i', inv, '--vault-password-file', pass, '--tags', 'lb-config']);
    expect(r.code, r.out).toBe(5);
    expect(r.out).toContain('lb_stats_password: is a secret but its value is plain text');
    expect(r.out).not.toContain('plain-pass-in-lb-vars');
  });

  it('the same inventory in two folders of different names gives the same haproxy.cfg bytes', async () => {
    const a = inventory('folder-one', 'lb_balance: leastconn\n');
    const b = inventory('folder-two', 'lb_balance: leastconn\n');
    for (const x of [a, b]) expect((await play(['-i', x.inv, '--tags', 'lb-config'])).code).toBe(0);
    const one = readFileSync(join(a.out, 'haproxy.cfg'), 'utf8');
    expect(one).not.toContain('folder-one');
    expect(readFileSync(join(b.out, 'haproxy.cfg'), 'utf8')).toBe(one);
  });
});

describe('--tags naming a task whose `after` task is not selected', () => {
  it.each([['istio,verify'], ['istio'], ['verify']])('--tags %s --plan: no ordering error', async (tags) => {
    const r = await play(['-i', 'production', '--tags', tags, '--plan']);
    expect(r.out).not.toContain('is no task that runs before it');
    expect(r.code, r.out).toBe(0);
  });
});
