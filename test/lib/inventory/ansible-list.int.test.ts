// --list and --host against the Ansibles users have: ansible-inventory of ansible-core 2.19 (the venv of .ci/setup-venv) and of Debian's 2.14, on every inventory fixture (folders of several files included).
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { formatAnsibleJson, loadInventory, readVaultKeyring } from '../../../lib/inventory/index.ts';
import { VENV_PYTHON } from '../../support/jinja-compat.ts';

const run = promisify(execFile);
const projectDir = join(import.meta.dirname, '../../..');
const fixtures = join(projectDir, 'test/fixtures/inventory');
const vaultArgs = ['--vault-password-file', join(fixtures, 'vault/vault-pass.txt'), '--vault-id', `prod@${join(fixtures, 'vault/prod-pass.txt')}`];
const FIXTURES: { name: string; args: string[] }[] = [
  { name: 'ini-basic', args: [] }, { name: 'yaml-basic', args: [] }, { name: 'priorities', args: [] }, { name: 'jinja', args: [] },
  { name: 'vault', args: vaultArgs }, { name: 'jinja-compat', args: [] }, { name: 'folder-many', args: [] },
];
const ANSIBLES: { name: string; bin: string; fix: string; env: Record<string, string> }[] = [
  { name: 'ansible-core 2.19 (venv)', bin: join(VENV_PYTHON, '..', 'ansible-inventory'), fix: 'run .ci/setup-venv', env: {} },
  // 2.14 skips *.ini in a folder (2.19 and capstan read it): given 2.19's ignore list, it reads the same files
  { name: "Debian's ansible-core 2.14", bin: '/usr/bin/ansible-inventory', fix: 'apt-get install ansible-core', env: { ANSIBLE_INVENTORY_IGNORE: '.pyc,.pyo,.swp,.bak,~,.rpm,.md,.txt,.rst,.orig,.cfg,.retry' } },
];

/** ansible-inventory --list; 2.19 adds `_meta.profile: inventory_legacy` (its output format's name), which capstan does not print. */
async function theirList(bin: string, env: Record<string, string>, fixture: string, args: string[]): Promise<{ _meta: { hostvars: Record<string, unknown>; profile?: string } }> {
  const { stdout } = await run(bin, ['-i', join(fixtures, fixture), '--list', ...args], { env: { ...process.env, ANSIBLE_NOCOLOR: '1', ...env }, timeout: 60_000 });
  const list = JSON.parse(stdout) as { _meta: { hostvars: Record<string, unknown>; profile?: string } };
  delete list._meta.profile;
  return list;
}

async function ours(fixture: string) {
  const vault = fixture === 'vault'
    ? await readVaultKeyring({ passwordFile: join(fixtures, 'vault/vault-pass.txt'), env: { ANSIBLE_VAULT_PASSWORD_FILE: `prod@${join(fixtures, 'vault/prod-pass.txt')}` }, cwd: projectDir })
    : undefined;
  return loadInventory(join(fixtures, fixture), { projectDir, ...(vault ? { vault } : {}) });
}

describe.each(ANSIBLES)('--list/--host equal $name', ({ bin, fix, env }) => {
  it.each(FIXTURES)('$name', async ({ name, args }) => {
    expect(existsSync(bin), `${bin} is missing: ${fix}`).toBe(true);
    const [theirs, inv] = await Promise.all([theirList(bin, env, name, args), ours(name)]);
    expect(JSON.parse(formatAnsibleJson(inv.toAnsibleList()))).toEqual(theirs);
    for (const host of inv.hosts) expect(JSON.parse(formatAnsibleJson(inv.toAnsibleHost(host))), host).toEqual(theirs._meta.hostvars[host] ?? {});
  }, 90_000);
});
