/**
 * Our --list / --host output against the real thing: Debian's `ansible-inventory` (ansible-core)
 * run on the same fixture folders, and our Jinja rendering against `ansible -m debug` (the debug
 * action runs on the controller: nothing connects). All runs go concurrently (1-2 s each).
 */
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { formatAnsibleJson, loadInventory, readVaultKeyring, resolveHost } from '../lib/inventory/index.ts';

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
/** Ansible's own rendering of every var of the jinja fixture's group_vars/all.yml, per host. */
let rendered: Record<string, Record<string, unknown>> = {};
const jinjaDir = join(fixtures, 'jinja');

async function ansibleRender(): Promise<Record<string, Record<string, unknown>>> {
  const inv = await loadInventory(jinjaDir, { projectDir });
  const keys = Object.keys(inv.layersOf(inv.hosts[0]!).find((l) => l.source.endsWith('group_vars/all.yml'))!.vars);
  const msg = `msg={{ {${keys.map((k) => `"${k}": ${k}`).join(', ')}} }}`;
  const env = { ...process.env, ANSIBLE_STDOUT_CALLBACK: 'json', ANSIBLE_LOAD_CALLBACK_PLUGINS: '1', ANSIBLE_NOCOLOR: '1' };
  const { stdout } = await run('ansible', ['all', '-i', jinjaDir, '-m', 'debug', '-a', msg], { env });
  const hosts = (JSON.parse(stdout) as { plays: { tasks: { hosts: Record<string, { msg: Record<string, unknown> }> }[] }[] }).plays[0]!.tasks[0]!.hosts;
  return Object.fromEntries(Object.entries(hosts).map(([h, r]) => [h, r.msg]));
}

beforeAll(async () => {
  await Promise.all([
    ...CASES.map(async (c, i) => {
      const { stdout } = await run('ansible-inventory', ['-i', join(fixtures, c.name), '--list', ...c.args], { env: { ...process.env, ANSIBLE_NOCOLOR: '1' } });
      ansible.set(i, JSON.parse(stdout));
    }),
    ansibleRender().then((r) => {
      rendered = r;
    }),
  ]);
}, 35_000);

describe('toAnsibleList / toAnsibleHost equal ansible-inventory', () => {
  it.each(CASES.map((c, i) => [c.name, c, i] as const))('%s', async (_label, c, i) => {
    const vault = c.name === 'vault'
      ? await readVaultKeyring({ passwordFile: join(fixtures, 'vault/vault-pass.txt'), env: { ANSIBLE_VAULT_PASSWORD_FILE: `prod@${join(fixtures, 'vault/prod-pass.txt')}` }, cwd: projectDir })
      : undefined;
    const inv = await loadInventory(join(fixtures, c.name), { projectDir, ...(vault ? { vault } : {}) });
    const theirs = ansible.get(i) as { _meta: { hostvars: Record<string, unknown> } };
    // compare what a user would diff: our printed JSON, parsed back (without the `_meta.profile`
    // of 2.19's format: Debian's 2.14 prints none)
    const list = JSON.parse(formatAnsibleJson(inv.toAnsibleList())) as { _meta: { profile?: string } };
    delete list._meta.profile;
    expect(list).toEqual(theirs);
    for (const host of inv.hosts) {
      expect(JSON.parse(formatAnsibleJson(inv.toAnsibleHost(host))), host).toEqual(theirs._meta.hostvars[host] ?? {});
    }
  });
});

describe('Jinja rendering equals Ansible\'s own (ansible -m debug, no connection)', () => {
  it('renders every var of the jinja fixture for every host as Ansible does', async () => {
    const inv = await loadInventory(jinjaDir, { projectDir });
    expect(Object.keys(rendered).sort()).toEqual([...inv.hosts].sort());
    for (const [host, theirs] of Object.entries(rendered)) {
      const vars = resolveHost(inv, host);
      for (const [key, value] of Object.entries(theirs)) {
        const ours = vars.get(key);
        // documented difference: a lone {{ expr }} keeps its native number type here; Ansible's
        // default (non-native) Jinja turns numbers into text
        const comparable = typeof ours === 'number' && typeof value === 'string' ? String(ours) : ours;
        expect(comparable, `${host} › ${key}`).toEqual(value);
      }
    }
  });
});
