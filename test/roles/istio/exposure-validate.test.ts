// istio_gateway_service_type: ClusterIP behind the inventory's external load balancers (HAProxy group, F5) is refused offline, naming both vars; without load balancers it is taken.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { playMain } from '../../../lib/cli/play.ts';
import istio from '../../../roles/istio/index.ts';
import { fakeValidateContext, messages, typedVars } from '../../fixtures/istio/role-vars.ts';

const projectDir = resolve(import.meta.dirname, '../../..');

function problems(overrides: Record<string, unknown>, groups: Record<string, string[]>, hostVars: Record<string, unknown> = {}): string[] {
  const vars = typedVars(istio, { metallb_state: 'absent', ...overrides });
  const ctx = fakeValidateContext({ allVars: { ...vars }, hostVars: { ...vars, ...hostVars }, selectedRoles: ['istio'], groups });
  return messages(istio.validate!(vars, ctx)).filter((m) => m.startsWith('istio_gateway_service_type'));
}

describe('a ClusterIP gateway and external load balancers', () => {
  it('refused with HAProxy hosts in the loadbalancers group, naming the service type and the NodePort vars', () => {
    const [p, ...rest] = problems({ istio_gateway_service_type: 'ClusterIP' }, { loadbalancers: ['lb1'] });
    expect(rest).toEqual([]);
    expect(p).toMatch(/^istio_gateway_service_type: ClusterIP gives the gateway Service no NodePorts.*HAProxy on group loadbalancers \(lb1\).*istio_gateway_http_nodeport 31080 and istio_gateway_https_nodeport 31443.*set istio_gateway_service_type: NodePort/);
  });

  it('refused with an F5 virtual address', () => {
    expect(problems({ istio_gateway_service_type: 'ClusterIP' }, {}, { f5_virtual_address: '192.0.2.200' })[0]).toMatch(/F5 \(f5_virtual_address 192\.0\.2\.200\)/);
  });

  it('taken without load balancers, and NodePort or LoadBalancer taken with them', () => {
    expect(problems({ istio_gateway_service_type: 'ClusterIP' }, { loadbalancers: [] })).toEqual([]);
    expect(problems({ istio_gateway_service_type: 'NodePort' }, { loadbalancers: ['lb1'] })).toEqual([]);
    expect(problems({}, { loadbalancers: ['lb1'] })).toEqual([]);
  });

  it('inventory/production with -e istio_gateway_service_type=ClusterIP: --plan exits 5 with file › key before anything connects', async () => {
    let stdout = '';
    let stderr = '';
    const io = { stdout: { write: (s: string) => { stdout += s; } }, stderr: { write: (s: string) => { stderr += s; } }, projectDir, cwd: projectDir, env: {} };
    const code = await playMain(['-i', 'inventory/production', '--plan', '--tags', 'istio', '-e', 'istio_gateway_service_type=ClusterIP'], io);
    expect(code).toBe(5);
    expect(stdout).not.toMatch(/istio base/);
    expect(stderr).toMatch(/-e › istio_gateway_service_type: ClusterIP gives the gateway Service no NodePorts, but the inventory's external load balancers, HAProxy on group loadbalancers \(lb1\) and F5 \(f5_virtual_address 192\.168\.1\.200\), route to istio_gateway_http_nodeport 31080/);
  });
});
