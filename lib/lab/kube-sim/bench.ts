/**
 * Timing figures for the simulator: `helm upgrade --install --wait` of real charts from
 * /work/shared/charts against a fresh simulator, twice each (install, then unchanged upgrade),
 * with helm 3 and helm 4. Prints one line per run; nothing is asserted.
 *
 *   npx node test/support/kube-sim/bench.ts [chart ...]     # default: metallb istio-base istiod
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { $ } from 'zx';
import { kubeBinaries, type HelmMajor } from '../helm-bin.ts';
import { startSimulator } from './index.ts';
import { SHARED_CHARTS } from '../shared-dir.ts';

const namespaces: Record<string, string> = { metallb: 'metallb-system', 'istio-base': 'istio-system', istiod: 'istio-system', 'cert-manager': 'cert-manager', 'ingress-nginx': 'ingress-nginx' };
const extraArgs: Record<string, string[]> = { 'cert-manager': ['--set', 'crds.enabled=true'], 'ingress-nginx': ['--set', 'controller.service.type=NodePort'] };
const chartNames = process.argv.slice(2).length ? process.argv.slice(2) : ['metallb', 'istio-base', 'istiod'];

for (const major of [3, 4] as HelmMajor[]) {
  const { helm } = kubeBinaries(major);
  const sim = await startSimulator();
  const dir = await mkdtemp(join(tmpdir(), 'kube-sim-bench-'));
  try {
    await sim.writeKubeconfig(join(dir, 'kubeconfig'));
    const env = { ...process.env, KUBECONFIG: join(dir, 'kubeconfig'), HELM_CACHE_HOME: join(dir, 'c'), HELM_CONFIG_HOME: join(dir, 'f'), HELM_DATA_HOME: join(dir, 'd') };
    for (const chart of chartNames) {
      for (const run of ['install', 'upgrade']) {
        sim.clearRequests();
        const t0 = performance.now();
        const r = await $({ env, nothrow: true, quiet: true })`${helm} upgrade --install ${chart} ${join(SHARED_CHARTS, chart)} -n ${namespaces[chart] ?? chart} --create-namespace --wait --timeout 120s ${extraArgs[chart] ?? []}`;
        const ms = Math.round(performance.now() - t0);
        const serverMs = sim.requests.reduce((a, q) => a + q.durationMs, 0);
        console.log(`helm${major} ${chart} ${run}: ${ms} ms, ${sim.requests.length} requests, ${serverMs} ms in the simulator, exit ${r.exitCode}${r.exitCode ? `: ${r.stderr.trim()}` : ''}`);
      }
    }
  } finally {
    await sim.close();
    await rm(dir, { recursive: true, force: true });
  }
}
