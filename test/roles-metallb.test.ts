// MetalLB role, offline: pool addresses, release and manifests from vars, validation.
import { describe, expect, it } from 'vitest';
import metallb, { METALLB_TASKS } from '../roles/metallb/index.ts';
import { overlappingPools, parsePoolAddress, poolsContaining, toMetallbAddress } from '../lib/vars/address-pools.ts';
import { renderPlan } from '../lib/report/plan.ts';
import { metallbRelease, poolManifests } from '../roles/metallb/plan.ts';
import { renderObjects } from '../lib/role-kit/index.ts';
import { validateMetallb } from '../roles/metallb/validate.ts';
import type { RoleContext } from '../lib/role.ts';
import { fakeValidateContext, messages, schemaProblems, typedVars } from './fixtures/istio/role-vars.ts';
import { platformView } from './support/platform.ts';

const roleCtx: RoleContext = { ...platformView(), host: { name: 'k8s-node1', groups: [], vars: {} }, playHosts: [], groups: {}, hostvars: {}, selectedRoles: ['metallb'], inventoryDir: '/nonexistent' };

describe('pool addresses', () => {
  const cases: [string, string, boolean][] = [
    ['192.168.1.240-192.168.1.250', '192.168.1.240', true],
    ['192.168.1.240-192.168.1.250', '192.168.1.250', true],
    ['192.168.1.240-192.168.1.250', '192.168.1.251', false],
    ['192.168.1.240/28', '192.168.1.255', true],
    ['192.168.1.240/28', '192.168.1.239', false],
    ['192.168.1.245/28', '192.168.1.241', true], // host bits masked, as MetalLB does
    ['192.168.1.240', '192.168.1.240', true],
    ['192.168.1.240', '192.168.1.241', false],
    ['10.0.0.0/8', '10.255.255.255', true],
  ];
  for (const [pool, ip, inside] of cases) {
    it(`${ip} ${inside ? 'is' : 'is not'} in ${pool}`, () => {
      expect(poolsContaining([{ name: 'p', addresses: [pool] }], ip)).toEqual(inside ? ['p'] : []);
    });
  }

  it('explains bad entries', () => {
    expect(parsePoolAddress('192.168.1.250-192.168.1.240')).toMatch(/first address is after its last; swap them/);
    expect(parsePoolAddress('192.168.1.300')).toMatch(/not an IP address/);
    expect(parsePoolAddress('192.168.1.0/33')).toMatch(/not a CIDR/);
    expect(schemaProblems(metallb, 'metallb_address_pools', [{ name: 'p', addresses: ['192.168.1.x'] }])[0]).toMatch(/^0\.addresses\.0: .*not an address pool entry/);
  });

  it('writes single IPs as /32 for MetalLB', () => {
    expect(['192.168.1.240', '10.0.0.0/24', '1.1.1.1-1.1.1.2'].map(toMetallbAddress)).toEqual(['192.168.1.240/32', '10.0.0.0/24', '1.1.1.1-1.1.1.2']);
  });

  it('finds overlapping pools', () => {
    expect(overlappingPools([{ name: 'a', addresses: ['10.0.0.0/24'] }, { name: 'b', addresses: ['10.0.0.200-10.0.1.5'] }])).toEqual([['a', 'b']]);
    expect(overlappingPools([{ name: 'a', addresses: ['10.0.0.0/25'] }, { name: 'b', addresses: ['10.0.0.128/25'] }])).toEqual([]);
  });
});

describe('metallb plan', () => {
  it('L2 by default: one IPAddressPool per pool and an L2Advertisement of them', () => {
    const objects = poolManifests(typedVars(metallb, {
      metallb_address_pools: [{ name: 'default', addresses: ['192.168.1.240-192.168.1.250'] }, { name: 'spare', addresses: ['192.168.1.99'], auto_assign: false }],
    }));
    expect(objects).toEqual([
      expect.objectContaining({ kind: 'IPAddressPool', metadata: expect.objectContaining({ name: 'default', namespace: 'metallb-system' }), spec: { addresses: ['192.168.1.240-192.168.1.250'], autoAssign: true } }),
      expect.objectContaining({ kind: 'IPAddressPool', spec: { addresses: ['192.168.1.99/32'], autoAssign: false } }),
      expect.objectContaining({ kind: 'L2Advertisement', spec: { ipAddressPools: ['default', 'spare'] } }),
    ]);
  });

  it('BGP peers: BGPPeer objects and a BGPAdvertisement, and the frr-k8s backend in the chart values', () => {
    const vars = typedVars(metallb, { metallb_bgp_peers: [{ peer_address: '10.0.0.1', peer_asn: 64501, my_asn: 64500, hold_time: '90s' }] });
    expect(poolManifests(vars).map((o) => o.kind)).toEqual(['IPAddressPool', 'BGPPeer', 'BGPAdvertisement']);
    expect(poolManifests(vars)[1]).toMatchObject({ apiVersion: 'metallb.io/v1beta2', metadata: { name: 'peer-10-0-0-1' }, spec: { myASN: 64500, peerASN: 64501, peerAddress: '10.0.0.1', holdTime: '90s' } });
    expect(metallbRelease(vars).values).toEqual({ frrk8s: { enabled: true } });
    expect(metallbRelease(typedVars(metallb)).values).toEqual({ frrk8s: { enabled: false } });
  });

  it('templates/metallb lays out exactly the computed pool objects (L2 and BGP)', () => {
    const l2 = poolManifests(typedVars(metallb));
    const bgp = poolManifests(typedVars(metallb, { metallb_bgp_peers: [{ peer_address: '10.0.0.1', peer_asn: 64501, my_asn: 64500 }] }));
    expect(renderObjects('metallb', l2, undefined)).toEqual(l2);
    expect(renderObjects('metallb', bgp, undefined)).toEqual(bgp);
  });

  it('--plan prints values keys as Helm stores them, sorted at every level, arrays kept in order', () => {
    const values = { b: 1, a: { d: [{ z: 1, y: 2 }, 3], c: null } };
    const text = renderPlan({ type: 'plan', play: 'p', host: 'h', roles: [{ role: 'metallb', vars: {}, tasks: [{
      name: 't', tags: [], runOnce: true,
      entries: [{ kind: 'helm', release: 'r', namespace: 'n', chart: 'c', values, state: 'present' }],
    }] }] });
    const shown = text.slice(text.indexOf('values:')).split('\n').map((l) => l.trim()).filter(Boolean);
    expect(shown.slice(0, 8)).toEqual(['values:', 'a:', 'c: null', 'd:', '- y: 2', 'z: 1', '- 3', 'b: 1']);
  });

  it('pins chart 0.16.1 in its repository', () => {
    expect(metallbRelease(typedVars(metallb)).chart).toEqual({ repo: 'https://metallb.github.io/metallb', name: 'metallb', version: '0.16.1' });
  });

  it('present: release, wait, then pools; absent: pools removed before the release', () => {
    const present = metallb.tasks(typedVars(metallb), roleCtx);
    expect(present.map((t) => t.name)).toEqual([METALLB_TASKS.release, METALLB_TASKS.ready, METALLB_TASKS.pools]);
    expect(present[2]!.after).toEqual([METALLB_TASKS.ready]);
    const absent = metallb.tasks(typedVars(metallb, { metallb_state: 'absent' }), roleCtx);
    expect(absent.map((t) => t.name)).toEqual([METALLB_TASKS.pools, METALLB_TASKS.release]);
    expect(absent[0]!.describe!().map((e) => e.kind === 'manifest' && e.description)).toEqual(['delete ipaddresspool metallb-system/default', 'delete l2advertisement metallb-system/capstan-l2']);
    expect(absent[1]!.describe!()[0]).toMatchObject({ kind: 'helm', release: 'metallb', state: 'absent' });
  });
});

describe('metallb validation', () => {
  const check = (vars: Record<string, unknown>, hostVars: Record<string, unknown> = {}) => {
    const typed = typedVars(metallb, vars);
    return messages(validateMetallb(typed, fakeValidateContext({ allVars: typed, hostVars: { ...vars, ...hostVars }, selectedRoles: ['metallb'] })));
  };

  it('accepts the defaults', () => expect(check({})).toEqual([]));

  it('rejects duplicate and overlapping pools', () => {
    expect(check({ metallb_address_pools: [{ name: 'a', addresses: ['10.0.0.0/24'] }, { name: 'a', addresses: ['10.0.0.5'] }], istio_gateway_loadbalancer_ip: '10.0.0.6' })).toEqual([
      'metallb_address_pools: pool name "a" is used twice; give each pool its own name',
    ]);
    expect(check({ metallb_address_pools: [{ name: 'a', addresses: ['10.0.0.0/24'] }, { name: 'b', addresses: ['10.0.0.5'] }] })[0]).toMatch(/pools "a" and "b" overlap/);
  });

  it('with --tags metallb alone, still checks the gateway IP of the inventory against the pools', () => {
    expect(check({ istio_gateway_loadbalancer_ip: '192.168.1.9' })[0]).toMatch(/^istio_gateway_loadbalancer_ip: 192\.168\.1\.9 is outside every MetalLB address pool/);
    expect(check({ istio_gateway_loadbalancer_ip: '192.168.1.9', enable_istio: false })).toEqual([]);
  });
});
