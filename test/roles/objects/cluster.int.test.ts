// The objects role on the REAL control plane (lib/lab/cluster via test/support/cluster.ts: etcd,
// kube-apiserver 1.35, kube-controller-manager, kwok): the platform docs' objects pasted into
// manifests/ are applied (the real PV controller binds the docs' PVC to a pre-created PV), a rerun
// writes nothing, --diff shows the field, removed objects are pruned while a kubectl-created one
// stays, and a PVC that never binds and a Certificate never Ready (cert-manager STAND-IN marks it
// Ready=False) fail the wait naming each and its condition within the bound.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { playMain } from '../../../lib/cli/play.ts';
import { connectKube, loadKubeConfig } from '../../../lib/kube/client.ts';
import { isLockRequest } from '../../../lib/lock/lease.ts';
import { stripHelm } from '../../../lib/objects/bundle/read-sources.ts';
import { createWaiter } from '../../../lib/wait/index.ts';
import { inventoryCopy, type TaskEvent } from '../../fixtures/istio/sim-lab.ts';
import { useCluster } from '../../support/cluster.ts';
import { CERT_NOT_READY, startCertManagerNotReadyStandIn } from '../../../lib/lab/stand-ins/cert-manager-not-ready.ts';
import type { MergePatch } from '../../../lib/lab/stand-ins/watch.ts';
import { SHARED_CHARTS } from '../../../lib/lab/shared-dir.ts';

const PROJECT = resolve(import.meta.dirname, '../../..');
// No LoadBalancer Services here: the cluster runs without MetalLB's controller.
const c = useCluster({ lbIps: false });
let dir: string;
let inv: string;

interface Run { code: number; tasks: TaskEvent[]; stderr: string; writes: string[] }

async function play(args: string[]): Promise<Run> {
  const mark = c().requests.length;
  let out = '';
  let err = '';
  const io = {
    stdout: { write: (s: string) => { out += s; return true; } },
    stderr: { write: (s: string) => { err += s; return true; } },
    projectDir: PROJECT, cwd: PROJECT, env: { ...process.env, KUBECONFIG: c().kubeconfig },
  };
  const code = await playMain(['--inventory', inv, '--tags', 'objects', '--json', ...args], io);
  const tasks = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string }).filter((e): e is TaskEvent => e.type === 'task_result');
  // The run's cluster lock (a Lease, lib/lock) is not an object write.
  const writes = c().writesSince(mark).filter((w) => !isLockRequest(w.split(' ')[1]!.split('?')[0]!));
  return { code, tasks, stderr: err, writes };
}

const task = (r: Run, name: string) => r.tasks.find((t) => t.task === name);
const adminPatch = (): MergePatch => async (path, body) => {
  await c().cluster.api.must('PATCH', path, body, { contentType: 'application/merge-patch+json' });
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'capstan-objects-cluster-'));
  inv = inventoryCopy(dir, c().kubeconfig, 'helm', { k8s_objects_wait_timeout: 60 });
  cpSync(join(PROJECT, 'test/fixtures/objects/platform-docs/manifests'), join(inv, 'manifests'), { recursive: true });
  await c().create({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'mlops-data-pv' },
    spec: { storageClassName: 'fast-ssd', capacity: { storage: '10Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/srv/mlops-data' } } });
  const crd = parseAllDocuments(stripHelm(readFileSync(join(SHARED_CHARTS, 'cert-manager/templates/crd-cert-manager.io_certificates.yaml'), 'utf8')))[0]!.toJS();
  await c().create(crd);
  const api = connectKube(loadKubeConfig(c().kubeconfig));
  await createWaiter(api).crdEstablished('certificates.cert-manager.io', { timeoutSeconds: 60, log: () => {} });
}, 240_000);

afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

describe('objects role on the real control plane', () => {
  it('applies the pasted docs objects and waits until healthy (the PV controller binds the PVC)', async () => {
    const r = await play([]);
    expect(r.code, `${r.stderr}\n${JSON.stringify(r.tasks, null, 1)}`).toBe(0);
    expect((await c().get('networking.k8s.io/v1', 'NetworkPolicy', 'mlops', 'mlops-network-policy')).spec.egress[1].to ?? []).toEqual([]);
    expect((await c().get('v1', 'Service', 'default', 'mlops-database')).spec.clusterIP).toBe('None');
    expect(task(r, 'objects healthy')?.msg).toMatch(/persistentvolumeclaim default\/mlops-data\s+Bound to mlops-data-pv/);
  }, 120_000);

  it('a rerun makes 0 write requests', async () => {
    const r = await play([]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.writes).toEqual([]);
    expect(task(r, 'objects apply')?.msg).toBe('13 objects up to date');
  }, 120_000);

  it('--diff shows the field; one PATCH', async () => {
    const file = join(inv, 'manifests', 'network-policies.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').replace('port: 8000', 'port: 8001'));
    const r = await play(['--diff']);
    expect(r.code, r.stderr).toBe(0);
    expect(task(r, 'objects apply')?.diff).toMatch(/-\s+port: 8000\n\+\s+port: 8001/);
    expect(r.writes).toEqual(['PATCH /apis/networking.k8s.io/v1/namespaces/mlops/networkpolicies/mlops-network-policy']);
  }, 120_000);

  it('prunes what left the inventory; a kubectl-created object stays', async () => {
    await c().create({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'by-hand', namespace: 'mlops' }, spec: { podSelector: {} } }, { fieldManager: 'kubectl-create' });
    const file = join(inv, 'manifests', 'network-policies.yaml');
    writeFileSync(file, readFileSync(file, 'utf8').split('\n---\n').filter((d) => !/name: default-deny-all$/m.test(d)).join('\n---\n'));
    const r = await play([]);
    expect(r.code, r.stderr).toBe(0);
    expect(task(r, 'objects prune')?.msg).toBe('pruned networkpolicy default/default-deny-all');
    expect(await c().get('networking.k8s.io/v1', 'NetworkPolicy', 'default', 'default-deny-all')).toBeUndefined();
    expect(await c().get('networking.k8s.io/v1', 'NetworkPolicy', 'mlops', 'by-hand')).toBeDefined();
  }, 120_000);

  it('a PVC that never binds and a Certificate never Ready: named with their last condition, within the bound', async () => {
    writeFileSync(join(inv, 'manifests', 'pending.yaml'), [
      'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata: {name: scratch, namespace: mlops}\nspec:\n  accessModes: [ReadWriteOnce]\n  storageClassName: no-such-class\n  resources: {requests: {storage: 1Gi}}',
      'apiVersion: cert-manager.io/v1\nkind: Certificate\nmetadata: {name: api-tls, namespace: mlops}\nspec:\n  secretName: api-tls\n  dnsNames: [api.mlops.example.internal]\n  issuerRef: {name: missing-issuer}',
    ].join('\n---\n'));
    const standIn = startCertManagerNotReadyStandIn(adminPatch(), c().kubeconfig);
    const started = Date.now();
    let r: Run;
    try {
      r = await play(['-e', 'k8s_objects_wait_timeout=5']);
    } finally {
      await standIn.stop();
    }
    expect(r.code).toBe(2);
    const msg = task(r, 'objects healthy')!.msg!;
    expect(msg).toMatch(/persistentvolumeclaim mlops\/scratch\s+PENDING timed out after 5s waiting for persistentvolumeclaim mlops\/scratch: Pending, not Bound/);
    expect(msg).toMatch(new RegExp(`certificate mlops/api-tls\\s+PENDING timed out after 5s waiting for certificate mlops/api-tls: Ready=False \\(DoesNotExist\\): ${CERT_NOT_READY}`));
    expect(Date.now() - started).toBeLessThan(40_000);
  }, 120_000);
});
