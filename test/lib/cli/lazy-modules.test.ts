// What a run loads before it needs it: listing the site's tasks (everything a run loads before its
// first task: CLI, inventory, playbook, every role, vars, objects rendered and validated) loads no
// Kubernetes client, SSH, diff, inflate or schema-building module; those load when a task uses them.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const PROJECT = resolve(import.meta.dirname, '../../..');
const NODE = join(PROJECT, 'node_modules', '.bin', 'node');
const dir = mkdtempSync(join(tmpdir(), 'capstan-lazy-modules-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function modulesLoadedBy(args: string[]): string[] {
  const log = join(dir, 'modules.txt');
  const r = spawnSync(NODE, ['--import', join(PROJECT, 'test/support/module-log.mjs'), join(PROJECT, 'lib/cli/play.ts'), ...args], {
    cwd: PROJECT, encoding: 'utf8', timeout: 60_000, env: { ...process.env, MODULE_LOG: log },
  });
  expect(r.status, r.stderr).toBe(0);
  return readFileSync(log, 'utf8').trim().split('\n');
}

describe('modules a run loads only when a task needs them', () => {
  it('listing every task of the site (offline) loads none of them', () => {
    // --list-tasks builds every task (vars validated, objects rendered) and connects nowhere
    const loaded = modulesLoadedBy(['--inventory', 'inventory/production', '--list-tasks']);
    expect(loaded.some((u) => u.endsWith('/roles/istio/index.ts'))).toBe(true); // it did load the roles
    expect(loaded.some((u) => u.includes('/node_modules/handlebars/'))).toBe(true); // and rendered objects
    const lazy: Record<string, RegExp> = {
      'the Kubernetes client (lib/cluster opens it)': /\/node_modules\/@kubernetes\/client-node\/|\/node_modules\/undici\//,
      'SSH (lib/transport connects)': /\/node_modules\/ssh2\//,
      'jsdiff (lib/diff.ts, on the first change)': /\/node_modules\/diff\//,
      'fflate (the schema bundle writer only)': /\/node_modules\/fflate\//,
      'the --json event schema (docs and tests)': /\/lib\/report\/event-schema\.ts$/,
    };
    const early = Object.entries(lazy).filter(([, re]) => loaded.some((u) => re.test(u))).map(([what]) => what);
    expect(early).toEqual([]);
  });
});
