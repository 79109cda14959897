// Role var validation at scale (parseRoleVars' verdicts kept per group set): hosts in the same groups are parsed once, counted through a counting ResolvedVars; a host's own value, -e or a template gets its own verdict; every problem still names the file and key the value came from.
import { describe, expect, it } from 'vitest';
import { resolveHost } from '../../../lib/inventory/index.ts';
import type { ResolvedVars, ResolveOptions } from '../../../lib/inventory/index.ts';
import { defineRole } from '../../../lib/role.ts';
import * as t from '../../../lib/vars/types.ts';
import { defaultLayers, parseRoleVars } from '../../../lib/vars/validate.ts';
import { useInventoryFiles } from '../../support/inventory-files.ts';

const role = defineRole({
  name: 'demo', description: 'demo', tags: ['demo'],
  vars: {
    demo_http_nodeport: { schema: t.nodePort, default: 31080, description: 'http' },
    demo_memory: { schema: t.quantity, default: '128Mi', description: 'memory' },
    demo_label: { schema: t.dns1123Label, optional: true, description: 'label' },
  },
  tasks: () => [],
});

const hosts = (g: string, n: number) => [`[${g}]`, ...Array.from({ length: n }, (_, i) => `${g}${i} ansible_host=10.0.0.${i + 1}`)];
const files: Record<string, string> = {
  hosts: [...hosts('ok', 20), ...hosts('bad', 20), ...hosts('tmpl', 5)].join('\n'),
  'group_vars/ok.yml': 'demo_memory: 256Mi\n',
  'group_vars/bad.yml': 'demo_http_nodeport: 40000\n',
  'group_vars/tmpl.yml': 'demo_label: "{{ inventory_hostname }}"\n',
  'host_vars/ok3.yml': 'demo_memory: 512MB\n',
};
const inventory = useInventoryFiles('verdicts', files);

/** The real resolved vars, counting the values validation reads (a counting stand-in around them). */
function countingResolved(r: ResolvedVars, count: { gets: number }): ResolvedVars {
  return {
    get names() { return r.names; },
    get: (n) => { count.gets++; return r.get(n); },
    has: (n) => r.has(n), sourceOf: (n) => r.sourceOf(n), all: () => r.all(),
    ...(r.sharedBy ? { sharedBy: (names: ReadonlySet<string>) => r.sharedBy!(names) } : {}),
  };
}

function validateAll(options: ResolveOptions) {
  const count = { gets: 0 };
  const results = new Map(inventory().hosts.map((h) => [h, parseRoleVars([role], countingResolved(resolveHost(inventory(), h, options), count))]));
  return { count, results };
}

describe('role var verdicts per group set', () => {
  it('reads each var once per group set, plus once per host that has its own value or a template', () => {
    const { count } = validateAll({ roleDefaults: defaultLayers([role]) });
    // 2 reads a host (demo_label is optional and unset) for: ok (19 hosts share one verdict), ok3
    // (own demo_memory), bad (20 share); 3 for each of tmpl's 5 hosts (a template in demo_label)
    expect(count.gets).toBe(2 + 2 + 2 + 5 * 3);
  });

  it('gives every host the problems of its own values, naming their file', () => {
    const { results } = validateAll({ roleDefaults: defaultLayers([role]) });
    const where = (h: string) => results.get(h)!.problems.map((p) => `${p.file} › ${p.key}: ${p.message.split(';')[0]}`);
    expect(where('ok0')).toEqual([]);
    expect(where('ok3')).toEqual([expect.stringMatching(/^host_vars\/ok3\.yml › demo_memory: "512MB" is not a Kubernetes quantity/)]);
    expect(where('bad7')).toEqual(['group_vars/bad.yml › demo_http_nodeport: 40000 is outside the NodePort range 30000-32767']);
    expect(where('bad19')).toEqual(where('bad0'));
    expect(results.get('ok5')!.vars.get('demo')).toEqual({ demo_http_nodeport: 31080, demo_memory: '256Mi', demo_label: undefined });
    expect(results.get('tmpl2')!.vars.get('demo')!.demo_label).toBe('tmpl2');
    expect(results.get('tmpl4')!.vars.get('demo')!.demo_label).toBe('tmpl4');
  });

  it('gives -e of a role var its own verdict on every host, and typed vars that cannot be written', () => {
    const { count, results } = validateAll({ roleDefaults: defaultLayers([role]), extraVars: [{ source: '-e', vars: { demo_memory: '1Gi' } }] });
    expect(count.gets).toBe(40 * 2 + 5 * 3);
    const typed = results.get('ok0')!.vars.get('demo')!;
    expect(typed.demo_memory).toBe('1Gi');
    expect(() => { (typed as Record<string, unknown>).demo_memory = 'x'; }).toThrow(TypeError);
  });

  it('without sharedBy (another ResolvedVars) parses every host as before', () => {
    const count = { gets: 0 };
    for (const h of inventory().hosts) {
      const { sharedBy: _, ...plain } = countingResolved(resolveHost(inventory(), h, { roleDefaults: defaultLayers([role]) }), count);
      parseRoleVars([role], { ...plain, names: resolveHost(inventory(), h).names });
    }
    expect(count.gets).toBe(40 * 2 + 5 * 3);
  });
});
