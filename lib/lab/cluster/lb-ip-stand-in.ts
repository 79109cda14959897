/**
 * The LoadBalancer-IP **stand-in** controller: gives LoadBalancer Services an IP from MetalLB's
 * IPAddressPools the way MetalLB's controller would (lb-ip-allocate.ts), writing the Service's
 * status as user `lb-ip-stand-in`. MetalLB's real controller does not build from the module
 * proxy (docs/cluster.md), so this stands in for it. Run as its own process by startCluster:
 *
 *   node lib/lab/cluster/lb-ip-stand-in.ts <cluster dir>
 *
 * It re-reads pools and Services every 200 ms (its resync period) while the cluster runs;
 * `down` ends it with SIGTERM.
 */
import { join } from 'node:path';
import { ClusterApi } from './api.ts';
import { pkiFiles } from './certs.ts';
import { chooseIp, currentIp, ipToInt, orderPools } from './lb-ip-allocate.ts';
import { readState } from './state.ts';

const dir = process.argv[2];
if (!dir) {
  console.error('usage: lb-ip-stand-in.ts <cluster dir>');
  process.exit(2);
}
const s = readState(dir);
if (!s?.apiPort) throw new Error(`lb-ip-stand-in: no cluster state in ${dir}`);
const pki = pkiFiles(join(dir, 'pki'));
const api = new ClusterApi({ server: `https://127.0.0.1:${s.apiPort}`, ca: pki.ca, ...pki.client('lb-ip-stand-in') });
const reported = new Set<string>();
const MERGE = { contentType: 'application/merge-patch+json' };

async function event(svc: any, message: string): Promise<void> {
  const key = `${svc.metadata.uid}/${message}`;
  if (reported.has(key)) return;
  reported.add(key);
  const ns = svc.metadata.namespace;
  await api.must('POST', `/api/v1/namespaces/${ns}/events`, {
    metadata: { generateName: `${svc.metadata.name}.`, namespace: ns },
    involvedObject: { kind: 'Service', apiVersion: 'v1', namespace: ns, name: svc.metadata.name, uid: svc.metadata.uid },
    type: 'Warning', reason: 'AllocationFailed', message, source: { component: 'lb-ip-stand-in' },
    firstTimestamp: new Date().toISOString(), lastTimestamp: new Date().toISOString(), count: 1,
  });
}

async function setIp(svc: any, ip: string | undefined, pool?: string): Promise<void> {
  const path = `/api/v1/namespaces/${svc.metadata.namespace}/services/${svc.metadata.name}`;
  if (pool) await api.must('PATCH', path, { metadata: { annotations: { 'metallb.io/ip-allocated-from-pool': pool } } }, MERGE);
  await api.must('PATCH', `${path}/status`, { status: { loadBalancer: ip ? { ingress: [{ ip, ipMode: 'VIP' }] } : { ingress: null } } }, MERGE);
}

async function reconcile(): Promise<void> {
  const poolsRes = await api.call('GET', '/apis/metallb.io/v1beta1/ipaddresspools');
  if (poolsRes.status === 404) return; // MetalLB's CRDs are not installed: nothing to allocate from
  if (poolsRes.status !== 200) throw new Error(`list IPAddressPools: HTTP ${poolsRes.status}`);
  const pools = orderPools(poolsRes.body.items);
  const services = ((await api.must('GET', '/api/v1/services')).items as any[])
    .sort((a, b) => (a.metadata.creationTimestamp < b.metadata.creationTimestamp ? -1 : 1));
  for (const svc of services) {
    const isLb = svc.spec?.type === 'LoadBalancer' && !svc.spec.loadBalancerClass;
    if (!isLb) {
      if (currentIp(svc)) await setIp(svc, undefined);
      continue;
    }
    if (pools.length === 0) continue;
    const used = new Set(services.filter((x) => x !== svc).map(currentIp).filter((ip): ip is string => !!ip).map((ip) => ipToInt(ip)!));
    const choice = chooseIp(svc, pools, used);
    if (choice.error) {
      if (currentIp(svc)) await setIp(svc, undefined);
      await event(svc, `Failed to allocate IP for "${svc.metadata.namespace}/${svc.metadata.name}": ${choice.error}`);
    } else if (choice.ip !== currentIp(svc)) {
      await setIp(svc, choice.ip, choice.pool);
      svc.status = { loadBalancer: { ingress: [{ ip: choice.ip }] } }; // seen as used by the Services after it
    }
  }
}

let stopping = false;
for (const sig of ['SIGTERM', 'SIGINT'] as const) process.on(sig, () => { stopping = true; });
while (!stopping) {
  // A failed pass (the API server restarting, a conflict) is logged and retried on the next one.
  await reconcile().catch((err: Error) => console.error(`lb-ip-stand-in: ${err.message}`));
  await new Promise((r) => setTimeout(r, 200));
}
