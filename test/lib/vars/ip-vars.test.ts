// IPv6 and dual-stack in every IP/CIDR var: the address, CIDR, range and pool-entry schemas take
// both families with the same kind of errors; MetalLB pools hold both (single IPv6 → /128),
// containment and overlap stay within a family; the address math agrees with node:net's BlockList.
import { BlockList } from 'node:net';
import { describe, expect, it } from 'vitest';
import { overlappingPools, parsePoolAddress, poolsContaining, toMetallbAddress } from '../../../lib/vars/address-pools.ts';
import { parseCidr, parseIp, parseRange } from '../../../lib/vars/ip.ts';
import { cidr, ipAddress, ipRange, poolAddress } from '../../../lib/vars/types.ts';

const problem = (schema: { safeParse(v: unknown): { success: boolean; error?: { issues: { message: string }[] } } }, v: unknown) => {
  const r = schema.safeParse(v);
  return r.success ? undefined : r.error!.issues.map((i) => i.message).join('; ');
};

describe('IP vars take IPv4 and IPv6', () => {
  it.each([
    ['192.168.1.240', ipAddress], ['2001:db8::10', ipAddress], ['::1', ipAddress], ['::ffff:192.0.2.1', ipAddress],
    ['10.0.0.0/8', cidr], ['2001:db8::/64', cidr], ['fd00::/8', cidr],
    ['192.168.1.240-192.168.1.250', ipRange], ['2001:db8::10-2001:db8::1f', ipRange],
    ['192.168.1.240', poolAddress], ['2001:db8::10', poolAddress], ['2001:db8::/124', poolAddress], ['2001:db8::10 - 2001:db8::1f', poolAddress],
  ])('%s', (value, schema) => expect(problem(schema, value)).toBeUndefined());

  it('refuses the rest with the same kind of message, saying what to write', () => {
    expect(problem(ipAddress, '192.168.1.300')).toMatch(/"192\.168\.1\.300" is not an IP address; write an IPv4 address .* or IPv6 like 2001:db8::10/);
    expect(problem(ipAddress, '2001:db8:::1')).toMatch(/is not an IP address/);
    expect(problem(cidr, '2001:db8::/129')).toMatch(/"2001:db8::\/129" is not a CIDR: the prefix \/129 is longer than an IPv6 address \(at most \/128\)/);
    expect(problem(cidr, '10.0.0.0/33')).toMatch(/at most \/32/);
    expect(problem(cidr, 'fd00::')).toMatch(/is not a CIDR; write address\/prefix, like 192\.168\.1\.0\/24 or 2001:db8::\/64/);
    expect(problem(ipRange, '10.0.0.1-2001:db8::1')).toMatch(/from an IPv4 to an IPv6 address; write one range per family/);
    expect(problem(ipRange, '2001:db8::1f-2001:db8::10')).toMatch(/is a range whose first address is after its last; swap them/);
    expect(parsePoolAddress('2001:db8::/200')).toMatch(/is not a CIDR: the prefix \/200/);
  });
});

describe('dual-stack MetalLB pools', () => {
  const pools = [{ name: 'v4', addresses: ['192.168.1.240/28'] }, { name: 'v6', addresses: ['2001:db8::100-2001:db8::1ff'] }];
  it('finds the pool of an IPv6 gateway address, and never matches across families', () => {
    expect(poolsContaining(pools, '2001:db8::1a0')).toEqual(['v6']);
    expect(poolsContaining(pools, '192.168.1.241')).toEqual(['v4']);
    expect(poolsContaining(pools, '::ffff:c0a8:01f1')).toEqual([]); // an IPv4-mapped IPv6 address is IPv6
    expect(overlappingPools([...pools, { name: 'w6', addresses: ['2001:db8::1f0/124'] }])).toEqual([['v6', 'w6']]);
  });
  it('writes a single IPv6 address as /128', () => {
    expect(['2001:db8::10', '192.168.1.240'].map(toMetallbAddress)).toEqual(['2001:db8::10/128', '192.168.1.240/32']);
  });
});

describe('the address math agrees with node:net BlockList', () => {
  it.each([
    ['2001:db8:abcd::/48', ['2001:db8:abcd:ffff::1', '2001:db8:abce::', '2001:db8:abcc:ffff:ffff:ffff:ffff:ffff']],
    ['10.1.2.0/23', ['10.1.3.255', '10.1.4.0', '10.1.1.255']],
    ['::/0', ['2001:db8::1', '::']],
    ['fe80::1:2:3:4/126', ['fe80::1:2:3:7', 'fe80::1:2:3:8']],
  ])('%s', (net, probes) => {
    const [addr, prefix] = net.split('/') as [string, string];
    const list = new BlockList();
    const family = addr.includes(':') ? 'ipv6' : 'ipv4';
    list.addSubnet(addr, Number(prefix), family);
    const span = parseCidr(net);
    if (typeof span === 'string') throw new Error(span);
    for (const p of probes) {
      const ip = parseIp(p)!;
      expect(ip.value >= span.first && ip.value <= span.last, p).toBe(list.check(p, family));
    }
  });
  it('ranges compare by value, not by text', () => {
    expect(parseRange('2001:db8::9-2001:db8::10')).toMatchObject({ family: 6 });
    expect(parseRange('10.0.0.9-10.0.0.10')).toMatchObject({ family: 4 });
  });
});
