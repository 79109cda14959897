// Templates rendered once per group set (lib/inventory/shared-renders.ts), counted through a spy on renderValue: what every host of a group set would render alike is rendered once; a host's own vars, inventory_hostname, omit, random and -e still give each host its own value, and every host's values are what rendering each alone gives.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadInventory, resolveHost } from '../../../lib/inventory/index.ts';
import type { LoadedInventory } from '../../../lib/inventory/index.ts';
import { renderValue } from '../../../lib/inventory/jinja/render.ts';

vi.mock('../../../lib/inventory/jinja/render.ts', async (original) => {
  const m = await original<typeof import('../../../lib/inventory/jinja/render.ts')>();
  return { ...m, renderValue: vi.fn(m.renderValue) };
});

let tmp: string;
const load = async (name: string, files: Record<string, string>): Promise<LoadedInventory> => {
  const root = join(tmp, name);
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return loadInventory(root, { projectDir: tmp });
};
const hosts = (g: string, n: number) => [`[${g}]`, ...Array.from({ length: n }, (_, i) => `${g}${i} rack=r${i % 2}`)].join('\n');
/** renderValue calls whose value is this template text (one per var rendered). */
const renders = (text: string) => vi.mocked(renderValue).mock.calls.filter((c) => c[0] === text).length;

beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'capstan-shared-renders-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
beforeEach(() => vi.mocked(renderValue).mockClear());

const FILES = {
  hosts: `${hosts('web', 30)}\n${hosts('db', 20)}\n[all:vars]\nomitted=low\n`,
  'group_vars/all.yml': [
    'domain: example.org',
    'first: "{{ groups[\'db\'][0] }}"',
    'api_url: "https://{{ hostvars[first][\'ansible_host\'] | default(first) }}:{{ api_port | default(6443) }}"',
    'fqdn: "{{ inventory_hostname }}.{{ domain }}"',
    'rack_label: "{{ rack | upper }}"',
    'tier_text: "{{ tier }}-{{ group_names | join(\',\') }}"',
    'maybe: "{{ missing | default(\'none\') }}"',
    'pick: "{{ [1, 2, 3, 4, 5, 6, 7, 8, 9] | random }}"',
    'omitted: "{{ nothing | default(omit) }}"',
  ].join('\n'),
  'group_vars/web.yml': 'tier: front\n',
  'group_vars/db.yml': 'tier: back\n',
  'host_vars/web7.yml': 'domain: seven.example.org\nmissing: found\n',
  'host_vars/db3.yml': 'api_port: 7443\n',
};

describe('a template every host of a group set renders alike', () => {
  it('is rendered once per group set, and each host still reads its own value', async () => {
    const inv = await load('alike', FILES);
    for (const h of inv.hosts) resolveHost(inv, h).all();
    expect(renders('{{ groups[\'db\'][0] }}')).toBe(2); // web, db
    expect(renders('{{ tier }}-{{ group_names | join(\',\') }}')).toBe(2);
    // db3 sets api_port itself: one more
    expect(renders('https://{{ hostvars[first][\'ansible_host\'] | default(first) }}:{{ api_port | default(6443) }}')).toBe(3);
    // web7 sets missing (read through default()): one more
    expect(renders('{{ missing | default(\'none\') }}')).toBe(3);
    expect(resolveHost(inv, 'web0').get('api_url')).toBe('https://db0:6443');
    expect(resolveHost(inv, 'db3').get('api_url')).toBe('https://db0:7443');
    expect(resolveHost(inv, 'db4').get('api_url')).toBe('https://db0:6443');
    expect(resolveHost(inv, 'web7').get('maybe')).toBe('found');
    expect(resolveHost(inv, 'web8').get('maybe')).toBe('none');
    expect(resolveHost(inv, 'db1').get('tier_text')).toBe('back-db');
  });

  it('is rendered per host when it reads inventory_hostname, a var of the host\'s own, random or omit', async () => {
    const inv = await load('own', FILES);
    for (const h of inv.hosts) resolveHost(inv, h).all();
    expect(renders('{{ inventory_hostname }}.{{ domain }}')).toBe(50);
    expect(renders('{{ rack | upper }}')).toBe(50);
    expect(renders('{{ [1, 2, 3, 4, 5, 6, 7, 8, 9] | random }}')).toBe(50);
    expect(renders('{{ nothing | default(omit) }}')).toBe(50);
    expect(resolveHost(inv, 'web7').get('fqdn')).toBe('web7.seven.example.org');
    expect(resolveHost(inv, 'web6').get('fqdn')).toBe('web6.example.org');
    expect(resolveHost(inv, 'web3').get('rack_label')).toBe('R1');
    expect(resolveHost(inv, 'db2').get('omitted')).toBe('low');
  });

  it('is rendered per host for -e that a template reads, and gives frozen values', async () => {
    const inv = await load('extra', FILES);
    const options = { extraVars: [{ source: '-e', vars: { tier: 'cli' } }] };
    for (const h of inv.hosts) resolveHost(inv, h, options).all();
    expect(renders('{{ tier }}-{{ group_names | join(\',\') }}')).toBe(50);
    expect(resolveHost(inv, 'web2', options).get('tier_text')).toBe('cli-web');
    const list = await load('frozen', { hosts: hosts('web', 3), 'group_vars/web.yml': 'ports: "{{ [80, 443] + [8080] }}"\n' });
    const ports = resolveHost(list, 'web1').get('ports');
    expect(ports).toEqual([80, 443, 8080]);
    expect(resolveHost(list, 'web2').get('ports')).toBe(ports);
    expect(Object.isFrozen(ports)).toBe(true);
  });

  it('gives every host what rendering it alone gives (a fresh inventory per host)', async () => {
    const shared = await load('whole', FILES);
    for (const h of ['web0', 'web7', 'db3', 'db4']) {
      const alone = await loadInventory(join(tmp, 'whole'), { projectDir: tmp });
      const mine = resolveHost(alone, h).all();
      const theirs = resolveHost(shared, h).all();
      delete mine.pick;
      delete theirs.pick;
      expect(theirs, h).toEqual(mine);
    }
  });
});
