/**
 * Our --list / --host output against the real thing: Debian's `ansible-inventory` (ansible-core)
 * run on the same fixture folders. All fixtures run concurrently (about 1 s each).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatAnsibleJson, loadInventory, readVaultKeyring } from '../lib/inventory/index.ts';

const run = promisify(execFile);
const projectDir = join(import.meta.dirname, '..');
const fixtures = join(projectDir, 'test/fixtures/inventory');
const vaultArgs = ['--vault-password-file', join(fixtures, 'vault/vault-pass.txt'), '--vault-id', `prod@${join(fixtures, 'vault/prod-pass.txt')}`];

// --host H prints exactly _meta.hostvars[H] of --list, so one --list run per fixture covers both.
const CASES: { name: string; args: string[] }[] = [
  { name: 'ini-basic', args: [] },
  { name: 'yaml-basic', args: [] },
  { name: 'priorities', args: [] },
  { name: 'jinja', args: [] },
  { name: 'vault', args: vaultArgs },
];

const ansible = new Map<number, unknown>();

beforeAll(async () => {
  await Promise.all(CASES.map(async (c, i) => {
    const { stdout } = await run('ansible-inventory', ['-i', join(fixtures, c.name), '--list', ...c.args], { env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
    ansible.set(i, JSON.parse(stdout));
  }));
}, 30_000);

describe('toAnsibleList / toAnsibleHost equal ansible-inventory', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_label, c, i) => {
    const vault = c.name === 'vault'
      ? await readVaultKeyring({ passwordFile: join(fixtures, 'vault/vault-pass.txt'), env: { ANSIBLE_VAULT_PASSWORD_FILE: `prod@${join(fixtures, 'vault/prod-pass.txt')}` }, cwd: projectDir })
      : undefined;
    const inv = await loadInventory(join(fixtures, c.name), { projectDir, ...(vault ? { vault } : {}) });
    const theirs = ansible.get(i) as { _meta: { hostvars: Record<string, unknown> } };
    // compare what a user would diff: our printed JSON, parsed back
    expect(JSON.parse(formatAnsibleJson(inv.toAnsibleList()))).toEqual(theirs);
    for (const host of inv.hosts) {
      expect(JSON.parse(formatAnsibleJson(inv.toAnsibleHost(host))), host).toEqual(theirs._meta.hostvars[host] ?? {});
    }
  });
});
