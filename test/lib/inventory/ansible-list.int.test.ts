// --list and --host against the Ansibles users have: ansible-inventory of ansible-core 2.19 (the venv of .ci/setup-venv: byte for byte) and of Debian's 2.14 (the same data but for its by-design differences), on every inventory fixture (folders of several files included).
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
const V219 = { name: 'ansible-core 2.19 (venv)', bin: join(VENV_PYTHON, '..', 'ansible-inventory'), fix: 'run .ci/setup-venv', env: {} };
// 2.14 skips *.ini in a folder (2.19 and capstan read it): given 2.19's ignore list, it reads the same files
const V214 = { name: "Debian's ansible-core 2.14", bin: '/usr/bin/ansible-inventory', fix: 'apt-get install ansible-core', env: { ANSIBLE_INVENTORY_IGNORE: '.pyc,.pyo,.swp,.bak,~,.rpm,.md,.txt,.rst,.orig,.cfg,.retry' } };
type List = { _meta: { hostvars: Record<string, Record<string, unknown>>; profile?: string } };

/** ansible-inventory --list: its stdout as printed. */
async function theirStdout(bin: string, env: Record<string, string>, fixture: string, args: string[]): Promise<string> {
  const { stdout } = await run(bin, ['-i', join(fixtures, fixture), '--list', ...args], { env: { ...process.env, ANSIBLE_NOCOLOR: '1', ...env }, timeout: 60_000 });
  return stdout;
}

async function ours(fixture: string) {
  const vault = fixture === 'vault'
    ? await readVaultKeyring({ passwordFile: join(fixtures, 'vault/vault-pass.txt'), env: { ANSIBLE_VAULT_PASSWORD_FILE: `prod@${join(fixtures, 'vault/prod-pass.txt')}` }, cwd: projectDir })
    : undefined;
  return loadInventory(join(fixtures, fixture), { projectDir, ...(vault ? { vault } : {}) });
}

describe(`--list/--host print what ${V219.name} prints, byte for byte`, () => {
  it.each([...FIXTURES, { name: 'reserved-names', args: [] }])('$name', async ({ name, args }) => {
    expect(existsSync(V219.bin), `${V219.bin} is missing: ${V219.fix}`).toBe(true);
    const [stdout, inv] = await Promise.all([theirStdout(V219.bin, V219.env, name, args), ours(name)]);
    expect(formatAnsibleJson(inv.toAnsibleList())).toBe(stdout.trimEnd());
    const theirs = JSON.parse(stdout) as List;
    for (const host of inv.hosts) expect(JSON.parse(formatAnsibleJson(inv.toAnsibleHost(host))), host).toEqual(theirs._meta.hostvars[host] ?? {});
  }, 90_000);
});

describe(`--list/--host give what ${V214.name} gives, but for its by-design differences`, () => {
  it.each(FIXTURES)('$name (2.14 prints no _meta.profile)', async ({ name, args }) => {
    expect(existsSync(V214.bin), `${V214.bin} is missing: ${V214.fix}`).toBe(true);
    const [stdout, inv] = await Promise.all([theirStdout(V214.bin, V214.env, name, args), ours(name)]);
    const list = JSON.parse(formatAnsibleJson(inv.toAnsibleList())) as List;
    expect(list._meta.profile).toBe('inventory_legacy');
    delete list._meta.profile;
    const theirs = JSON.parse(stdout) as List;
    expect(list).toEqual(theirs);
    for (const host of inv.hosts) expect(JSON.parse(formatAnsibleJson(inv.toAnsibleHost(host))), host).toEqual(theirs._meta.hostvars[host] ?? {});
  }, 90_000);

  it('2.14 keeps the names 2.19 sets itself (role_name, role_path) and drops omit, where capstan follows 2.19 (floats included)', async () => {
    const [stdout, inv] = await Promise.all([theirStdout(V214.bin, V214.env, 'reserved-names', []), ours('reserved-names')]);
    const theirs = (JSON.parse(stdout) as List)._meta.hostvars;
    const mine = (inv.toAnsibleList() as List)._meta.hostvars;
    expect(theirs.web1).toMatchObject({ role_label: 'kept-too', role_name: 'web', role_path: '/srv' });
    expect(theirs.web1).not.toHaveProperty('omit');
    expect(mine.web1).toMatchObject({ role_label: 'kept-too', omit: 'kept' });
    expect(mine.web1).not.toHaveProperty('role_name');
  }, 90_000);
});
