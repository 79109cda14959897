// lib/lab/cluster/lb-ip-allocate.ts: the LoadBalancer-IP stand-in's choice of IP, as MetalLB's controller makes it.
import { describe, expect, it } from 'vitest';
import { chooseIp, ipToInt, orderPools } from '../../../../lib/lab/cluster/lb-ip-allocate.ts';

const pool = (name: string, addresses: string[], extra: Record<string, unknown> = {}) => ({ metadata: { name }, spec: { addresses, ...extra } });
const svc = (o: { ip?: string; annotations?: Record<string, string>; current?: string } = {}) => ({
  metadata: { name: 's', namespace: 'n', annotations: o.annotations ?? {} },
  spec: { type: 'LoadBalancer', ...(o.ip ? { loadBalancerIP: o.ip } : {}) },
  ...(o.current ? { status: { loadBalancer: { ingress: [{ ip: o.current }] } } } : {}),
});
const used = (...ips: string[]) => new Set(ips.map((i) => ipToInt(i)!));

describe('LoadBalancer IP choice', () => {
  const pools = orderPools([pool('b', ['10.9.0.10-10.9.0.11']), pool('a', ['10.8.0.0/30'], { autoAssign: false })]);

  it('takes the first free IP of an auto-assign pool, skipping used ones', () => {
    expect(chooseIp(svc(), pools, used('10.9.0.10'))).toEqual({ ip: '10.9.0.11', pool: 'b' });
    expect(chooseIp(svc(), pools, used('10.9.0.10', '10.9.0.11'))).toEqual({ error: 'no available IPs' });
  });

  it('honours spec.loadBalancerIP and metallb.io/loadBalancerIPs, also in a pool without autoAssign', () => {
    expect(chooseIp(svc({ ip: '10.8.0.2' }), pools, used())).toEqual({ ip: '10.8.0.2', pool: 'a' });
    expect(chooseIp(svc({ annotations: { 'metallb.io/loadBalancerIPs': '10.9.0.11' } }), pools, used())).toEqual({ ip: '10.9.0.11', pool: 'b' });
    expect(chooseIp(svc({ ip: '10.7.0.1' }), pools, used())).toEqual({ error: '["10.7.0.1"] is not allowed in config' });
    expect(chooseIp(svc({ ip: '10.9.0.10' }), pools, used('10.9.0.10')).error).toMatch(/address also in use/);
  });

  it('honours metallb.io/address-pool and keeps the IP a Service has', () => {
    expect(chooseIp(svc({ annotations: { 'metallb.io/address-pool': 'a' } }), pools, used())).toEqual({ ip: '10.8.0.0', pool: 'a' });
    expect(chooseIp(svc({ annotations: { 'metallb.io/address-pool': 'zz' } }), pools, used())).toEqual({ error: 'pool "zz" does not exist' });
    expect(chooseIp(svc({ current: '10.9.0.11' }), pools, used())).toEqual({ ip: '10.9.0.11', pool: 'b' });
  });

  it('orders pools by serviceAllocation.priority, then name', () => {
    expect(orderPools([pool('z', [], { serviceAllocation: { priority: -1 } }), pool('b', []), pool('a', [])]).map((p) => p.metadata.name)).toEqual(['z', 'a', 'b']);
  });
});
