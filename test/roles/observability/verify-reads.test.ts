// How the observability verify reads (roles/observability/verify.ts): every component's Deployment
// and Service, the namespace's pods and Grafana's admin Secret in ONE round trip, each Service read
// once (the live rows pick the pod behind it from the pod list by its selector), on the COUNTING
// FAKE API (test/support/counting-kube-fake.ts). The live requests themselves: dashboard-forward.int.test.ts.
import { describe, expect, it } from 'vitest';
import type { KubeObject } from '../../../lib/kube/types.ts';
import { podBehind } from '../../../roles/observability/dashboard.ts';
import type { ObservabilityVars } from '../../../roles/observability/vars.ts';
import { verifyFacts, verifyRows } from '../../../roles/observability/verify.ts';
import { countingKubeFake } from '../../support/counting-kube-fake.ts';

const ns = 'istio-system';
const vars = (live: boolean) => ({
  observability_namespace: ns, observability_prometheus: true, observability_grafana: true, observability_kiali: true, observability_jaeger: true,
  observability_verify_live: live, observability_verify_timeout: 1, grafana_admin_user: 'admin',
}) as unknown as ObservabilityVars;
const deploy = (name: string): KubeObject => ({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns }, spec: { replicas: 1 }, status: { availableReplicas: 1 } });
const svc = (name: string, port: number, app: string): KubeObject => ({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { selector: { app }, ports: [{ port }] } });
const objects = [
  deploy('prometheus'), deploy('grafana'), deploy('kiali'), deploy('jaeger'),
  svc('prometheus', 9090, 'prometheus'), svc('grafana', 3000, 'grafana'), svc('kiali', 20001, 'kiali'), svc('tracing', 80, 'jaeger'),
];

describe('observability verify reads', () => {
  it('without live rows: 8 gets in one round trip', async () => {
    const kube = countingKubeFake(objects);
    const rows = verifyRows(vars(false), await verifyFacts(kube.cluster, vars(false)));
    expect(rows.every((r) => r.result === 'ok')).toBe(true);
    expect([kube.count('get'), kube.count('list'), kube.waves()]).toEqual([8, 0, 1]);
  });

  it('with live rows: one pod list and the admin Secret beside them, each Service read once', async () => {
    const kube = countingKubeFake(objects);
    const facts = await verifyFacts(kube.cluster, vars(true));
    expect(kube.waves()).toBe(1);
    expect(kube.requests.filter((r) => r.what.startsWith('v1/Service/')).length).toBe(4);
    expect(kube.requests.map((r) => r.what).filter((w) => !w.startsWith('apps/v1/Deployment') && !w.startsWith('v1/Service'))).toEqual([
      `v1/Pod {"namespace":"${ns}"}`, `v1/Secret/${ns}/grafana-admin`,
    ]);
    // no pods run here: each live row says so (warn), not a failure
    expect(facts.live?.kiali).toEqual({ reached: false, reason: `kiali: no running pod behind Service ${ns}/kiali (0 pods match app=kiali)` });
  });
});

describe('podBehind', () => {
  const pod = (name: string, labels: Record<string, string>, phase: string): KubeObject =>
    ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels }, status: { phase } });
  it("picks a running pod whose labels hold every selector label, from a whole namespace's pods", () => {
    const pods = [pod('other', { app: 'grafana' }, 'Running'), pod('kiali-pending', { app: 'kiali' }, 'Pending'), pod('kiali-1', { app: 'kiali', x: 'y' }, 'Running')];
    expect(podBehind(svc('kiali', 20001, 'kiali'), pods, ns, 'kiali').pod['metadata'].name).toBe('kiali-1');
    expect(() => podBehind(svc('kiali', 20001, 'kiali'), pods.slice(0, 2), ns, 'kiali')).toThrow('no running pod behind Service istio-system/kiali (1 pods match app=kiali)');
    expect(() => podBehind(undefined, pods, ns, 'kiali')).toThrow('Service istio-system/kiali not found');
  });
});
