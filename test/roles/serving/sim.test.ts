// The serving role against the Kubernetes API SIMULATOR (lib/lab/kube-sim; `--tags serving`
// only: the charts are not installed, their CRDs are loaded from the pinned charts): the
// production inventory's issuers, Certificate, Ingresses, Models and Experiment are applied in
// their ApplySet, made Ready by the serving STAND-IN controller (no cert-manager or Seldon
// controller runs here), waited on with a verify table, and a rerun makes 0 writes.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { playMain } from '../../../lib/cli/play.ts';
import { isLockRequest } from '../../../lib/lock/lease.ts';
import { stripHelm } from '../../../lib/objects/bundle/read-sources.ts';
import { SHARED_CHARTS } from '../../../lib/lab/shared-dir.ts';
import { inventoryCopy, type TaskEvent } from '../../fixtures/istio/sim-lab.ts';
import { simPatch, startServingReadyStandIn, type StandIn } from '../../support/controller-stand-ins.ts';
import { startSimulator, type Simulator } from '../../../lib/lab/kube-sim/index.ts';

const PROJECT = resolve(import.meta.dirname, '../../..');
const CRD_FILES = [
  'cert-manager/templates/crd-cert-manager.io_certificates.yaml', 'cert-manager/templates/crd-cert-manager.io_clusterissuers.yaml',
  'seldon-core-v2-crds/templates/seldon-v2-crds.yaml',
];

let sim: Simulator;
let dir: string;
let inv: string;
let kubeconfig: string;
let standIn: StandIn | undefined;

interface Run { code: number; tasks: TaskEvent[]; stderr: string; writes: string[] }

async function play(args: string[]): Promise<Run> {
  sim.clearRequests();
  let out = '';
  let err = '';
  const io = {
    stdout: { write: (s: string) => { out += s; return true; } },
    stderr: { write: (s: string) => { err += s; return true; } },
    projectDir: PROJECT, cwd: PROJECT, env: { ...process.env, KUBECONFIG: kubeconfig },
  };
  const code = await playMain(['--inventory', inv, '--tags', 'serving', '--json', ...args], io);
  const tasks = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string }).filter((e): e is TaskEvent => e.type === 'task_result');
  const writes = sim.requests.filter((r) => r.method !== 'GET' && !isLockRequest(r.path)).map((r) => `${r.method} ${r.path}`);
  return { code, tasks, stderr: err, writes };
}
const task = (r: Run, name: string) => r.tasks.find((t) => t.task === name);

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'capstan-serving-sim-'));
  sim = await startSimulator({ controllerDelayMs: 20 });
  kubeconfig = join(dir, 'kubeconfig.yaml');
  await sim.writeKubeconfig(kubeconfig);
  inv = inventoryCopy(dir, kubeconfig, 'helm', { serving_wait_timeout: 20 });
  for (const f of CRD_FILES) {
    for (const d of parseAllDocuments(stripHelm(readFileSync(join(SHARED_CHARTS, f), 'utf8')))) {
      const crd = d.toJS();
      if (crd?.kind === 'CustomResourceDefinition') sim.store.create(crd);
    }
  }
  // The namespaces the charts' roles create (istio, seldon); this run selects only serving.
  for (const ns of ['istio-gateway', 'seldon-mesh', 'cert-manager']) sim.store.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
  standIn = startServingReadyStandIn(simPatch(sim), kubeconfig);
}, 30_000);

afterAll(async () => {
  await standIn?.stop();
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('serving role on the simulator, with the serving stand-in controller', () => {
  it('applies the production path, waits until each object is Ready, and names them in the verify table', async () => {
    const r = await play([]);
    expect(r.code, `${r.stderr}\n${JSON.stringify(r.tasks, null, 1)}`).toBe(0);
    expect(task(r, 'serving apply')?.status).toBe('changed');
    const ready = task(r, 'serving ready');
    expect(ready?.status).toBe('ok');
    for (const o of ['certificate istio-gateway/ml-tls-cert', 'experiment seldon-mesh/financial-ab-test-experiment', 'model seldon-mesh/financial-predictor-a', 'ingress seldon-mesh/financial-mlops-ingress', 'clusterissuer ml-selfsigned']) {
      expect(ready?.msg).toContain(o);
    }
    expect(ready?.msg).toMatch(/certificate istio-gateway\/ml-tls-cert +Ready=True \(StandIn\): marked Ready by the serving stand-in \(no cert-manager controller runs here\), notAfter \d{4}-\d\d-\d\dT/);
    expect(ready?.msg).toMatch(/experiment seldon-mesh\/financial-ab-test-experiment +Ready=True \(StandIn\): marked Ready by the serving stand-in \(no Seldon controller runs here\)/);
    const exp = sim.store.get('mlops.seldon.io/v1alpha1', 'Experiment', 'seldon-mesh', 'financial-ab-test-experiment');
    expect(exp.spec.candidates).toEqual([{ name: 'financial-predictor-a', weight: 50 }, { name: 'financial-predictor-b', weight: 50 }]);
    const ing = sim.store.get('networking.k8s.io/v1', 'Ingress', 'seldon-mesh', 'financial-mlops-ingress');
    expect(ing.metadata.annotations['cert-manager.io/cluster-issuer']).toBe('ml-selfsigned');
    expect(ing.metadata.annotations['nginx.ingress.kubernetes.io/proxy-set-headers']).toBe('seldon-mesh/financial-mlops-ingress-headers');
    expect(sim.store.get('v1', 'ConfigMap', 'kube-system', 'capstan-serving')).toBeDefined();
  }, 60_000);

  it('a rerun makes 0 writes', async () => {
    const r = await play([]);
    expect(r.code, r.stderr).toBe(0);
    expect(task(r, 'serving apply')?.status).toBe('ok');
    expect(r.writes).toEqual([]);
  }, 60_000);
});
