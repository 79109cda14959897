// Inventory folders read as Ansible's InventoryManager reads them: every file, ignore list, non-inventory files warned, capstan's own folders skipped.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InventoryError } from '../../../lib/errors.ts';
import { loadInventory } from '../../../lib/inventory/index.ts';

let tmp: string;
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'capstan-folders-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});

async function tree(name: string, files: Record<string, string>): Promise<string> {
  const root = join(tmp, name);
  await mkdir(root, { recursive: true });
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

const load = (dir: string) => loadInventory(dir, { projectDir: tmp });

describe('an inventory folder', () => {
  it('reads every file whatever its name, in sorted order, with the folder\'s group_vars for all of them', async () => {
    const dir = await tree('many', {
      'one.yml': 'servers:\n  hosts:\n    s1:\n',
      'inventory.yml': 'agents:\n  hosts:\n    a1:\n',
      'hosts.example': '[lbs]\nlb1 ansible_host=10.0.0.9\n',
      'group_vars/agents.yml': 'role: agent\n',
      'group_vars/lbs.yml': 'role: lb\n',
    });
    const inv = await load(dir);
    expect(inv.hosts).toEqual(['lb1', 'a1', 's1']);
    expect(inv.groups.lbs).toEqual(['lb1']);
    expect(inv.sources.map((s) => s.slice(dir.length + 1))).toEqual(['hosts.example', 'inventory.yml', 'one.yml']);
    expect(inv.layersOf('a1').at(-1)).toEqual({ source: 'many/group_vars/agents.yml', vars: { role: 'agent' } });
  });

  it('skips ansible-core 2.19\'s ignored extensions; reads *.ini as 2.19 does, warning that 2.14 skips it', async () => {
    const dir = await tree('ignored', {
      hosts: '[k]\nk1\n',
      'hosts.ini': '[other]\no1\n',
      'ansible.cfg': '[defaults]\ninventory = hosts\n',
      'README.md': '# notes',
      'vault-pass.txt': 'secret',
      'old.retry': 'k1',
      'hosts~': '[backup]\nb1\n',
      '.hidden': '[hidden]\nh1\n',
    });
    const inv = await load(dir);
    expect(inv.hosts).toEqual(['k1', 'o1']);
    expect(inv.warnings).toEqual(["ignored/hosts.ini: read as part of the folder, as ansible-core 2.19 reads it; older ansible-core releases (Debian's 2.14) skip *.ini in an inventory folder: with those, pass -i ignored/hosts.ini"]);
  });

  it('refuses a folder holding no inventory file', async () => {
    const dir = await tree('none', { 'README.md': '# x', 'ansible.cfg': '[defaults]\n' });
    const err = await load(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InventoryError);
    expect((err as InventoryError).problems[0]).toMatchObject({ file: 'none', key: '--inventory', message: 'no inventory file in this folder: add a hosts file (INI, or YAML as hosts.yml)' });
  });

  it('never reads capstan\'s own templates/ and manifests/ folders; recurses into other subfolders', async () => {
    const dir = await tree('own', {
      hosts: '[k]\nk1\n',
      'templates/haproxy/haproxy.cfg.hbs': 'global\n  daemon\n',
      'manifests/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\n',
      'more/extra.yml': 'extra:\n  hosts:\n    e1:\n',
    });
    const inv = await load(dir);
    expect(inv.hosts).toEqual(['k1', 'e1']);
    expect(inv.warnings).toEqual([]);
  });

  it('warns about YAML and text files that are not inventories, and reads the rest', async () => {
    const dir = await tree('mixed', {
      hosts: '[k]\nk1\n',
      'deploy.yml': '- hosts: all\n  roles: [k3s]\n',
      'cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n',
      'aws_ec2.yml': 'plugin: amazon.aws.aws_ec2\n',
      'empty.yml': '',
      LICENSE: 'Apache License\nVersion 2.0, January 2004\n',
    });
    const inv = await load(dir);
    expect(inv.hosts).toEqual(['k1']);
    expect(inv.warnings.map((w) => w.split(': not read: ')[1]!.split(';')[0])).toEqual([
      'neither a YAML nor an INI inventory (as INI: expected key=value host variable, got "License": write it as License=<value>)',
      'an inventory plugin configuration (plugin:), which capstan does not run',
      'a Kubernetes manifest (apiVersion/kind), not an inventory',
      'YAML that is not an inventory (a list, where an inventory is a mapping of groups)',
      'an empty YAML file',
    ]);
  });

  it('reads a YAML inventory in a file without extension, as Ansible\'s yaml plugin does', async () => {
    const dir = await tree('yaml-noext', { hosts: 'all:\n  children:\n    k:\n      hosts:\n        k1:\n          ansible_host: 10.0.0.1\n' });
    const inv = await load(dir);
    expect(inv.groups.k).toEqual(['k1']);
    expect(inv.toAnsibleHost('k1')).toEqual({ ansible_host: '10.0.0.1' });
  });

  it('keeps an INI mistake in a file that is an inventory an error, not a skip', async () => {
    const dir = await tree('bad-ini', { hosts: '[k]\nk1\nk2 novalue\n' });
    const err = await load(dir).catch((e: unknown) => e);
    expect((err as InventoryError).problems.map((p) => p.file)).toEqual(['bad-ini/hosts:3']);
  });
});
