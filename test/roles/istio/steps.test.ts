// Istio role steps on a FAKE in-memory cluster: the verify table (control plane and pod rows), which deployments get restarted,
// the pool check of `--tags istio`, and the namespaces/labels the role ensures.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/kube/types.ts';
import istio from '../../../roles/istio/index.ts';
import { checkPool, namespaceLabels, restartUninjected, uninjectedDeployments, verify } from '../../../roles/istio/steps.ts';
import { formatTable, verifyFacts, verifyRows } from '../../../roles/istio/verify.ts';
import { deployment, fakeClusterForTest, fakeTaskContextForTest, namespace, pod } from '../../fixtures/istio/fake-cluster.ts';
import { typedVars } from '../../fixtures/istio/role-vars.ts';

const vars = typedVars(istio, { istio_injection_namespaces: ['fraud-detection'] });

function gatewayService(type: string, ip?: string, nodePorts: Record<number, number> = {}): KubeObject {
  return {
    apiVersion: 'v1', kind: 'Service', metadata: { name: 'istio-gateway', namespace: 'istio-gateway' },
    spec: { type, ports: [15021, 80, 443].map((port) => ({ port, ...(nodePorts[port] ? { nodePort: nodePorts[port] } : {}) })) },
    status: ip ? { loadBalancer: { ingress: [{ ip }] } } : {},
  };
}

const istiod = (image: string): KubeObject => {
  const d = deployment('istio-system', 'istiod', 1);
  return { ...d, spec: { ...(d.spec as object), template: { spec: { containers: [{ name: 'discovery', image }] } } } };
};
const injector: KubeObject = { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'istio-sidecar-injector' } };

const healthy = (): KubeObject[] => [
  istiod('docker.io/istio/pilot:1.30.3'),
  namespace('istio-system', { name: 'istio-system' }),
  injector,
  deployment('istio-gateway', 'istio-gateway', 1),
  gatewayService('LoadBalancer', '192.168.1.240', { 80: 31080, 443: 31443, 15021: 31021 }),
  namespace('fraud-detection', { 'istio-injection': 'enabled' }),
  pod('fraud-detection', 'api-1', { app: 'api' }, ['api', 'istio-proxy']),
  pod('fraud-detection', 'old-1', { app: 'old' }, ['old']),
  pod('fraud-detection', 'done-1', { app: 'job' }, ['job'], 'Succeeded'),
];

describe('verify', () => {
  it('prints the by-hand checks as a table; a pod without sidecar is a warning by default', async () => {
    const r = await verify(fakeClusterForTest(healthy()), vars, fakeTaskContextForTest(fakeClusterForTest([])));
    expect(r.status).toBe('ok');
    const cells = r.msg!.trim().split('\n').map((l) => l.split(/\s{2,}/));
    expect(cells).toEqual([
      ['CHECK', 'EXPECTED', 'ACTUAL', 'RESULT'],
      ['deploy istio-system/istiod', 'available', '1/1 available', 'ok'],
      ['istiod image', 'pilot:1.30.3', 'docker.io/istio/pilot:1.30.3', 'ok'],
      ['deploy istio-gateway/istio-gateway', 'available', '1/1 available', 'ok'],
      ['svc istio-gateway/istio-gateway EXTERNAL-IP', 'LoadBalancer 192.168.1.240', 'LoadBalancer 192.168.1.240', 'ok'],
      ['svc istio-gateway/istio-gateway NodePorts', '80:31080 443:31443 15021:31021', '80:31080 443:31443 15021:31021', 'ok'],
      ['ns istio-system', 'name=istio-system', 'name=istio-system', 'ok'],
      ['mutatingwebhook istio-sidecar-injector', 'present', 'present', 'ok'],
      ['ns fraud-detection', 'istio-injection=enabled', 'istio-injection=enabled', 'ok'],
      ['pod fraud-detection/api-1', '2/2 ready, istio-proxy', '2/2 ready, istio-proxy', 'ok'],
      ['pod fraud-detection/old-1', 'istio-proxy sidecar', '1/1 ready, no sidecar', 'warn'],
      ['fix pod fraud-detection/old-1: restart it to get a sidecar (kubectl -n fraud-detection rollout restart its workload, or set istio_restart_uninjected: true)'],
    ]);
    const rows = (r.data!.verify as { check: string; result: string }[]).map((x) => `${x.check}=${x.result}`);
    expect(rows).toEqual([
      'deploy istio-system/istiod=ok', 'istiod image=ok', 'deploy istio-gateway/istio-gateway=ok', 'svc istio-gateway/istio-gateway EXTERNAL-IP=ok', 'svc istio-gateway/istio-gateway NodePorts=ok',
      'ns istio-system=ok', 'mutatingwebhook istio-sidecar-injector=ok', 'ns fraud-detection=ok', 'pod fraud-detection/api-1=ok', 'pod fraud-detection/old-1=warn',
    ]);
  });

  it('fails, with the fix, for istiod of another release, a missing name label or injector, and a pod whose sidecar is not ready', async () => {
    const notReady = pod('fraud-detection', 'api-2', { app: 'api' }, ['api', 'istio-proxy']);
    (notReady.status as { containerStatuses: { ready: boolean }[] }).containerStatuses[1]!.ready = false;
    const objects = [
      ...healthy().filter((o) => o.kind !== 'MutatingWebhookConfiguration' && o.metadata.name !== 'istio-system' && o.metadata.name !== 'istiod'),
      istiod('docker.io/istio/pilot:1.29.0'), namespace('istio-system'), notReady,
    ];
    const rows = verifyRows(vars, await verifyFacts(fakeClusterForTest(objects), vars)).filter((r) => r.result === 'FAIL');
    expect(rows.map((r) => [r.check, r.actual, r.fix])).toEqual([
      ['istiod image', 'docker.io/istio/pilot:1.29.0', 'istiod runs another release than istio_version 1.30.3: rerun the istio role, or set istio_version to the installed one'],
      ['ns istio-system', 'name=<none>', 'kubectl label namespace istio-system name=istio-system (the namespaces task sets it; NetworkPolicies reach istiod through it)'],
      ['mutatingwebhook istio-sidecar-injector', 'not found', 'the istiod release installs it: rerun the istio role; without it no pod gets a sidecar'],
      ['pod fraud-detection/api-2', '1/2 ready, istio-proxy', 'kubectl -n fraud-detection describe pod api-2 (a container is not ready; an istio-proxy not ready often means istiod is unreachable)'],
    ]);
  });

  it('fails with the table when a var asks for sidecars, or when the gateway has the wrong IP', async () => {
    const strict = typedVars(istio, { istio_injection_namespaces: ['fraud-detection'], istio_verify_require_sidecars: true });
    const ctx = fakeTaskContextForTest(fakeClusterForTest([]));
    await expect(verify(fakeClusterForTest(healthy()), strict, ctx)).rejects.toThrow(/1 check failed\n[\s\S]*old-1 .*no sidecar .*FAIL/);
    const wrongIp = healthy().map((o) => (o.kind === 'Service' ? gatewayService('LoadBalancer', '192.168.1.241', { 80: 31080, 443: 31443, 15021: 31021 }) : o));
    await expect(verify(fakeClusterForTest(wrongIp), vars, ctx)).rejects.toThrow(/EXTERNAL-IP .*LoadBalancer 192\.168\.1\.241 .*FAIL/);
  });

  it('in check mode reports failing rows without failing the task', async () => {
    const r = await verify(fakeClusterForTest([]), vars, fakeTaskContextForTest(fakeClusterForTest([]), true));
    expect(r.status).toBe('ok');
    expect(r.msg).toMatch(/^check mode: 6 checks would fail now \(reported only\)\n/);
  });

  it('checks the NodePorts when metallb is absent', () => {
    const np = typedVars(istio, { metallb_state: 'absent', istio_injection_namespaces: [] });
    const facts = (ports: Record<number, number>) => ({ service: gatewayService('NodePort', undefined, ports), namespaces: {}, pods: {} });
    const row = (ports: Record<number, number>) => verifyRows(np, facts(ports)).find((r) => r.check.endsWith('NodePorts'))!;
    expect(row({ 80: 31080, 443: 31443, 15021: 31021 })).toEqual({ check: 'svc istio-gateway/istio-gateway NodePorts', expected: 'NodePort 80:31080 443:31443 15021:31021', actual: 'NodePort 80:31080 443:31443 15021:31021', result: 'ok' });
    expect(row({ 80: 30080, 443: 31443, 15021: 31021 }).result).toBe('FAIL');
  });

  it('lines the table up in columns', () => {
    const table = formatTable([{ check: 'a', expected: 'bb', actual: 'c', result: 'ok' }, { check: 'long check', expected: 'x', actual: 'yyy', result: 'FAIL' }]);
    expect(table).toBe('CHECK       EXPECTED  ACTUAL  RESULT\na           bb        c       ok\nlong check  x         yyy     FAIL');
  });
});

describe('restart of deployments without a sidecar', () => {
  it('picks the deployments whose running pods lack istio-proxy', () => {
    const objects = healthy();
    const deployments = [deployment('fraud-detection', 'api', 1), deployment('fraud-detection', 'old', 1), deployment('fraud-detection', 'job', 1, { app: 'job' })];
    expect(uninjectedDeployments(deployments, objects.filter((o) => o.kind === 'Pod'))).toEqual(['old']);
  });

  it('restarts them through the cluster (check mode passes through)', async () => {
    const cluster = fakeClusterForTest([...healthy(), deployment('fraud-detection', 'api', 1), deployment('fraud-detection', 'old', 1)]);
    const r = await restartUninjected(cluster, vars, fakeTaskContextForTest(cluster, true));
    expect(r.status).toBe('changed');
    expect(cluster.calls).toEqual(['restart fraud-detection old (check)']);
  });
});

describe('pool check for --tags istio', () => {
  const crd: KubeObject = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', metadata: { name: 'ipaddresspools.metallb.io' } };
  const pool = (addresses: string[]): KubeObject => ({ apiVersion: 'metallb.io/v1beta1', kind: 'IPAddressPool', metadata: { name: 'default', namespace: 'metallb-system' }, spec: { addresses } });

  it('is ok when a pool holds the gateway IP', async () => {
    expect(await checkPool(fakeClusterForTest([crd, pool(['192.168.1.240-192.168.1.250'])]), vars)).toEqual({ status: 'ok', msg: 'MetalLB pool metallb-system/default holds 192.168.1.240' });
  });

  it('says clearly when no pool holds it, or MetalLB is not installed', async () => {
    await expect(checkPool(fakeClusterForTest([crd, pool(['10.0.0.0/24'])]), vars))
      .rejects.toThrow('no MetalLB IPAddressPool contains istio_gateway_loadbalancer_ip 192.168.1.240; pools on the cluster: metallb-system/default (10.0.0.0/24)');
    await expect(checkPool(fakeClusterForTest([], { missingKinds: ['IPAddressPool'] }), vars))
      .rejects.toMatchObject({ message: expect.stringMatching(/^MetalLB is not installed/), hint: expect.stringMatching(/--tags metallb,istio/) });
  });
});

describe('namespaces and labels', () => {
  it('labels istio-system name=istio-system, injection namespaces istio-injection=enabled, and creates the mesh namespaces', () => {
    const v = typedVars(istio, { istio_network_policies: [{ namespace: 'seldon-mesh' }] });
    expect(Object.fromEntries(namespaceLabels(v))).toEqual({
      'istio-system': { name: 'istio-system' },
      'istio-gateway': {},
      'fraud-detection': { 'istio-injection': 'enabled' },
      'financial-inference': { 'istio-injection': 'enabled' },
      'financial-mlops-pytorch': { 'istio-injection': 'enabled' },
      'seldon-mesh': {},
    });
  });
});
