// lib/vars/bounds.ts and the value types of lib/vars/types.ts that keep late-failing values out:
// quantities compared across units, min/max order, and option-like or shell-like values refused.
import { describe, expect, it } from 'vitest';
import { minNotAboveMax, requestWithinLimit } from '../../../lib/vars/bounds.ts';
import { absolutePath, commandName, controllerPath, hostOrIp, kernelModule, nodeName, quantityValue, userName } from '../../../lib/vars/types.ts';

const from = (name: string): string => `group_vars/all.yml (${name})`;

describe('quantityValue', () => {
  it.each([['512Mi', 512 * 2 ** 20], ['1Gi', 2 ** 30], ['2G', 2e9], ['500m', 0.5], ['1e3', 1000], [3, 3], ['1.5Ki', 1536]] as const)('%s', (q, v) => {
    expect(quantityValue(q)).toBe(v);
  });
});

describe('requestWithinLimit / minNotAboveMax', () => {
  it('refuses a request above its limit across units and names both vars', () => {
    const p = requestWithinLimit({ r: '2G', l: '1Gi' }, 'r', 'l', from);
    expect(p).toEqual([{ file: from('r'), key: 'r', message: expect.stringMatching(/^2G is above l \(1Gi, from .*\).*lower the request or raise the limit$/) }]);
  });
  it('accepts equal and smaller requests', () => {
    expect(requestWithinLimit({ r: '1024Mi', l: '1Gi' }, 'r', 'l', from)).toEqual([]);
    expect(requestWithinLimit({ r: '256Mi', l: '512Mi' }, 'r', 'l', from)).toEqual([]);
  });
  it('refuses min above max only', () => {
    expect(minNotAboveMax({ a: 6, b: 5 }, 'a', 'b', from)).toHaveLength(1);
    expect(minNotAboveMax({ a: 5, b: 5 }, 'a', 'b', from)).toEqual([]);
  });
});

describe('values that reach commands', () => {
  const ok = (schema: { safeParse(v: unknown): { success: boolean } }, v: string): boolean => schema.safeParse(v).success;
  it.each([
    [absolutePath, '/etc/systemd/system', true], [absolutePath, '--help', false], [absolutePath, '-oProxyCommand=x', false],
    [absolutePath, 'etc/x', false], [absolutePath, '/etc/x\n/y', false],
    [controllerPath, '~/.kube/config', true], [controllerPath, './kc', true], [controllerPath, '-x', false],
    [commandName, 'haproxy', true], [commandName, '/usr/sbin/haproxy', true], [commandName, '--help', false], [commandName, 'curl; id', false],
    [kernelModule, 'br_netfilter', true], [kernelModule, '-r', false],
    [userName, 'ubuntu', true], [userName, '-oProxyCommand=id', false], [userName, 'root;id', false],
    [hostOrIp, '192.168.1.101', true], [hostOrIp, 'fd00::1', true], [hostOrIp, 'k8s-api.example.com', true],
    [hostOrIp, 'https://10.0.0.1:6443', false], [hostOrIp, '-oProxyCommand=id', false], [hostOrIp, '10.0.0.1; reboot', false],
    [nodeName, 'k8s-node1', true], [nodeName, 'Bad_Name', false], [nodeName, '-node', false],
  ] as const)('%#: %s', (schema, value, accepted) => {
    expect(ok(schema, value)).toBe(accepted);
  });
});
