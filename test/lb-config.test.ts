/**
 * The lb-config role through the runner, on the shipped production inventory: it writes
 * haproxy.cfg, as3.json and f5-tmsh.txt and opens no connection of any kind.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openInventory } from '../lib/cli/inventory-source.ts';
import { playMain } from '../lib/cli/play.ts';
import { InputError } from '../lib/errors.ts';
import { generateLb } from '../lib/lb/generate.ts';
import { jsonReporter } from '../lib/report/json.ts';
import { runPlaybook } from '../lib/runner/index.ts';
import { lbVars } from '../lib/lb/vars.ts';
import type { VarDefs } from '../lib/vars/schema.ts';
import { haproxyDeployVars } from '../roles/haproxy/vars.ts';
import { lbInputFromInventory, PROJECT_DIR } from './fixtures/lb/inventory.ts';

const PLAYBOOK = join(PROJECT_DIR, 'test/fixtures/lb/lb-playbook.ts');
const F5 = { f5_virtual_address: '192.168.1.250' };

async function run(extra: Record<string, unknown>, mode: 'run' | 'plan' = 'run') {
  const io = { stdout: process.stdout, stderr: process.stderr, projectDir: PROJECT_DIR, cwd: PROJECT_DIR, env: process.env };
  const opened = await openInventory({ inventory: 'production', vaultPasswordFile: undefined }, io);
  let text = '';
  const connections: string[] = [];
  const outcome = await runPlaybook({
    projectDir: PROJECT_DIR, playbook: PLAYBOOK, source: opened.source, tags: ['lb-config'], mode,
    extraVars: [{ source: '-e', vars: extra }],
    reporter: jsonReporter({ write: (s: string) => { text += s; } }),
    openTransport: async (host) => { connections.push(host.name); throw new Error(`lb-config opened a connection to ${host.name}`); },
    openCluster: async () => { connections.push('cluster'); throw new Error('lb-config opened the cluster'); },
  });
  const events = text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  return { outcome, events, connections };
}

describe('lb-config role (offline)', () => {
  it('writes the three files, then reports ok without rewriting them, with no connection', async () => {
    const out = mkdtempSync(join(tmpdir(), 'capstan-lb-config-'));
    const first = await run({ ...F5, lb_output_dir: out });
    expect(first.outcome.exitCode).toBe(0);
    expect(first.connections).toEqual([]);
    const result = first.events.find((e) => e.type === 'task_result')!;
    expect(result).toMatchObject({ status: 'changed', host: 'k8s-node1', msg: expect.stringContaining('wrote haproxy.cfg, as3.json, f5-tmsh.txt') });
    expect(readdirSync(out).sort()).toEqual(['as3.json', 'f5-tmsh.txt', 'haproxy.cfg']);
    const { input, dir } = await lbInputFromInventory('production', { ...F5, lb_output_dir: out });
    for (const f of generateLb(input, dir).files) expect(readFileSync(join(out, f.name), 'utf8')).toBe(f.content);
    const mtime = statSync(join(out, 'haproxy.cfg')).mtimeMs;

    const second = await run({ ...F5, lb_output_dir: out });
    expect(second.events.find((e) => e.type === 'task_result')).toMatchObject({ status: 'ok', msg: expect.stringContaining('up to date') });
    expect(statSync(join(out, 'haproxy.cfg')).mtimeMs).toBe(mtime);
  });

  it('--plan shows the files and writes nothing', async () => {
    const out = join(mkdtempSync(join(tmpdir(), 'capstan-lb-plan-')), 'lb');
    const plan = await run({ ...F5, lb_output_dir: out }, 'plan');
    const entries = plan.events.filter((e) => e.type === 'plan').flatMap((e) => (e.roles as { tasks: { entries: { path?: string }[] }[] }[])
      .flatMap((r) => r.tasks.flatMap((t) => t.entries.map((x) => x.path))));
    expect(entries).toEqual([join(out, 'haproxy.cfg'), join(out, 'as3.json'), join(out, 'f5-tmsh.txt')]);
    expect(() => readdirSync(out)).toThrow(/ENOENT/);
    expect(plan.connections).toEqual([]);
  });

  it('bad vars are input errors naming each key before anything runs', async () => {
    const err = await run({ lb_https_mode: 'terminate', lb_stats_enabled: true, lb_balance: 'random' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems.map((p) => p.key).sort()).toEqual(['lb_balance']);
    const err2 = await run({ lb_https_mode: 'terminate', lb_stats_enabled: true }).catch((e: unknown) => e);
    expect((err2 as InputError).problems.map((p) => `${p.file} › ${p.key}`).sort()).toEqual(['-e › lb_stats_password', '-e › lb_tls_certificate'].sort());
  });
});

describe('stats password from vault', () => {
  const SECRET = 'Stats-S3cret-From-Vault';
  const inventory = join(PROJECT_DIR, 'test/fixtures/lb/vault');

  async function playText(...extra: string[]): Promise<{ code: number; text: string }> {
    let text = '';
    const sink = { write: (s: string) => { text += s; } };
    const io = { stdout: sink, stderr: sink, projectDir: PROJECT_DIR, cwd: PROJECT_DIR, env: process.env };
    const code = await playMain(['--inventory', inventory, '--playbook', PLAYBOOK, '--tags', 'lb-config',
      '--vault-password-file', join(inventory, 'vault-pass.txt'), ...extra], io);
    return { code, text };
  }

  it('is in the written haproxy.cfg (0600) and never in the output, the diff or the plan', async () => {
    const out = mkdtempSync(join(tmpdir(), 'capstan-lb-vault-'));
    const run = await playText('--diff', '-e', `lb_output_dir=${out}`);
    expect(run.code, run.text).toBe(0);
    expect(run.text).toContain('stats auth admin:********');
    const cfg = join(out, 'haproxy.cfg');
    expect(readFileSync(cfg, 'utf8')).toContain(`stats auth admin:${SECRET}`);
    expect(statSync(cfg).mode & 0o777).toBe(0o600);
    const plan = await playText('--plan', '-e', `lb_output_dir=${out}`);
    expect(plan.code, plan.text).toBe(0);
    expect(plan.text).toContain('stats auth admin:********');
    for (const text of [run.text, plan.text]) expect(text).not.toContain(SECRET);
  });
});

describe('docs/load-balancers.md', () => {
  it('lists every lb/haproxy/f5 var with its current default', () => {
    const doc = readFileSync(join(PROJECT_DIR, 'docs/load-balancers.md'), 'utf8');
    for (const [name, def] of Object.entries({ ...lbVars, ...haproxyDeployVars } as VarDefs)) {
      const shown = def.default === undefined ? (def.optional ? '(unset)' : 'required') : `\`${JSON.stringify(def.default)}\``;
      expect(doc, name).toContain(`| \`${name}\` | ${shown} | ${def.description}`);
    }
  });
});
