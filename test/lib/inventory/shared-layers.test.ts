// What hosts in the same groups share when their vars are resolved (lib/inventory/winners.ts): one layer stack and one key per group set, a value without a template rendered once for all, and a host's own vars, -e or a template making its key its own; precedence and names as before.
import { describe, expect, it } from 'vitest';
import { resolveHost } from '../../../lib/inventory/index.ts';
import type { VarLayer } from '../../../lib/inventory/index.ts';
import { useInventoryFiles } from '../../support/inventory-files.ts';

const files: Record<string, string> = {
  hosts: '[web]\nw1\nw2 port_note=own\nw3\n\n[db]\nd1\nd2\n\n[dc:children]\nweb\ndb\n',
  'group_vars/all.yml': 'pools: [{name: a, addresses: [10.0.0.1-10.0.0.9]}]\nlabel: "{{ inventory_hostname }}-x"\nplain: text\n',
  'group_vars/web.yml': 'tier: front\nmem: 256Mi\n',
  'group_vars/db.yml': 'tier: back\nmem: "{{ base_mem }}"\nbase_mem: 1Gi\n',
  'host_vars/w3.yml': 'mem: 512Mi\n',
};
const inventory = useInventoryFiles('shared-layers', files);

const defaults: VarLayer[] = [{ source: 'role defaults (demo)', vars: { mem: '128Mi', replicas: 1 } }];
const names = new Set(['mem', 'tier', 'replicas']);

describe('hosts in the same groups', () => {
  it('share one array of group layers; a host\'s own layers stay its own', () => {
    expect(inventory().sharedLayersOf('w1')).toBe(inventory().sharedLayersOf('w2'));
    expect(inventory().sharedLayersOf('w1')).not.toBe(inventory().sharedLayersOf('d1'));
    expect(inventory().ownLayersOf('w1')).toEqual([]);
    expect(inventory().ownLayersOf('w3').map((l) => l.source)).toEqual(['host_vars/w3.yml']);
    expect(inventory().layersOf('w3')).toEqual([...inventory().sharedLayersOf('w3'), ...inventory().ownLayersOf('w3')]);
  });

  it('share one key for validation while none of the names is their own or templated', () => {
    const o = { roleDefaults: defaults };
    const key = resolveHost(inventory(), 'w1', o).sharedBy!(names);
    expect(key).toBeDefined();
    expect(resolveHost(inventory(), 'w2', o).sharedBy!(names)).toBe(key); // w2's own port_note is not among the names
    expect(resolveHost(inventory(), 'w3', o).sharedBy!(names)).toBeUndefined(); // host_vars/w3.yml sets mem
    expect(resolveHost(inventory(), 'd1', o).sharedBy!(names)).toBeUndefined(); // db's mem is a template
    expect(resolveHost(inventory(), 'd1', o).sharedBy!(new Set(['tier', 'replicas']))).toBe(resolveHost(inventory(), 'd2', o).sharedBy!(new Set(['tier', 'replicas'])));
    expect(resolveHost(inventory(), 'w1', { roleDefaults: defaults, extraVars: [{ source: '-e', vars: { tier: 'x' } }] }).sharedBy!(names)).toBeUndefined();
  });

  it('read one rendered value of a var without a template, and their own rendering of one with', () => {
    expect(resolveHost(inventory(), 'w1').get('pools')).toBe(resolveHost(inventory(), 'd2').get('pools'));
    expect(Object.isFrozen(resolveHost(inventory(), 'w1').get('pools'))).toBe(true);
    expect(resolveHost(inventory(), 'w1').get('label')).toBe('w1-x');
    expect(resolveHost(inventory(), 'w2').get('label')).toBe('w2-x');
    expect(resolveHost(inventory(), 'd1').get('mem')).toBe('1Gi');
  });

  it('keep precedence, sources and the order of names', () => {
    const w3 = resolveHost(inventory(), 'w3', { roleDefaults: defaults, extraVars: [{ source: '-e', vars: { extra: 1, tier: 'cli' } }] });
    expect([w3.get('mem'), w3.sourceOf('mem')]).toEqual(['512Mi', 'host_vars/w3.yml']);
    expect([w3.get('tier'), w3.sourceOf('tier')]).toEqual(['cli', '-e']);
    expect([w3.get('replicas'), w3.sourceOf('replicas')]).toEqual([1, 'role defaults (demo)']);
    expect(w3.names).toEqual(['mem', 'replicas', 'pools', 'label', 'plain', 'tier', 'extra']);
    const w2 = resolveHost(inventory(), 'w2', { roleDefaults: defaults });
    expect(w2.names).toEqual(['mem', 'replicas', 'pools', 'label', 'plain', 'tier', 'port_note']);
    expect(w2.all()).toEqual({ mem: '256Mi', replicas: 1, pools: [{ name: 'a', addresses: ['10.0.0.1-10.0.0.9'] }], label: 'w2-x', plain: 'text', tier: 'front', port_note: 'own' });
    expect(resolveHost(inventory(), 'w1', { roleDefaults: defaults }).names).toBe(resolveHost(inventory(), 'w1', { roleDefaults: defaults }).names);
    // in parts: the group set's names, one array for all its hosts, then the host's own
    const parts = w2.nameParts!();
    expect(parts[0]).toBe(resolveHost(inventory(), 'w1', { roleDefaults: defaults }).nameParts!()[0]);
    expect(parts.flat()).toEqual(w2.names);
    expect(w3.nameParts!().flat()).toEqual(w3.names);
    expect(Object.keys(w3.all())).toEqual(w3.names);
    expect(Object.keys(w2.all())).toEqual(w2.names);
  });
});
