// Inventory loading (INI/YAML, group_vars, precedence, Jinja), compared with ansible-inventory (needs Ansible).
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryError } from '../lib/errors.ts';
import { formatAnsibleJson, loadInventory, parseExtraVars, resolveHost } from '../lib/inventory/index.ts';
import { expandHostPattern } from '../lib/inventory/host-pattern.ts';
import { pythonValue, shlexSplit } from '../lib/inventory/python-literal.ts';
import { writeFiles } from './support/inventory-files.ts';

const projectDir = join(import.meta.dirname, '..');
const fixture = (name: string) => `test/fixtures/inventory/${name}`;

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'capstan-inventory-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** Writes files (path → content) into a fresh folder under tmp; returns the folder. */
const tree = (name: string, files: Record<string, string>): Promise<string> => writeFiles(join(tmp, name), files);

async function problemsOf(p: Promise<unknown>): Promise<string[]> {
  const err = await p.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(InventoryError);
  return (err as InventoryError).problems.map((x) => `${x.file} › ${x.key}: ${x.message}`);
}

describe('host patterns', () => {
  it.each([
    ['k8s-node[1:3]', ['k8s-node1', 'k8s-node2', 'k8s-node3'], undefined],
    ['db[01:03]', ['db01', 'db02', 'db03'], undefined],
    ['web[a:c]', ['weba', 'webb', 'webc'], undefined],
    ['n[0:6:3]', ['n0', 'n3', 'n6'], undefined],
    ['r[1:2]-[a:b]', ['r1-a', 'r1-b', 'r2-a', 'r2-b'], undefined],
    ['host.example.com:2222', ['host.example.com'], 2222],
    ['lb[1:2]:8022', ['lb1', 'lb2'], 8022],
    ['[2001:db8::1]:22', ['2001:db8::1'], 22],
  ])('%s', (pattern, hosts, port) => {
    expect(expandHostPattern(pattern)).toEqual({ hosts, port });
  });

  it('rejects unequal zero-padded bounds', () => {
    expect(() => expandHostPattern('db[01:100]')).toThrow(/equal-length/);
  });
});

describe('INI values as Ansible reads them (shlex + literal_eval)', () => {
  it.each([
    ['5', 5], ['-3', -3], ['1.5', 1.5], ['0x10', 16], ['True', true], ['None', null], ['yes', 'yes'], ['true', 'true'],
    ["'quoted'", 'quoted'], ['[1, "two"]', [1, 'two']], ["{'a': (1, 2)}", { a: [1, 2] }], ['010', '010'],
    ['192.168.1.10', '192.168.1.10'], ['a b c', 'a b c'], ['5 # comment', 5], ['"a" "b"', 'ab'], ['1_000', 1000],
    ['0', 0], ['00', 0], ['1.2.', '1.2.'], ['10.0.0', '10.0.0'], ['1.5e3', 1500], ['6443', 6443],
  ])('literal_eval(%s)', (text, value) => {
    expect(pythonValue(text)).toEqual(value);
  });

  it('splits host lines as shlex does', () => {
    expect(shlexSplit(`h a=1 b="x y" c='q' d=a\\ b # gone`)).toEqual(['h', 'a=1', 'b=x y', 'c=q', 'd=a b']);
    expect(shlexSplit(' h  a=1\tb=10.0.0.1 ')).toEqual(['h', 'a=1', 'b=10.0.0.1']);
  });
});

describe('loadInventory', () => {
  it('reads an INI inventory: groups, children, ranges, ungrouped, group_vars folders in sorted order', async () => {
    const inv = await loadInventory(fixture('ini-basic'), { projectDir });
    expect(inv.hostsFile).toMatch(/ini-basic\/hosts$/);
    expect(inv.groups.server).toEqual(['k8s-node1', 'k8s-node2', 'k8s-node3']);
    expect(inv.groups.k3s_cluster).toEqual(['k8s-node1', 'k8s-node2', 'k8s-node3', 'worker01', 'worker02', 'worker03', 'edge-a', 'edge-b', 'edge-c']);
    expect(inv.groups.ungrouped).toEqual(['bastion']);
    expect(inv.groups.empty).toEqual([]);
    expect(inv.hosts[0]).toBe('bastion');
    expect(inv.groupsOf('k8s-node1')).toEqual(['all', 'k3s_cluster', 'server']);
    const node1 = resolveHost(inv, 'k8s-node1');
    // group_vars/server.yml beats group_vars/k3s_cluster/ (child after parent); 20-override after 10-base
    expect(node1.get('cluster_name')).toBe('servers-only');
    expect(node1.sourceOf('cluster_name')).toBe('test/fixtures/inventory/ini-basic/group_vars/server.yml');
    expect(resolveHost(inv, 'worker01').get('cluster_name')).toBe('production');
    // host_vars file without extension beats the inline host var
    expect(node1.get('ansible_user')).toBe('root');
    expect(resolveHost(inv, 'k8s-node2').get('ansible_user')).toBe('ubuntu');
    expect(resolveHost(inv, 'k8s-node3').get('ansible_port')).toBe(2201);
    expect(resolveHost(inv, 'worker01').has('ignored')).toBe(false);
    expect(resolveHost(inv, 'worker01').has('ignored_backup')).toBe(false);
  });

  it('reads a YAML inventory with nested children, host ports and host_vars folders', async () => {
    const inv = await loadInventory(fixture('yaml-basic'), { projectDir });
    expect(inv.groups.server).toEqual(['node1', 'node2', 'node3']);
    expect(inv.groups.nested_only).toEqual(['node1', 'node2', 'node3']);
    // standalone sits in all.hosts and in sorted_children: not ungrouped
    expect(inv.groups.ungrouped).toEqual([]);
    expect(inv.groups.sorted_children).toEqual(['standalone']);
    const node1 = resolveHost(inv, 'node1');
    expect(node1.get('shared')).toBe('from-b');
    expect(node1.get('ansible_user')).toBe('k3s');
    // group_vars/all.yml beats `all: vars:` written in the inventory file; maps/lists replace
    expect(node1.get('dns')).toEqual(['9.9.9.9']);
    expect(resolveHost(inv, 'haproxy1.example.com').get('ansible_port')).toBe(8022);
    expect(resolveHost(inv, 'worker-b').get('labels')).toEqual({ zone: 'b' });
    // !unsafe is never templated; a YAML datetime reads as Python's str() of it
    expect(node1.get('raw_template')).toBe('{{ not templated }}');
    expect(node1.get('built_at')).toBe('2024-01-02 10:11:12.500000+01:00');
    expect(inv.toAnsibleHost('node1')).toMatchObject({ raw_template: { __ansible_unsafe: '{{ not templated }}' }, built_at: '2024-01-02T10:11:12.500000+01:00' });
  });

  it('reads only the first of group_vars/NAME, NAME.yml, NAME.yaml, NAME.json (as Ansible does)', async () => {
    const root = await tree('shadowed', { hosts: 'h1\n', 'group_vars/all/x.yml': 'from_dir: 1\n', 'group_vars/all.yml': 'from_file: 1\n', 'host_vars/h1.yaml': 'a: 1\n', 'host_vars/h1.json': '{"b": 2}' });
    const inv = await loadInventory(root, { projectDir: root });
    expect(resolveHost(inv, 'h1').all()).toEqual({ from_dir: 1, a: 1 });
  });

  it('warns about group_vars/host_vars entries that match no group or host, with the nearest name', async () => {
    const root = await tree('orphans', {
      hosts: '[k3s_cluster]\nnode1\n', 'group_vars/k3s-cluster.yml': 'a: 1\n', 'group_vars/README.md': '# notes\n',
      'host_vars/node1.yml': 'b: 2\n', 'host_vars/nodex/a.yml': 'c: 3\n',
    });
    const inv = await loadInventory(root, { projectDir: root });
    expect(inv.warnings).toEqual([
      'group_vars/k3s-cluster.yml: no group named "k3s-cluster" in the inventory, so nothing reads it (Ansible ignores it too): did you mean k3s_cluster?',
      'host_vars/nodex: no host named "nodex" in the inventory, so nothing reads it (Ansible ignores it too): did you mean node1?',
    ]);
    expect((await loadInventory(fixture('ini-basic'), { projectDir })).warnings).toEqual([]);
  });

  it('takes a name under inventory/, a folder, or a hosts file', async () => {
    const root = await tree('project', { 'inventory/lab/hosts.yml': 'all:\n  hosts:\n    one:\n', 'other/my-hosts': 'two\n' });
    expect((await loadInventory('lab', { projectDir: root })).hosts).toEqual(['one']);
    expect((await loadInventory('inventory/lab', { projectDir: root })).hosts).toEqual(['one']);
    expect((await loadInventory('other/my-hosts', { projectDir: root })).hosts).toEqual(['two']);
    expect(await problemsOf(loadInventory('nope', { projectDir: root }))).toEqual([expect.stringMatching(/^nope › --inventory: no inventory found/)]);
  });

  it('reports every problem at once, each with file, key and fix', async () => {
    const root = await tree('broken', {
      hosts: '[web]\nweb1 port\n[web:bogus]\n[db:children]\nnot_declared\n[cache:vars]\nx=1\nweb[01:1]\n',
      'group_vars/web.yml': 'a: [unclosed\n',
      'group_vars/all.yml': '- a list\n',
    });
    const problems = await problemsOf(loadInventory(root, { projectDir: root }));
    expect(problems).toEqual([
      expect.stringMatching(/^hosts:2 › web1 port: expected key=value host variable, got "port"/),
      expect.stringMatching(/^hosts:3 › \[web:bogus\]: section \[web:bogus\] has unknown type "bogus"/),
      expect.stringMatching(/^hosts:8 › web\[01:1\]: expected key=value in \[cache:vars\]/),
      expect.stringMatching(/^hosts:5 › \[db:children\]: includes undefined group "not_declared": declare it/),
      expect.stringMatching(/^hosts:6 › \[cache:vars\]: section \[cache:vars\] is for a group that is never declared: add a \[cache\] section/),
      expect.stringMatching(/^group_vars\/all.yml › : a vars file must be a mapping of variable names to values, got a list$/),
      expect.stringMatching(/^group_vars\/web.yml › line 2, column 1: .* fix the YAML syntax$/),
    ]);
    const root2 = await tree('broken-vars', { hosts: 'web1\n', 'group_vars/web1.yml': '', 'host_vars/web1.yml': 'a: [unclosed\n', 'group_vars/all.yml': '- a list\n' });
    expect(await problemsOf(loadInventory(root2, { projectDir: root2 }))).toEqual([
      expect.stringMatching(/^group_vars\/all.yml › : a vars file must be a mapping/),
      expect.stringMatching(/^host_vars\/web1.yml › line 2, column 1: .*fix the YAML syntax$/),
    ]);
  });

  it('formats --list output as ansible-inventory prints it (sorted keys, 4 spaces)', async () => {
    const inv = await loadInventory(fixture('priorities'), { projectDir });
    expect(formatAnsibleJson(inv.toAnsibleHost('h1'))).toBe('{\n    "file_who": "beta",\n    "who": "beta"\n}');
  });
});

describe('parseExtraVars', () => {
  it('reads key=value, @file and inline JSON, each a layer named after its source', async () => {
    const root = await tree('extra', { 'vars.yml': 'from_file: yes\nn: 1\n' });
    const layers = await parseExtraVars(['a=1 b="two words"', '@vars.yml', '{"n": 2, "list": [1]}'], root);
    expect(layers).toEqual([
      { source: '-e', vars: { a: '1', b: 'two words' } },
      { source: 'vars.yml', vars: { from_file: true, n: 1 } },
      { source: '-e', vars: { n: 2, list: [1] } },
    ]);
  });

  it('reports every bad -e at once', async () => {
    const err = await parseExtraVars(['novalue', '@missing.yml', '{"broken": '], tmp).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InventoryError);
    expect((err as InventoryError).problems.map((p) => p.key)).toEqual(['novalue', '@missing.yml', '{"broken":']);
  });
});
