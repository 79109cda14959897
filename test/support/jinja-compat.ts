/**
 * The Jinja compatibility table: every `cNN` expression of test/fixtures/inventory/jinja-compat
 * (taken from real inventories) rendered for server1 by capstan and by ansible-core's own
 * Templar (test/support/ansible-render.py), compared value by value: equal JSON values (so a
 * string "16" is not the number 16), or both refusing. Used by
 * test/lib/inventory/jinja-compat.int.test.ts; run it directly to print the table:
 *
 *   npx node test/support/jinja-compat.ts [python...]
 *
 * (default: the venv's python from .ci/setup-venv, then Debian's /usr/bin/python3).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInventory, resolveHost } from '../../lib/inventory/index.ts';

export const FIXTURE = join(import.meta.dirname, '../fixtures/inventory/jinja-compat');
export const HOST = 'server1';
export const VENV_PYTHON = join(process.env.CAPSTAN_CACHE ?? '/var/cache/capstan', 'venv/bin/python');
export const DEBIAN_PYTHON = '/usr/bin/python3';
/** The environment both sides render in (lookup('env') cases); a fixed hash seed keeps 2.19's set-based filters in one order. */
export const COMPAT_ENV = { CAPSTAN_COMPAT_ENV: 'from-env', PYTHONHASHSEED: '0' };

export type Outcome = { value: unknown } | { error: string };

/** The expressions of the table, name → template text, in file order. */
export function expressions(): Map<string, string> {
  const text = readFileSync(join(FIXTURE, 'group_vars/k3s_cluster.yml'), 'utf8');
  const out = new Map<string, string>();
  for (const m of text.matchAll(/^(c\d+): "(.*)"$/gm)) out.set(m[1]!, m[2]!);
  return out;
}

export function ansibleOutcomes(python: string, names: readonly string[]): { version: string; results: Record<string, Outcome> } {
  const stdout = execFileSync(python, [join(import.meta.dirname, 'ansible-render.py'), join(FIXTURE, 'hosts'), HOST, ...names], {
    env: { ...process.env, ...COMPAT_ENV, ANSIBLE_LOCAL_TEMP: '/tmp/capstan-compat-ansible', ANSIBLE_NOCOLOR: '1' },
    encoding: 'utf8',
    cwd: FIXTURE,
    timeout: 120_000,
  });
  return JSON.parse(stdout) as { version: string; results: Record<string, Outcome> };
}

export async function capstanOutcomes(names: readonly string[]): Promise<Record<string, Outcome>> {
  Object.assign(process.env, COMPAT_ENV);
  delete process.env.CAPSTAN_COMPAT_UNSET;
  const inv = await loadInventory(FIXTURE, { projectDir: FIXTURE });
  const vars = resolveHost(inv, HOST, { play: { playbookDir: FIXTURE } });
  const out: Record<string, Outcome> = {};
  for (const name of names) {
    try {
      out[name] = { value: JSON.parse(JSON.stringify(vars.get(name))) };
    } catch (e) {
      out[name] = { error: (e as Error).message.split('\n').slice(-1)[0]!.trim() };
    }
  }
  return out;
}

/** Same value (as JSON), or both an error. */
export function same(a: Outcome, b: Outcome): boolean {
  if ('error' in a || 'error' in b) return 'error' in a && 'error' in b;
  return JSON.stringify(a.value) === JSON.stringify(b.value);
}

export interface Row {
  name: string;
  expression: string;
  capstan: Outcome;
  ansible: Outcome;
  match: boolean;
}

export async function compareWith(python: string): Promise<{ version: string; rows: Row[] }> {
  const exprs = expressions();
  const names = [...exprs.keys()];
  const ansible = ansibleOutcomes(python, names);
  const capstan = await capstanOutcomes(names);
  const rows = names.map((name) => ({
    name, expression: exprs.get(name)!, capstan: capstan[name]!, ansible: ansible.results[name]!, match: same(capstan[name]!, ansible.results[name]!),
  }));
  return { version: ansible.version, rows };
}

const shown = (o: Outcome): string => ('error' in o ? `error: ${o.error}` : JSON.stringify(o.value)).slice(0, 90);

if (import.meta.main) {
  const pythons = process.argv.slice(2).length ? process.argv.slice(2) : [VENV_PYTHON, DEBIAN_PYTHON];
  for (const python of pythons) {
    const { version, rows } = await compareWith(python);
    const matched = rows.filter((r) => r.match).length;
    console.log(`ansible-core ${version} (${python}): ${matched} of ${rows.length} match`);
    for (const r of rows.filter((x) => !x.match)) console.log(`  ${r.name} ${r.expression}\n      capstan: ${shown(r.capstan)}\n      ansible: ${shown(r.ansible)}`);
  }
}
