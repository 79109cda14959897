/**
 * After a failed `helm upgrade --install`, say which workloads were not ready and their status:
 * helm 4 names the resource itself; helm 3 only says "context deadline exceeded", so the
 * release's Deployments, StatefulSets and DaemonSets are read and checked with lib/wait's rules.
 */
import type { KubeApi } from '../kube/client.ts';
import { describeObject } from '../kube/compare.ts';
import { daemonSetReadiness, deploymentReadiness, statefulSetReadiness } from '../wait/status.ts';

const kinds = [
  ['Deployment', deploymentReadiness],
  ['StatefulSet', statefulSetReadiness],
  ['DaemonSet', daemonSetReadiness],
] as const;

/** "deployment ns/name: 0/1 available" for each workload of the release that is not ready. */
export async function diagnoseRelease(api: KubeApi, namespace: string, release: string, helmStderr: string): Promise<string[]> {
  const named = new Map<string, string>();
  // helm 4: "resource Deployment/ns/name not ready. status: InProgress, message: …"
  for (const m of helmStderr.matchAll(/resource (\w+)\/([\w.-]*)\/([\w.-]+) not ready\. status: ([^\n]+)/g)) {
    named.set(`${m[1]!.toLowerCase()} ${m[2]}/${m[3]}`, m[4]!);
  }
  // helm 3 --debug: "Deployment is not ready: ns/name. 0 out of 1 expected pods are ready" (the last one counts)
  // Only the failed operation's wait: what the rollback's own wait logged afterwards is not the failure.
  const cut = helmStderr.search(/(atomic is set|rolling back)/i);
  const failedWait = cut < 0 ? helmStderr : helmStderr.slice(0, cut);
  for (const m of failedWait.matchAll(/\[debug\] (\w+) is not ready: ([\w.-]+)\/([\w.-]+)\. ([^\n]+)/g)) {
    named.set(`${m[1]!.toLowerCase()} ${m[2]}/${m[3]}`, m[4]!);
  }
  const out: string[] = [];
  for (const [kind, readiness] of kinds) {
    const { items } = await api.list('apps/v1', kind, { namespace });
    for (const o of items) {
      if (o.metadata.annotations?.['meta.helm.sh/release-name'] !== release) continue;
      const r = readiness(o);
      if (!r.ready) out.push(`${describeObject(o)}: ${r.status}`);
    }
  }
  return [...[...named].map(([k, v]) => `${k}: ${v}`), ...out.filter((o) => !named.has(o.slice(0, o.indexOf(':'))))];
}
