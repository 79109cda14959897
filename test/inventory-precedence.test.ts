/**
 * Variable precedence, one case per rule of Ansible's documentation:
 *  - "Understanding variable precedence" (playbooks_variables): from least to greatest —
 *    role defaults; inventory file or script group vars; inventory group_vars/all; inventory
 *    group_vars/*; inventory file or script host vars; inventory host_vars/*; ...; extra vars
 *    (always win precedence).
 *  - "How variables are merged" (intro_inventory): "all group (because it is the 'parent' of all
 *    other groups); parent group; child group; host". "When groups of the same parent/child level
 *    are merged, it is done alphabetically, and the last group loaded overwrites the previous
 *    groups." ansible_group_priority changes that order for groups of the same level: "the larger
 *    the number, the later it is merged, giving it higher priority"; it can only be set in the
 *    inventory source, not in group_vars/.
 *  - DEFAULT_HASH_BEHAVIOUR=replace: "a dictionary ... set at a higher precedence replaces the
 *    whole dictionary", no deep merge.
 */
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadInventory, resolveHost, type VarLayer } from '../lib/inventory/index.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'capstan-precedence-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

const roleDefaults: VarLayer[] = [{ source: 'role defaults (istio)', vars: { v: 'role-default', only_default: 1 } }];
const extraVars: VarLayer[] = [{ source: '-e', vars: { v: 'extra' } }];

interface Case {
  rule: string;
  files: Record<string, string>;
  /** Pass role defaults / -e layers. */
  withDefaults?: boolean;
  withExtra?: boolean;
  host?: string;
  value: unknown;
  source: string;
}

const INI = '[parent:children]\nchild\n[child]\nh1\n[sibling_a]\nh1\n[sibling_b]\nh1\n';

const CASES: Case[] = [
  { rule: 'role defaults are the lowest: an inventory group var wins', withDefaults: true,
    files: { hosts: `${INI}[all:vars]\nv=inventory-all\n` }, value: 'inventory-all', source: 'hosts' },
  { rule: 'role defaults apply when nothing else sets the var', withDefaults: true,
    files: { hosts: INI }, value: 'role-default', source: 'role defaults (istio)' },
  { rule: 'inventory group_vars/all beats group vars written in the inventory file, even for a child group',
    files: { hosts: `${INI}[child:vars]\nv=inventory-child\n`, 'group_vars/all.yml': 'v: group_vars-all\n' }, value: 'group_vars-all', source: 'group_vars/all.yml' },
  { rule: 'inventory group_vars/* beats group_vars/all',
    files: { hosts: INI, 'group_vars/all.yml': 'v: all\n', 'group_vars/parent.yml': 'v: parent\n' }, value: 'parent', source: 'group_vars/parent.yml' },
  { rule: 'inventory file host vars beat group_vars/*',
    files: { hosts: INI.replace('[child]\nh1', '[child]\nh1 v=inline-host'), 'group_vars/child.yml': 'v: child\n' }, value: 'inline-host', source: 'hosts' },
  { rule: 'inventory host_vars/* beat host vars written in the inventory file',
    files: { hosts: INI.replace('[child]\nh1', '[child]\nh1 v=inline-host'), 'host_vars/h1.yml': 'v: host_vars\n' }, value: 'host_vars', source: 'host_vars/h1.yml' },
  { rule: 'extra vars always win', withDefaults: true, withExtra: true,
    files: { hosts: INI, 'host_vars/h1.yml': 'v: host_vars\n' }, value: 'extra', source: '-e' },
  { rule: 'merge order all → parent → child: the child group wins over its parent (inventory file)',
    files: { hosts: `${INI}[parent:vars]\nv=parent\n[child:vars]\nv=child\n[all:vars]\nv=all\n` }, value: 'child', source: 'hosts' },
  { rule: 'merge order all → parent → child: the child group wins over its parent (group_vars files)',
    files: { hosts: INI, 'group_vars/child.yml': 'v: child\n', 'group_vars/parent.yml': 'v: parent\n' }, value: 'child', source: 'group_vars/child.yml' },
  { rule: 'groups of the same level merge alphabetically: the last name wins',
    files: { hosts: INI, 'group_vars/sibling_a.yml': 'v: a\n', 'group_vars/sibling_b.yml': 'v: b\n' }, value: 'b', source: 'group_vars/sibling_b.yml' },
  { rule: 'ansible_group_priority: the larger number merges later and wins over name order',
    files: { hosts: `${INI}[sibling_a:vars]\nansible_group_priority=10\n`, 'group_vars/sibling_a.yml': 'v: a\n', 'group_vars/sibling_b.yml': 'v: b\n' }, value: 'a', source: 'group_vars/sibling_a.yml' },
  { rule: 'ansible_group_priority does not lift a parent above its child (depth first)',
    files: { hosts: `${INI}[parent:vars]\nansible_group_priority=99\n`, 'group_vars/parent.yml': 'v: parent\n', 'group_vars/child.yml': 'v: child\n' }, value: 'child', source: 'group_vars/child.yml' },
  { rule: 'ansible_group_priority in group_vars/ has no effect on merge order (inventory source only)',
    files: { hosts: INI, 'group_vars/sibling_a.yml': 'v: a\nansible_group_priority: 10\n', 'group_vars/sibling_b.yml': 'v: b\n' }, value: 'b', source: 'group_vars/sibling_b.yml' },
  { rule: 'files of a group_vars folder load in sorted order: the last file wins',
    files: { hosts: INI, 'group_vars/child/b.yml': 'v: b\n', 'group_vars/child/a.yml': 'v: a\n' }, value: 'b', source: 'group_vars/child/b.yml' },
  { rule: 'hash_behaviour=replace: a map at higher precedence replaces the whole map',
    files: { hosts: INI, 'group_vars/all.yml': 'v: {a: 1, b: 2}\n', 'group_vars/child.yml': 'v: {b: 3}\n' }, value: { b: 3 }, source: 'group_vars/child.yml' },
  { rule: 'a host in several groups: YAML inventory group vars follow the same order',
    files: { 'hosts.yml': 'all:\n  vars: {v: all}\n  children:\n    zeta: {hosts: {h1: }, vars: {v: zeta}}\n    alpha: {hosts: {h1: }, vars: {v: alpha}}\n' },
    value: 'zeta', source: 'hosts.yml' },
];

describe('variable precedence (Ansible documentation, rule by rule)', () => {
  it.each(CASES.map((c, i) => [c.rule, c, i] as const))('%s', async (_rule, c, i) => {
    const root = join(tmp, `case${i}`);
    for (const [path, content] of Object.entries(c.files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), content);
    }
    const inv = await loadInventory(root, { projectDir: root });
    const vars = resolveHost(inv, c.host ?? 'h1', {
      ...(c.withDefaults ? { roleDefaults } : {}),
      ...(c.withExtra ? { extraVars } : {}),
    });
    expect(vars.get('v')).toEqual(c.value);
    expect(vars.sourceOf('v')).toBe(c.source);
  });

  it('layersOf lists the inventory layers lowest first, with their sources', async () => {
    const root = join(tmp, 'layers');
    const files: Record<string, string> = {
      hosts: `${INI.replace('[child]\nh1', '[child]\nh1 x=1')}[parent:vars]\nx=0\n[all:vars]\nx=-1\n`,
      'group_vars/all.yml': 'x: 2\n', 'group_vars/parent.yml': 'x: 3\n', 'group_vars/child/main.yml': 'x: 4\n', 'host_vars/h1.yml': 'x: 5\n',
    };
    for (const [path, content] of Object.entries(files)) {
      await mkdir(dirname(join(root, path)), { recursive: true });
      await writeFile(join(root, path), content);
    }
    const inv = await loadInventory(root, { projectDir: root });
    expect(inv.layersOf('h1').map((l) => [l.source, l.vars.x])).toEqual([
      ['hosts', -1], ['hosts', 0], ['group_vars/all.yml', 2], ['group_vars/parent.yml', 3], ['group_vars/child/main.yml', 4], ['hosts', 1], ['host_vars/h1.yml', 5],
    ]);
  });
});
