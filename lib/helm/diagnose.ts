/**
 * After a failed `helm upgrade --install`, say which resources were not ready and their status:
 * what helm reported (its error in helm 4, its debug log in helm 3, whose error says only
 * "context deadline exceeded"), and the release's Deployments, StatefulSets and DaemonSets that
 * are still not ready, checked with lib/wait's rules.
 */
import type { KubeApi } from '../kube/client.ts';
import { describeObject } from '../kube/compare.ts';
import { daemonSetReadiness, deploymentReadiness, statefulSetReadiness } from '../wait/status.ts';

const kinds = [
  ['Deployment', deploymentReadiness],
  ['StatefulSet', statefulSetReadiness],
  ['DaemonSet', daemonSetReadiness],
] as const;

/**
 * What helm itself said was not ready, by resource: "deployment ns/name" → "0 out of 1 expected
 * pods are ready". helm 4 puts it in its error; helm 3 only in its --debug log, and only for the
 * first unready resource of each poll (the last poll before the failure counts).
 */
/** "deployment ns/name"; a cluster-scoped object (helm 4 logs `namespace=""`) is "crd name", without `""/`. */
function resourceName(kind: string, namespace: string, name: string): string {
  const ns = namespace.replace(/^"(.*)"$/, '$1');
  return `${kind.toLowerCase()} ${ns ? `${ns}/` : ''}${name}`;
}

export function helmNotReady(helmStderr: string): Map<string, string> {
  const named = new Map<string, string>();
  // helm 4: "resource Deployment/ns/name not ready. status: InProgress, message: …"
  for (const m of helmStderr.matchAll(/resource (\w+)\/([\w.-]*)\/([\w.-]+) not ready\. status: ([^\n]+)/g)) {
    named.set(resourceName(m[1]!, m[2]!, m[3]!), m[4]!);
  }
  // Only the failed operation's wait: what the rollback's own wait logged afterwards is not the failure.
  const cut = helmStderr.search(/(atomic is set|rolling back)/i);
  const failedWait = cut < 0 ? helmStderr : helmStderr.slice(0, cut);
  // helm 3: "Deployment is not ready: ns/name. 0 out of 1 expected pods are ready"
  for (const m of failedWait.matchAll(/\[debug\] (\w+) is not ready: ([\w.-]+)\/([\w.-]+)\. ([^\n]+)/g)) {
    named.set(resourceName(m[1]!, m[2]!, m[3]!), m[4]!);
  }
  // helm 3: "Service does not have load balancer ingress IP address: ns/name"
  for (const m of failedWait.matchAll(/\[debug\] (\w+) does not have ([^:\n]+): ([\w.-]+)\/([\w.-]+)/g)) {
    named.set(resourceName(m[1]!, m[3]!, m[4]!), `no ${m[2]}`);
  }
  return named;
}

/** helm 4 --debug: `msg="waiting for resource" namespace=ns name=x kind=Deployment … actualStatus=InProgress`. */
function helm4Waiting(line: string): [string, string][] {
  const m = /msg="waiting for resource" namespace=(\S*) name=(\S+) kind=(\w+) .*actualStatus=(\w+)/.exec(line);
  return m ? [[resourceName(m[3]!, m[1]!, m[2]!), m[4]!]] : [];
}

/**
 * Progress while helm waits: helm 3's and helm 4's debug logs says what it is waiting for at each poll; each
 * change is reported ("deployment istio-system/istiod: 0 out of 1 expected pods are ready, 14s").
 */
export function waitProgress(log: (m: string) => void, now: () => number = Date.now): (chunk: string) => void {
  const started = now();
  // Per resource: helm polls several in turn, and each poll logs every one again.
  const last = new Map<string, string>();
  let partial = '';
  return (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (/atomic is set|rolling back/i.test(line)) log('helm is rolling back');
      for (const [what, status] of [...helmNotReady(line), ...helm4Waiting(line)]) {
        if (last.get(what) !== status) log(`${what}: ${status}, ${Math.round((now() - started) / 1000)}s`);
        last.set(what, status);
      }
    }
  };
}

/** helm's own not-ready resources, then any workload of the release that is still not ready. */
export async function diagnoseRelease(api: KubeApi, namespace: string, release: string, helmStderr: string): Promise<string[]> {
  const named = helmNotReady(helmStderr);
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
