// Loading reads each file once (counted through spies on the parsers): the INI hosts file of a folder is parsed once (not once to see it is an inventory and again to read it), and an extensionless file that starts with an INI section is not parsed as YAML first; what is read stays the same.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { parseIni } from '../../../lib/inventory/ini.ts';
import { loadInventory } from '../../../lib/inventory/index.ts';
import { parseAnsibleYaml } from '../../../lib/inventory/yaml-ansible.ts';
import { InventoryError } from '../../../lib/errors.ts';
import { statSync } from 'node:fs';
import { writeFiles } from '../../support/inventory-files.ts';

vi.mock('../../../lib/inventory/ini.ts', async (original) => {
  const m = await original<typeof import('../../../lib/inventory/ini.ts')>();
  return { ...m, parseIni: vi.fn(m.parseIni) };
});
vi.mock('node:fs', async (original) => {
  const m = await original<typeof import('node:fs')>();
  return { ...m, statSync: vi.fn(m.statSync) };
});
vi.mock('../../../lib/inventory/yaml-ansible.ts', async (original) => {
  const m = await original<typeof import('../../../lib/inventory/yaml-ansible.ts')>();
  return { ...m, parseAnsibleYaml: vi.fn(m.parseAnsibleYaml) };
});

let tmp: string;
/** Writes files (path → content) into a fresh folder under tmp; returns the folder. */
const tree = (name: string, files: Record<string, string>): Promise<string> => writeFiles(join(tmp, name), files);
beforeAll(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'capstan-parse-once-test-'));
});
afterAll(async () => {
  await rm(tmp, { recursive: true, force: true });
});
beforeEach(() => {
  vi.mocked(parseIni).mockClear();
  vi.mocked(parseAnsibleYaml).mockClear();
  vi.mocked(statSync).mockClear();
});

const yamlTexts = () => vi.mocked(parseAnsibleYaml).mock.calls.map((c) => c[0]);

describe('loading an inventory folder', () => {
  it('parses its INI hosts file once, and never as YAML when it starts with a section', async () => {
    const dir = await tree('ini', {
      hosts: '# the lab\n[web]\nw1 ansible_host=10.0.0.1\n[db]\nd1\n[dc:children]\nweb\ndb\n',
      'group_vars/web.yml': 'tier: front\n', 'group_vars/db.yml': 'tier: back\n', 'host_vars/w1.yml': 'x: 1\n',
    });
    const inv = await loadInventory(dir, { projectDir: tmp });
    expect(inv.hosts).toEqual(['w1', 'd1']);
    expect(inv.groups.dc).toEqual(['w1', 'd1']);
    expect(inv.layersOf('w1').map((l) => l.source)).toEqual(['ini/group_vars/web.yml', 'ini/hosts', 'ini/host_vars/w1.yml']);
    expect(vi.mocked(parseIni)).toHaveBeenCalledTimes(1);
    expect(yamlTexts().sort()).toEqual(['tier: back\n', 'tier: front\n', 'x: 1\n']);
  });

  it('finds group_vars/ and host_vars/ files from the folder listings, without a stat per file', async () => {
    const files: Record<string, string> = { hosts: `[web]\n${Array.from({ length: 30 }, (_, i) => `w${i}`).join('\n')}\n`, 'group_vars/web/a.yml': 'a: 1\n', 'group_vars/web/b.yml': 'b: 2\n' };
    for (let i = 0; i < 30; i += 2) files[`host_vars/w${i}.yml`] = `n: ${i}\n`;
    const dir = await tree('listed', files);
    const inv = await loadInventory(dir, { projectDir: tmp });
    expect(inv.layersOf('w4').map((l) => l.source)).toEqual(['listed/group_vars/web/a.yml', 'listed/group_vars/web/b.yml', 'listed/host_vars/w4.yml']);
    expect(inv.layersOf('w5').map((l) => l.source)).toEqual(['listed/group_vars/web/a.yml', 'listed/group_vars/web/b.yml']);
    // the -i path and the folder's hosts file; none of the 17 vars files or their folders
    expect(vi.mocked(statSync).mock.calls.length).toBeLessThanOrEqual(2);
  });

  it('still names the hosts file and line of a bad INI line, from that one parse', async () => {
    const dir = await tree('bad', { hosts: '[web]\nw1 ansible_host\n' });
    const err = await loadInventory(dir, { projectDir: tmp }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InventoryError);
    expect((err as InventoryError).problems).toEqual([expect.objectContaining({ file: 'bad/hosts:2', key: 'w1 ansible_host' })]);
    expect(vi.mocked(parseIni)).toHaveBeenCalledTimes(1);
  });

  it('tries YAML first for an extensionless file that does not start with a section (Ansible\'s order)', async () => {
    const dir = await tree('hostline', { hosts: 'h1 ansible_host=10.0.0.1\n[web]\nw1\n' });
    const inv = await loadInventory(dir, { projectDir: tmp });
    expect(inv.hosts).toEqual(['h1', 'w1']);
    expect(yamlTexts()).toEqual(['h1 ansible_host=10.0.0.1\n[web]\nw1\n']);
    expect(vi.mocked(parseIni)).toHaveBeenCalledTimes(1);
  });

  it('reads a second INI file of the folder into the same model', async () => {
    const dir = await tree('two', { 'a.ini': '[web]\nw1\n', 'b.ini': '[web]\nw2\n[db]\nd1\n' });
    const inv = await loadInventory(dir, { projectDir: tmp });
    expect(inv.groups.web).toEqual(['w1', 'w2']);
    expect(inv.hosts).toEqual(['w1', 'w2', 'd1']);
  });
});
