/**
 * The Istio role's cluster steps (facts → plan → apply, with the plan parts pure and exported for
 * tests): namespaces and labels, the MetalLB pool check for `--tags istio`, the gateway release
 * and its address, the opt-in restart of deployments without a sidecar, verify.
 */
import { CapstanError } from '../../lib/errors.ts';
import type { TaskContext, TaskResult } from '../../lib/role.ts';
import type { Cluster, HelmReleaseSpec, KubeObject } from '../../lib/kube/types.ts';
import { waitOptions } from '../../lib/role-kit/index.ts';
import { poolsContaining } from '../../lib/vars/address-pools.ts';
import { meshManifests, meshNamespaces } from './mesh.ts';
import { gatewayIsLoadBalancer } from './releases.ts';
import type { IstioVars } from './vars.ts';
import { formatTable, hasSidecar, verifyFacts, verifyRows } from './verify.ts';


/** Combine several step results into one task result: changed if any changed. */
export function combine(results: readonly TaskResult[], okMsg: string): TaskResult {
  const changed = results.filter((r) => r.status === 'changed');
  const diff = results.map((r) => r.diff).filter(Boolean).join('\n');
  return {
    status: changed.length ? 'changed' : 'ok',
    msg: changed.length ? changed.map((r) => r.msg).filter(Boolean).join('; ') || okMsg : okMsg,
    ...(diff ? { diff } : {}),
  };
}

/** Namespace → labels the role ensures: istio-system (name=...), the gateway's, the injection namespaces. */
export function namespaceLabels(vars: IstioVars): Map<string, Record<string, string>> {
  const wanted = new Map<string, Record<string, string>>();
  const add = (ns: string, labels: Record<string, string>) => wanted.set(ns, { ...wanted.get(ns), ...labels });
  add(vars.istio_namespace, { name: vars.istio_namespace });
  add(vars.istio_gateway_namespace, {});
  for (const ns of vars.istio_injection_namespaces) add(ns, { 'istio-injection': 'enabled' });
  for (const ns of meshNamespaces(meshManifests(vars))) add(ns, {});
  return wanted;
}

export async function ensureNamespaces(cluster: Cluster, wanted: Map<string, Record<string, string>>, ctx: TaskContext): Promise<TaskResult> {
  const results = await Promise.all([...wanted].map(([ns, labels]) => cluster.ensureNamespace(ns, labels, { check: ctx.check })));
  return combine(results, `${wanted.size} namespaces present with their labels`);
}

/** `--tags istio` without metallb: the LoadBalancer IP needs a pool that already exists on the cluster. */
export async function checkPool(cluster: Cluster, vars: IstioVars): Promise<TaskResult> {
  const ip = vars.istio_gateway_loadbalancer_ip;
  const fix = 'run with --tags metallb,istio to create it, or set metallb_state: absent for a NodePort gateway';
  if (!(await cluster.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'ipaddresspools.metallb.io'))) {
    throw new CapstanError(`MetalLB is not installed (no IPAddressPool resource on the cluster), so the gateway could not get ${ip}`, { hint: fix });
  }
  const pools = await cluster.list('metallb.io/v1beta1', 'IPAddressPool');
  const asPools = pools.map((p) => ({ name: `${p.metadata.namespace}/${p.metadata.name}`, addresses: (p.spec as { addresses?: string[] } | undefined)?.addresses ?? [] }));
  const holding = poolsContaining(asPools, ip);
  if (holding.length === 0) {
    const have = asPools.map((p) => `${p.name} (${p.addresses.join(', ')})`).join(', ') || 'none';
    throw new CapstanError(`no MetalLB IPAddressPool contains istio_gateway_loadbalancer_ip ${ip}; pools on the cluster: ${have}`, { hint: fix });
  }
  return { status: 'ok', msg: `MetalLB pool ${holding.join(', ')} holds ${ip}` };
}

export async function installGateway(cluster: Cluster, spec: HelmReleaseSpec, vars: IstioVars, ctx: TaskContext): Promise<TaskResult> {
  const result = await cluster.helmRelease(spec, { check: ctx.check, diff: ctx.diff, log: (m) => ctx.log.progress(m) });
  if (ctx.check || !gatewayIsLoadBalancer(vars)) return result;
  const expectedIp = vars.istio_gateway_loadbalancer_ip;
  const ip = await cluster.wait.loadBalancerIp(vars.istio_gateway_namespace, vars.istio_gateway_name, { ...waitOptions(ctx, vars.helm_timeout), expectedIp });
  return { ...result, msg: `${result.msg ? `${result.msg}; ` : ''}EXTERNAL-IP ${ip}` };
}

function selects(selector: unknown, pod: KubeObject): boolean {
  const match = (selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels;
  if (!match || Object.keys(match).length === 0) return false;
  return Object.entries(match).every(([k, v]) => pod.metadata.labels?.[k] === v);
}

/** Deployments with at least one running pod that has no istio-proxy: they need a restart to get one. */
export function uninjectedDeployments(deployments: readonly KubeObject[], pods: readonly KubeObject[]): string[] {
  const running = pods.filter((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running');
  return deployments
    .filter((d) => running.some((p) => selects((d.spec as { selector?: unknown } | undefined)?.selector, p) && !hasSidecar(p)))
    .map((d) => d.metadata.name);
}

export async function restartUninjected(cluster: Cluster, vars: IstioVars, ctx: TaskContext): Promise<TaskResult> {
  const results = await Promise.all(vars.istio_injection_namespaces.map(async (ns) => {
    const [deployments, pods] = await Promise.all([cluster.list('apps/v1', 'Deployment', { namespace: ns }), cluster.list('v1', 'Pod', { namespace: ns })]);
    const names = uninjectedDeployments(deployments, pods);
    if (names.length === 0) return { status: 'ok', msg: '' } satisfies TaskResult;
    const r = await cluster.rolloutRestart(ns, names, { check: ctx.check });
    return { ...r, msg: `restarted ${names.map((n) => `${ns}/${n}`).join(', ')}` };
  }));
  return combine(results, 'every pod in the injection namespaces already has a sidecar');
}

export async function verify(cluster: Cluster, vars: IstioVars, ctx: TaskContext): Promise<TaskResult> {
  const rows = verifyRows(vars, await verifyFacts(cluster, vars));
  const table = formatTable(rows);
  const failed = rows.filter((r) => r.result === 'FAIL');
  if (failed.length && !ctx.check) {
    throw new CapstanError(`istio verify: ${failed.length} check${failed.length === 1 ? '' : 's'} failed\n${table}`, {
      hint: 'see the FAIL rows; kubectl describe the objects they name',
    });
  }
  const note = failed.length ? `check mode: ${failed.length} check${failed.length === 1 ? '' : 's'} would fail now (reported only)` : '';
  return { status: 'ok', msg: `${note}\n${table}`, data: { verify: rows } };
}
