// toAnsibleList/toAnsibleHost in ansible-core 2.19's shape without Ansible: `_meta.profile`, and the names 2.19 sets itself left out of host vars (ansible-list.int.test.ts compares with the real one).
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadInventory, resolvedAnsibleList } from '../../../lib/inventory/index.ts';

const projectDir = join(import.meta.dirname, '../../..');
const fixture = join(projectDir, 'test/fixtures/inventory/reserved-names');
type List = { _meta: { hostvars: Record<string, Record<string, unknown>>; profile?: string } };

describe('--list in ansible-core 2.19 shape', () => {
  it('names its format in _meta.profile, as 2.19 does', async () => {
    const inv = await loadInventory(fixture, { projectDir });
    expect((inv.toAnsibleList() as List)._meta.profile).toBe('inventory_legacy');
    expect((resolvedAnsibleList(inv).data as List)._meta.profile).toBe('inventory_legacy');
  });

  it('leaves out role_name, role_path, playbook_dir (2.19 INTERNAL_STATIC_VARS) and keeps omit and look-alikes', async () => {
    const inv = await loadInventory(fixture, { projectDir });
    const hostvars = (inv.toAnsibleList() as List)._meta.hostvars;
    expect(Object.keys(hostvars.web1!).sort()).toEqual(['big', 'half', 'list', 'omit', 'ratio', 'role_label', 'sampling', 'tiny']);
    expect(hostvars.db1).toEqual({ omit: 'kept', role_label: 'kept-too', weight: expect.anything() });
    expect(Object.keys(inv.toAnsibleHost('web1') as object)).not.toContain('role_path');
    // the vars themselves are still there for a run
    expect(inv.layersOf('web1').some((l) => l.vars.role_path === '/srv')).toBe(true);
  });
});
