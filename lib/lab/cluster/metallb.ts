/**
 * Runs MetalLB's real controller (the LoadBalancer-IP allocator, built from its Go module)
 * against the cluster, the way a kubelet would run the chart's controller Pod: it starts once
 * MetalLB's CRDs exist (the chart installs them) and is restarted when it exits. Webhooks and
 * certificate rotation are off (docs/cluster.md). Run as its own process by startCluster:
 *
 *   node lib/lab/cluster/metallb.ts <cluster dir> <controller binary> <health port>
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { ClusterApi } from './api.ts';
import { pkiFiles } from './certs.ts';
import { readState } from './state.ts';

const [dir, binary, healthPort] = process.argv.slice(2);
if (!dir || !binary || !healthPort) {
  console.error('usage: metallb.ts <cluster dir> <controller binary> <health port>');
  process.exit(2);
}
const s = readState(dir);
if (!s?.apiPort) throw new Error(`metallb: no cluster state in ${dir}`);
const pki = pkiFiles(join(dir, 'pki'));
const api = new ClusterApi({ server: `https://127.0.0.1:${s.apiPort}`, ca: pki.ca, ...pki.client('metallb-controller') });
let child: ChildProcess | undefined;
let stopping = false;

for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.on(sig, () => {
    stopping = true;
    child?.kill('SIGTERM');
    process.exit(0);
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function crdsEstablished(): Promise<boolean> {
  const r = await api.call('GET', '/apis/apiextensions.k8s.io/v1/customresourcedefinitions/ipaddresspools.metallb.io');
  return r.status === 200 && (r.body.status?.conditions ?? []).some((c: any) => c.type === 'Established' && c.status === 'True');
}

function runController(): Promise<number | null> {
  console.log(`metallb: starting ${binary}`);
  child = spawn(binary!, [
    '--namespace=metallb-system', '--webhook-mode=disabled', '--disable-cert-rotation=true', '--port=0', `--health-probe-port=${healthPort}`,
    `--cert-dir=${join(dir!, 'metallb-certs')}`, '--log-level=info',
  ], { stdio: 'inherit', env: { ...process.env, KUBECONFIG: join(dir!, 'metallb-controller.kubeconfig'), METALLB_NAMESPACE: 'metallb-system' } });
  return new Promise((resolve) => child!.on('exit', (code) => resolve(code)));
}

// Bounded only by the cluster's life: `down` ends this process (SIGTERM), which ends the controller.
while (!stopping) {
  if (!(await crdsEstablished().catch(() => false))) {
    await sleep(500);
    continue;
  }
  const code = await runController();
  console.log(`metallb: controller exited (${code}); restarting in 1s, as a kubelet would`);
  await sleep(1000);
}
