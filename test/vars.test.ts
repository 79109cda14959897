// lib/vars: schemas, parsing, did-you-mean, NodePort clashes, validators.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ResolvedVars } from '../lib/inventory/types.ts';
import type { HostInfo } from '../lib/role.ts';
import { defineRole } from '../lib/role.ts';
import { describeIssues } from '../lib/vars/issues.ts';
import { closest, editDistance } from '../lib/vars/suggest.ts';
import * as t from '../lib/vars/types.ts';
import { nodePortClashes } from '../lib/vars/nodeports.ts';
import { parseRoleVars, rolePrefixes, runRoleValidators, unknownKeys } from '../lib/vars/validate.ts';

/** A stand-in for lib/inventory's resolved vars: fixed values and sources (fake, no Jinja). */
function fakeResolvedVars(values: Record<string, [unknown, string]>): ResolvedVars {
  return {
    names: Object.keys(values),
    get: (n) => values[n]![0],
    has: (n) => n in values,
    sourceOf: (n) => values[n]?.[1] ?? '',
    all: () => Object.fromEntries(Object.entries(values).map(([k, [v]]) => [k, v])),
  };
}

const ok = (s: z.ZodType, v: unknown) => s.safeParse(v).success;
const why = (s: z.ZodType, v: unknown) => {
  const r = s.safeParse(v);
  return r.success ? '' : describeIssues('k', r.error.issues, v).map((i) => i.message).join('; ');
};

describe('shared var types', () => {
  it.each([
    [t.nodePort, 31080, true], [t.nodePort, 30000, true], [t.nodePort, 32767, true], [t.nodePort, 40000, false], [t.nodePort, 29999, false], [t.nodePort, 31080.5, false],
    [t.port, 443, true], [t.port, 0, false], [t.port, 65536, false],
    [t.ipv4, '192.168.1.240', true], [t.ipv4, '192.168.1.300', false], [t.ipv4, '10.0.0', false],
    [t.cidr, '10.0.0.0/8', true], [t.cidr, '10.0.0.0/33', false], [t.cidr, '10.0.0.0', false],
    [t.ipRange, '192.168.1.240-192.168.1.250', true], [t.ipRange, '192.168.1.250-192.168.1.240', false],
    [t.poolAddress, '192.168.1.240/28', true], [t.poolAddress, '192.168.1.240', true], [t.poolAddress, '192.168.1.240-192.168.1.241', true], [t.poolAddress, 'pool', false],
    [t.quantity, '512Mi', true], [t.quantity, '1Gi', true], [t.quantity, '500m', true], [t.quantity, '1.5', true], [t.quantity, 2, true], [t.quantity, '512MB', false], [t.quantity, 'Mi', false],
    [t.dns1123Label, 'fraud-detection', true], [t.dns1123Label, 'Fraud', false], [t.dns1123Label, '-x', false], [t.dns1123Label, 'a'.repeat(64), false],
    [t.dns1123Subdomain, 'istio.example.com', true], [t.dns1123Subdomain, 'istio..com', false],
    [t.hostname, 'k8s-node1', true], [t.hostname, 'bad_host', false],
    [t.k8sLabels, { 'istio-injection': 'enabled', 'app.kubernetes.io/name': 'x' }, true], [t.k8sLabels, { 'bad key': 'x' }, false], [t.k8sLabels, { a: 'bad value' }, false],
    [t.duration, '5m', true], [t.duration, '1h30m', true], [t.duration, '5 min', false],
  ] as [z.ZodType, unknown, boolean][])('%#: %j → %s', (schema, value, valid) => {
    expect(ok(schema, value)).toBe(valid);
  });

  it('says what is wrong and the fix', () => {
    expect(why(t.nodePort, 40000)).toBe('40000 is outside the NodePort range 30000-32767; use a port in 30000-32767');
    expect(why(t.nodePort, '31080')).toBe('expected a number, got the string "31080"; write the number without quotes');
    expect(why(t.quantity, '512MB')).toMatch(/not a Kubernetes quantity; use .*512Mi/);
    expect(why(t.state, 'presnt')).toBe('"presnt" is not allowed; did you mean "present"? use one of "present", "absent"');
    expect(t.durationSeconds('1h30m')).toBe(5400);
  });

  it('names nested paths', () => {
    const pools = z.array(z.object({ addresses: z.array(t.poolAddress) }));
    const r = pools.safeParse([{ addresses: ['x'] }]);
    expect(describeIssues('metallb_address_pools', r.error!.issues, [{ addresses: ['x'] }])[0]!.key).toBe('metallb_address_pools[0].addresses[0]');
  });
});

describe('did you mean', () => {
  it('finds the closest name within a few edits', () => {
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(closest('istio_gatway_http_nodeport', ['istio_gateway_http_nodeport', 'istio_namespace'])).toBe('istio_gateway_http_nodeport');
    expect(closest('istio_zzz', ['istio_gateway_http_nodeport'])).toBeUndefined();
  });
});

const role = defineRole({
  name: 'demo',
  description: 'demo',
  tags: ['demo'],
  vars: {
    demo_http_nodeport: { schema: t.nodePort, default: 31080, description: 'http' },
    demo_https_nodeport: { schema: t.nodePort, default: 31443, description: 'https' },
    demo_name: { schema: t.dns1123Label, description: 'required name' },
    demo_extra: { schema: z.string(), optional: true, description: 'optional' },
  },
  validate: (v, ctx) => (v.demo_name === 'forbidden' ? [{ file: ctx.sourceOf('demo_name'), key: 'demo_name', message: 'is forbidden' }] : []),
  tasks: () => [],
});
const host: HostInfo = { name: 'h1', groups: [], vars: {} };

describe('role var validation', () => {
  it('applies defaults, keeps optional vars undefined, and reports a missing required var', () => {
    const clean = parseRoleVars([role], fakeResolvedVars({ demo_name: ['web', 'gv/all.yml'] }));
    expect(clean.problems).toEqual([]);
    expect(clean.vars.get('demo')).toEqual({ demo_http_nodeport: 31080, demo_https_nodeport: 31443, demo_name: 'web', demo_extra: undefined });
    const missing = parseRoleVars([role], fakeResolvedVars({}));
    expect(missing.problems).toEqual([expect.objectContaining({ key: 'demo_name', message: expect.stringMatching(/required by role demo/) })]);
  });

  it('names the file the bad value came from', () => {
    const r = parseRoleVars([role], fakeResolvedVars({ demo_name: ['Web', 'gv/all.yml'], demo_http_nodeport: [40000, 'host_vars/h1.yml'] }));
    expect(r.problems.map((p) => `${p.file} › ${p.key}`)).toEqual(['host_vars/h1.yml › demo_http_nodeport', 'gv/all.yml › demo_name']);
  });

  it('takes text that spells a number or boolean as one (-e key=value, INI [group:vars]), and only such text', () => {
    expect(parseRoleVars([role], fakeResolvedVars({ demo_name: ['web', 'x'], demo_http_nodeport: ['31081', '-e'] })).problems).toEqual([]);
    expect(parseRoleVars([role], fakeResolvedVars({ demo_name: ['web', 'x'], demo_http_nodeport: ['31081', 'hosts'] })).problems).toEqual([]);
    expect(parseRoleVars([role], fakeResolvedVars({ demo_name: ['web', 'x'], demo_http_nodeport: ['http', 'gv/all.yml'] })).problems).toHaveLength(1);
  });

  it('runs role.validate on typed vars', () => {
    const resolved = fakeResolvedVars({ demo_name: ['forbidden', 'gv/all.yml'] });
    const parsed = parseRoleVars([role], resolved);
    expect(runRoleValidators([role], parsed.vars, host, resolved)).toEqual([{ file: 'gv/all.yml', key: 'demo_name', message: 'is forbidden' }]);
  });

  it('flags unknown keys with a selected role\'s prefix, with a suggestion', () => {
    const resolved = fakeResolvedVars({ demo_htp_nodeport: [1, 'gv/all.yml'], other_thing: [1, 'gv/all.yml'], demo_zzzzzzzzzzzz: [1, 'gv/x.yml'] });
    const problems = unknownKeys([role], new Set(Object.keys(role.vars)), resolved);
    expect(problems).toEqual([
      { file: 'gv/all.yml', key: 'demo_htp_nodeport', message: 'unknown variable; did you mean demo_http_nodeport?' },
      { file: 'gv/x.yml', key: 'demo_zzzzzzzzzzzz', message: expect.stringMatching(/^unknown variable; no role uses it/) },
    ]);
  });

  it('takes a role\'s prefixes from its name and from first words three of its vars share', () => {
    const lb = defineRole({
      name: 'lb-config', description: '', tags: [], tasks: () => [],
      vars: Object.fromEntries(['lb_a', 'lb_b', 'lb_c', 'enable_a', 'enable_b', 'enable_c', 'f5_a'].map((n) => [n, { schema: z.string(), description: n }])),
    });
    expect(rolePrefixes(lb)).toEqual(['lb_config_', 'lb_']);
  });

  it('reports a NodePort used twice with both keys and files', () => {
    const uses = [{ nodePort: 31080, var: 'demo_http_nodeport' }, { nodePort: 31080, var: 'other_nodeport' }, { nodePort: 31081, var: 'x_nodeport' }];
    const problems = nodePortClashes(uses, (n) => (n === 'other_nodeport' ? 'gv/b.yml' : 'gv/a.yml'));
    expect(problems).toEqual([{ file: 'gv/a.yml', key: 'demo_http_nodeport', message: expect.stringContaining('31080 is also used by other_nodeport (gv/b.yml)') }]);
  });
});
