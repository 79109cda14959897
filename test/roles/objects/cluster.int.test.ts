// The objects role on the REAL control plane (lib/lab/cluster via test/support/cluster.ts: etcd,
// kube-apiserver 1.35, kube-controller-manager, kwok; this file's own cluster): the platform docs'
// objects pasted into manifests/ pass --plan offline, --check dry-runs them and stores nothing, a
// run applies them as field manager capstan in the ApplySet (the real PV controller binds the
// docs' PVC to a pre-created PV), a rerun writes nothing, --diff shows the field, removed objects
// are pruned while a kubectl-created one and an opted-out one stay, a kubectl-owned field is a
// conflict naming kubectl, a field dropped from the inventory leaves the object, a PVC that never
// binds and a Certificate never Ready (cert-manager STAND-IN marks it Ready=False) fail the wait
// naming each and its condition within the bound, ExternalName through the shortcut, a CR whose
// CRD a later role installs, and a broken object stops the run before any request.
import { cpSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { playInProcess } from '../../support/play-in-process.ts';
import { connectKube, loadKubeConfig } from '../../../lib/kube/client.ts';
import { isLockRequest } from '../../../lib/lock/lease.ts';
import { applySetId } from '../../../lib/objects/applyset.ts';
import { stripHelm } from '../../../lib/objects/bundle/read-sources.ts';
import { createWaiter } from '../../../lib/wait/index.ts';
import { inventoryCopy, type TaskEvent } from '../../fixtures/istio/inventory-copy.ts';
import { useCluster } from '../../support/cluster.ts';
import { CERT_NOT_READY, startCertManagerNotReadyStandIn } from '../../../lib/lab/stand-ins/cert-manager-not-ready.ts';
import type { MergePatch, StandIn } from '../../../lib/lab/stand-ins/watch.ts';
import { SHARED_CHARTS } from '../../../lib/lab/shared-dir.ts';

const PROJECT = resolve(import.meta.dirname, '../../..');
const DOCS = join(PROJECT, 'test/fixtures/objects/platform-docs/manifests');
const ID = applySetId({ name: 'capstan-objects', namespace: 'kube-system' });
// No LoadBalancer Services here: the cluster runs without the LoadBalancer-IP stand-in.
const c = useCluster({ lbIps: false });
let dir: string;
let inv: string;
const standIns: StandIn[] = [];

interface Run { code: number; tasks: TaskEvent[]; stderr: string; stdout: string; writes: string[]; requests: number }

async function play(args: string[]): Promise<Run> {
  const mark = c().requests.length;
  const { code, out, err } = await playInProcess(['--inventory', inv, '--tags', 'objects', ...(args.includes('--plan') ? [] : ['--json']), ...args], c().kubeconfig);
  const tasks = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string }).filter((e): e is TaskEvent => e.type === 'task_result');
  // The run's cluster lock (a Lease, lib/lock) is not an object write: leave its requests out.
  const requests = c().requests.slice(mark);
  const writes = requests.filter((r) => r.method !== 'GET' && !isLockRequest(r.path)).map((r) => `${r.method} ${r.path}${r.query ? `?${r.query}` : ''}`);
  return { code, tasks, stderr: err, stdout: out, writes, requests: requests.length };
}

const task = (r: Run, name: string) => r.tasks.find((t) => t.task === name);
const get = (apiVersion: string, kind: string, ns: string | undefined, name: string) => c().get(apiVersion, kind, ns, name);
const adminPatch = (): MergePatch => async (path, body) => {
  await c().cluster.api.must('PATCH', path, body, { contentType: 'application/merge-patch+json' });
};

/** Server-side apply of `obj` as another client (field manager `manager`), e.g. kubectl. */
async function createAs(manager: string, obj: Record<string, any>): Promise<unknown> {
  const path = await c().cluster.api.resourcePath(obj.apiVersion, obj.kind, obj.metadata.namespace, obj.metadata.name);
  return c().cluster.api.must('PATCH', `${path}?fieldManager=${manager}`, obj, { contentType: 'application/apply-patch+yaml' });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'capstan-objects-cluster-'));
  inv = inventoryCopy(dir, c().kubeconfig, 'helm', { k8s_objects_wait_timeout: 60 });
  cpSync(DOCS, join(inv, 'manifests'), { recursive: true });
  // A pre-created PV for the docs' PVC (fast-ssd): nothing provisions volumes here; the real PV controller binds it.
  await c().create({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'mlops-data-pv' },
    spec: { storageClassName: 'fast-ssd', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/srv/mlops-data' } } });
  // cert-manager's Certificate CRD from the pinned chart (the chart itself is not installed).
  const crd = parseAllDocuments(stripHelm(readFileSync(join(SHARED_CHARTS, 'cert-manager/templates/crd-cert-manager.io_certificates.yaml'), 'utf8')))[0]!.toJS();
  await c().create(crd);
  await createWaiter(connectKube(loadKubeConfig(c().kubeconfig))).crdEstablished('certificates.cert-manager.io', { timeoutSeconds: 60, log: () => {} });
}, 240_000);

/** Runs `fn` with a stand-in controller watching, stopped afterwards. */
async function withStandIn<T>(start: () => StandIn, fn: () => Promise<T>): Promise<T> {
  const s = start();
  standIns.push(s);
  try {
    return await fn();
  } finally {
    standIns.splice(standIns.indexOf(s), 1);
    await s.stop();
  }
}

afterAll(async () => {
  for (const s of standIns) await s.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('objects role on the real control plane', { timeout: 120_000 }, () => {
  it('--plan lists every object, offline, and says which got the default namespace', async () => {
    const r = await play(['--plan']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.requests, '--plan sends no request').toBe(0);
    for (const o of ['networkpolicy mlops/mlops-network-policy', 'rolebinding mlops/mlops-platform-rolebinding', 'storageclass fast-ssd', 'service default/mlops-database']) {
      expect(r.stdout).toContain(o);
    }
    expect(r.stdout).toMatch(/persistentvolumeclaim default\/mlops-data \([^)]*manifests\/storage\.yaml:15\), namespace default from k8s_objects_namespace/);
    expect(r.stdout).toMatch(/networkpolicy financial-inference\/financial-inference-isolation \([^)]*manifests\/network-policies\.yaml:3\)\n/);
  });

  it('--check: server-side dry-run applies only, nothing stored', async () => {
    const r = await play(['--check']);
    expect(r.code, r.stderr).toBe(0);
    expect(task(r, 'objects apply')?.status).toBe('changed');
    expect(task(r, 'objects apply')?.msg).toMatch(/would create networkpolicy mlops\/mlops-network-policy \(dry-run skipped: namespace mlops is created by this run\)/);
    expect(task(r, 'objects apply')?.msg).toContain('would create storageclass fast-ssd,');
    expect(r.writes.length).toBeGreaterThan(0);
    for (const w of r.writes) expect(w).toMatch(/^PATCH .*dryRun=All/);
    expect(await get('v1', 'Namespace', undefined, 'mlops')).toBeUndefined();
    expect(await get('storage.k8s.io/v1', 'StorageClass', undefined, 'fast-ssd')).toBeUndefined();
  });

  it('a run applies them all as field manager capstan, in the ApplySet, and waits until healthy', async () => {
    const r = await play([]);
    expect(r.code, `${r.stderr}\n${JSON.stringify(r.tasks, null, 1)}`).toBe(0);
    const np = await get('networking.k8s.io/v1', 'NetworkPolicy', 'mlops', 'mlops-network-policy');
    // the real server stores the docs' `to: []` as no `to` at all (allow to anywhere, the same rule)
    expect(np.spec.egress[1].to ?? []).toEqual([]);
    expect(np.spec.egress[1].ports).toEqual([{ protocol: 'TCP', port: 443 }, { protocol: 'TCP', port: 80 }]);
    expect(np.metadata.labels['applyset.kubernetes.io/part-of']).toBe(ID);
    expect(np.metadata.managedFields.map((m: { manager: string }) => m.manager)).toEqual(['capstan']);
    expect(await get('networking.k8s.io/v1', 'NetworkPolicy', 'default', 'default-deny-all')).toBeDefined();
    expect((await get('v1', 'Service', 'default', 'mlops-database')).spec.clusterIP).toBe('None');
    const parent = await get('v1', 'ConfigMap', 'kube-system', 'capstan-objects');
    expect(parent.metadata.labels['applyset.kubernetes.io/id']).toBe(ID);
    expect(parent.metadata.annotations['applyset.kubernetes.io/contains-group-kinds'])
      .toBe('Namespace,NetworkPolicy.networking.k8s.io,PersistentVolumeClaim,Role.rbac.authorization.k8s.io,RoleBinding.rbac.authorization.k8s.io,Service,ServiceAccount,StorageClass.storage.k8s.io');
    expect(parent.metadata.annotations['applyset.kubernetes.io/additional-namespaces']).toBe('default,financial-inference,mlops,production');
    const health = task(r, 'objects healthy')!;
    expect(health.msg).toMatch(/13 objects healthy/);
    expect(health.msg).toMatch(/persistentvolumeclaim default\/mlops-data\s+Bound to mlops-data-pv/);
    expect(health.msg).toMatch(/service default\/mlops-database\s+headless/);
  });

  it('a rerun makes 0 write requests', async () => {
    const r = await play([]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.writes).toEqual([]);
    expect(task(r, 'objects apply')?.msg).toBe('13 objects up to date');
  });

  it('--diff shows the changed field and sends one PATCH', async () => {
    const file = join(inv, 'manifests', 'network-policies.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('port: 8000', 'port: 8001'));
    const r = await play(['--diff']);
    expect(r.code, r.stderr).toBe(0);
    const apply = task(r, 'objects apply')!;
    expect(apply.msg).toBe('updated networkpolicy mlops/mlops-network-policy (12 unchanged)');
    expect(apply.diff).toMatch(/-\s+port: 8000\n\+\s+port: 8001/);
    expect(r.writes).toEqual([expect.stringMatching(/^PATCH \/apis\/networking.k8s.io\/v1\/namespaces\/mlops\/networkpolicies\/mlops-network-policy\?/)]);
  });

  it('removed objects are pruned (--check first); kubectl-created and opted-out objects are never touched', async () => {
    await createAs('kubectl', { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'by-hand', namespace: 'mlops' }, spec: { podSelector: {} } });
    await c().cluster.api.must('PATCH', '/apis/networking.k8s.io/v1/namespaces/production/networkpolicies/model-server-policy?fieldManager=kubectl-annotate',
      { metadata: { annotations: { 'capstan.io/prune': 'false' } } }, { contentType: 'application/merge-patch+json' });
    const file = join(inv, 'manifests', 'network-policies.yaml');
    const docs = readFileSync(file, 'utf8').split('\n---\n');
    writeFileSync(file, docs.filter((d) => !/name: (default-deny-all|model-server-policy)$/m.test(d)).join('\n---\n'));
    unlinkSync(join(inv, 'manifests', 'headless-service.yaml'));

    const check = await play(['--check']);
    expect(check.code, check.stderr).toBe(0);
    expect(task(check, 'objects prune')?.msg).toBe('would prune service default/mlops-database, networkpolicy default/default-deny-all; kept (capstan.io/prune: "false"): networkpolicy production/model-server-policy');
    expect(check.writes.filter((w) => !w.includes('dryRun=All'))).toEqual([]);

    const r = await play([]);
    expect(r.code, r.stderr).toBe(0);
    expect(task(r, 'objects prune')?.status).toBe('changed');
    expect(await get('networking.k8s.io/v1', 'NetworkPolicy', 'default', 'default-deny-all')).toBeUndefined();
    expect(await get('v1', 'Service', 'default', 'mlops-database')).toBeUndefined();
    expect(await get('networking.k8s.io/v1', 'NetworkPolicy', 'production', 'model-server-policy')).toBeDefined();
    expect(await get('networking.k8s.io/v1', 'NetworkPolicy', 'mlops', 'by-hand')).toBeDefined();
    expect((await get('v1', 'ConfigMap', 'kube-system', 'capstan-objects')).metadata.annotations['applyset.kubernetes.io/contains-group-kinds']).not.toMatch(/(^|,)Service(,|$)/);

    const again = await play([]);
    expect(again.writes).toEqual([]);
    expect(task(again, 'objects prune')?.msg).toBe('nothing to prune');
  });

  it('a field kubectl owns is a conflict naming kubectl; kube_apply_force takes it over', async () => {
    await createAs('kubectl', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'mlops' }, data: { mode: 'manual' } });
    writeFileSync(join(inv, 'manifests', 'settings.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: mlops\ndata:\n  mode: managed\n');
    const r = await play([]);
    expect(r.code).toBe(2);
    expect(task(r, 'objects apply')?.msg).toMatch(/configmap mlops\/settings: .*conflict with "kubectl".*\.data\.mode.*kube_apply_force/s);
    expect((await get('v1', 'ConfigMap', 'mlops', 'settings')).data.mode).toBe('manual');
    const forced = await play(['-e', 'kube_apply_force=true']);
    expect(forced.code, forced.stderr).toBe(0);
    expect((await get('v1', 'ConfigMap', 'mlops', 'settings')).data.mode).toBe('managed');
  });

  it('a field removed from the inventory is removed from the object (compare-first sees capstan no longer declares it)', async () => {
    const file = join(inv, 'manifests', 'settings.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('  mode: managed\n', '  mode: managed\n  extra: "1"\n'));
    expect((await play([])).code).toBe(0);
    expect((await get('v1', 'ConfigMap', 'mlops', 'settings')).data).toEqual({ mode: 'managed', extra: '1' });
    writeFileSync(file, readFileSync(file, 'utf8').replace('  extra: "1"\n', ''));
    const r = await play([]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.writes).toEqual([expect.stringMatching(/^PATCH \/api\/v1\/namespaces\/mlops\/configmaps\/settings\?/)]);
    expect((await get('v1', 'ConfigMap', 'mlops', 'settings')).data).toEqual({ mode: 'managed' });
    expect((await play([])).writes).toEqual([]);
  });

  it('a PVC that never binds and a Certificate never Ready: the wait names each and its last condition, within its bound', async () => {
    writeFileSync(join(inv, 'manifests', 'pending.yaml'), [
      'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: scratch, namespace: mlops}\nspec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: no-such-class\n  resources: {requests: {storage: 1Gi}}',
      'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: api-tls, namespace: mlops}\nspec:\n  secretName: api-tls\n  dnsNames: [api.mlops.example.internal]\n  issuerRef: {name: missing-issuer}',
    ].join('\n---\n'));
    const started = Date.now();
    const r = await withStandIn(() => startCertManagerNotReadyStandIn(adminPatch(), c().kubeconfig), () => play(['-e', 'k8s_objects_wait_timeout=5']));
    const took = Date.now() - started;
    expect(r.code).toBe(2);
    const msg = task(r, 'objects healthy')!.msg!;
    expect(msg).toMatch(/2 objects not healthy/);
    expect(msg).toMatch(/persistentvolumeclaim mlops\/scratch\s+PENDING timed out after 5s waiting for persistentvolumeclaim mlops\/scratch: Pending, not Bound/);
    expect(msg).toMatch(new RegExp(`certificate mlops/api-tls\\s+PENDING timed out after 5s waiting for certificate mlops/api-tls: Ready=False \\(DoesNotExist\\): ${CERT_NOT_READY}`));
    expect(msg).toMatch(/persistentvolumeclaim default\/mlops-data\s+Bound/);
    expect(took).toBeLessThan(40_000);
    unlinkSync(join(inv, 'manifests', 'pending.yaml'));
  });

  it('an ExternalName Service through the k8s_services shortcut is applied and healthy, and pruned when the entry goes', async () => {
    const svc = { k8s_services: [{ name: 'billing-db', namespace: 'mlops', type: 'external_name', external_name: 'db.billing.example.internal' }] };
    const r = await play(['-e', JSON.stringify(svc)]);
    expect(r.code, r.stderr).toBe(0);
    expect((await get('v1', 'Service', 'mlops', 'billing-db')).spec).toMatchObject({ type: 'ExternalName', externalName: 'db.billing.example.internal' });
    expect(task(r, 'objects healthy')?.msg).toMatch(/service mlops\/billing-db\s+ExternalName db\.billing\.example\.internal/);
    const gone = await play([]);
    expect(task(gone, 'objects prune')?.msg).toBe('pruned service mlops/billing-db');
    expect(await get('v1', 'Service', 'mlops', 'billing-db')).toBeUndefined();
  });

  it('--check with a custom resource whose CRD a later role installs: reported, not failed', async () => {
    const file = join(inv, 'manifests', 'experiment.yaml');
    writeFileSync(file, 'apiVersion: mlops.seldon.io/v1alpha1\nkind: Experiment\nmetadata: {name: ab-test, namespace: mlops}\nspec:\n  candidates:\n  - {name: iris-a, weight: 50}\n  - {name: iris-b, weight: 50}\n');
    const r = await play(['--check']);
    expect(r.code, `${r.stderr}\n${JSON.stringify(r.tasks, null, 1)}`).toBe(0);
    expect(task(r, 'objects apply')?.msg).toMatch(/would create experiment mlops\/ab-test \(dry-run skipped: its CRD is not installed yet \(the seldon role installs it\)\)/);
    unlinkSync(file);
  });

  it('a broken object stops the run before any request, naming file:line › field', async () => {
    cpSync(join(PROJECT, 'test/fixtures/objects/broken/07-service-type-typo.yaml'), join(inv, 'manifests', 'broken.yaml'));
    const r = await play([]);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/manifests\/broken\.yaml:7 › spec\.type: "LoadBalancr" is not one of ClusterIP, NodePort, LoadBalancer, ExternalName; did you mean LoadBalancer\?/);
    expect(r.requests, 'a broken object: no request').toBe(0);
    unlinkSync(join(inv, 'manifests', 'broken.yaml'));
  });
});
