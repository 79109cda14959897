/**
 * Real helm 3.17 and helm 4.1 (and their kubectl) against the Kubernetes API simulator: the
 * upstream MetalLB and Istio base charts install with --wait, a second identical upgrade and an
 * uninstall work, helm's protobuf release Secrets decode, and kubectl's server-side apply, get
 * and rollout status behave.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { $ } from 'zx';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kubeBinaries, type HelmMajor } from '../lib/lab/helm-bin.ts';
import { startSimulator, type Simulator } from '../lib/lab/kube-sim/index.ts';
import { SHARED_CHARTS } from '../lib/lab/shared-dir.ts';

const charts = SHARED_CHARTS;
const demoChart = fileURLToPath(new URL('./fixtures/kube-sim/demo-chart', import.meta.url));

describe.each([3, 4] as HelmMajor[])('helm %i against the simulator', (major) => {
  const { helm, kubectl } = kubeBinaries(major);
  let sim: Simulator;
  let dir: string;
  let env: Record<string, string>;

  beforeAll(async () => {
    sim = await startSimulator({ controllerDelayMs: 20 });
    dir = await mkdtemp(join(tmpdir(), `kube-sim-helm${major}-`));
    await sim.writeKubeconfig(join(dir, 'kubeconfig'));
    env = { ...process.env as Record<string, string>, KUBECONFIG: join(dir, 'kubeconfig'), HELM_CACHE_HOME: join(dir, 'cache'), HELM_CONFIG_HOME: join(dir, 'config'), HELM_DATA_HOME: join(dir, 'data'), KUBECACHEDIR: join(dir, 'kubecache') };
  });
  afterAll(async () => {
    await sim?.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  const run = async (bin: string, args: string[]) => {
    const r = await $({ env, nothrow: true, quiet: true })`${bin} ${args}`;
    if (r.exitCode !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${r.exitCode}: ${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const install = (release: string, chart: string, namespace: string) =>
    run(helm, ['upgrade', '--install', release, join(charts, chart), '-n', namespace, '--create-namespace', '--wait', '--timeout', '60s']);

  it('installs MetalLB with --wait, upgrades it unchanged, and uninstalls it', async () => {
    await install('metallb', 'metallb', 'metallb-system');
    const controller = sim.store.get('apps/v1', 'Deployment', 'metallb-system', 'metallb-controller');
    expect(controller.status.conditions.find((c: any) => c.type === 'Available').status).toBe('True');
    expect(sim.store.get('apps/v1', 'DaemonSet', 'metallb-system', 'metallb-speaker').status.numberReady).toBe(1);
    const secret = sim.store.get('v1', 'Secret', 'metallb-system', 'sh.helm.release.v1.metallb.v1');
    expect(secret.metadata.labels).toMatchObject({ owner: 'helm', name: 'metallb', status: 'deployed' });
    const release = JSON.parse(gunzipSync(Buffer.from(Buffer.from(secret.data.release, 'base64').toString(), 'base64')).toString());
    expect(release).toMatchObject({ name: 'metallb', namespace: 'metallb-system', version: 1, chart: { metadata: { name: 'metallb', version: '0.16.1' } } });
    expect(sim.requests.some((r) => r.method === 'POST' && r.path.endsWith('/secrets') && r.contentType === 'application/vnd.kubernetes.protobuf')).toBe(true);

    await install('metallb', 'metallb', 'metallb-system');
    const history = JSON.parse(await run(helm, ['history', 'metallb', '-n', 'metallb-system', '-o', 'json']));
    expect(history.map((h: any) => `${h.revision}:${h.status}`)).toEqual(['1:superseded', '2:deployed']);

    await run(helm, ['uninstall', 'metallb', '-n', 'metallb-system', '--wait', '--timeout', '60s']);
    expect(sim.requests.some((r) => r.method === 'DELETE' && r.path.includes('/secrets/sh.helm.release') && r.contentType === 'application/vnd.kubernetes.protobuf' && r.status === 200)).toBe(true);
    expect(sim.store.get('apps/v1', 'Deployment', 'metallb-system', 'metallb-controller')).toBeUndefined();
    expect(sim.store.list('v1', 'Secret', 'metallb-system').filter((s) => s.metadata.labels?.owner === 'helm')).toEqual([]);
  });

  it('installs Istio base (CRDs in templates) with --wait; the CRD types are served at once', async () => {
    await install('istio-base', 'istio-base', 'istio-system');
    const crd = sim.store.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'virtualservices.networking.istio.io');
    expect(crd.status.conditions.find((c: any) => c.type === 'Established').status).toBe('True');
    const out = await run(kubectl, ['api-resources', '--api-group=networking.istio.io', '-o', 'name']);
    expect(out.split('\n')).toContain('virtualservices.networking.istio.io');
  });

  it('upgrades change and remove fields (helm 3: strategic merge patches, helm 4: server-side apply)', async () => {
    const demo = ['upgrade', '--install', 'demo', demoChart, '-n', 'demo', '--create-namespace', '--wait', '--timeout', '60s'];
    await run(helm, [...demo, '--set', 'extra=x']);
    expect(sim.store.get('v1', 'ConfigMap', 'demo', 'demo-config').data).toEqual({ greeting: 'hello', extraKey: 'x' });
    await run(helm, [...demo, '--set', 'greeting=hi,image=nginx:1.28,replicaCount=2']);
    expect(sim.store.get('v1', 'ConfigMap', 'demo', 'demo-config').data).toEqual({ greeting: 'hi' });
    const dep = sim.store.get('apps/v1', 'Deployment', 'demo', 'demo-web');
    expect(dep.metadata.labels.extra).toBeUndefined();
    expect(dep.spec.template.spec.containers.map((c: any) => `${c.name}=${c.image}`)).toEqual(['web=nginx:1.28']);
    expect(dep.metadata.generation).toBe(2);
    expect(dep.status).toMatchObject({ observedGeneration: 2, availableReplicas: 2 });
    const writes = sim.requests.filter((r) => r.method === 'PATCH' && r.path.endsWith('/configmaps/demo-config')).map((r) => r.contentType);
    expect(writes.at(-1)).toBe(major === 3 ? 'application/strategic-merge-patch+json' : 'application/apply-patch+yaml');
  });

  it('kubectl: apply --server-side, get and rollout status', async () => {
    const manifest = join(dir, 'app.yaml');
    await writeFile(manifest, [
      'apiVersion: v1\nkind: Namespace\nmetadata: {name: kubectl-app}',
      'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: kubectl-app}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: web}}\n  template:\n    metadata: {labels: {app: web}}\n    spec: {containers: [{name: web, image: "nginx:1.27"}]}',
    ].join('\n---\n'));
    const applied = await run(kubectl, ['apply', '--server-side', '-f', manifest]);
    expect(applied).toContain('deployment.apps/web serverside-applied');
    const rollout = await run(kubectl, ['rollout', 'status', 'deployment/web', '-n', 'kubectl-app', '--timeout=30s']);
    expect(rollout).toContain('successfully rolled out');
    const dep = JSON.parse(await run(kubectl, ['get', 'deployment', 'web', '-n', 'kubectl-app', '-o', 'json', '--show-managed-fields']));
    expect(dep.metadata.managedFields.map((m: any) => `${m.manager}/${m.operation}`)).toEqual(['kubectl/Apply']);
    expect(dep.status.availableReplicas).toBe(2);
    await run(kubectl, ['create', 'namespace', 'pb-ns']);
    expect(sim.store.get('v1', 'Namespace', undefined, 'pb-ns').status.phase).toBe('Active');
    await run(kubectl, ['create', 'configmap', 'pb', '-n', 'kubectl-app', '--from-literal=greeting=hello']);
    expect(sim.store.get('v1', 'ConfigMap', 'kubectl-app', 'pb').data).toEqual({ greeting: 'hello' });
    expect(sim.requests.filter((r) => r.method === 'POST' && r.contentType === 'application/vnd.kubernetes.protobuf').map((r) => r.path)).toContain('/api/v1/namespaces/kubectl-app/configmaps');
    const again = await run(kubectl, ['apply', '--server-side', '-f', manifest]);
    expect(again).toContain('deployment.apps/web serverside-applied');
    expect(sim.store.get('apps/v1', 'Deployment', 'kubectl-app', 'web').metadata.resourceVersion).toBe(dep.metadata.resourceVersion);
  });
});
