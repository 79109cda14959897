/**
 * The verify table: the networking checklist's by-hand checks, read from the API once
 * (verifyFacts) and turned into rows by a pure function (verifyRows).
 *
 *   kubectl get deploy -n istio-system prometheus grafana kiali jaeger   → each available
 *   kubectl get svc -n istio-system prometheus grafana kiali tracing     → each Service, its port
 *   curl through kubectl port-forward                                     → each process answers (live.ts)
 */
import type { Cluster, KubeObject } from '../../lib/kube/types.ts';
import type { VerifyRow } from '../../lib/role-kit/index.ts';
import { readAdminSecret } from './grafana-secret.ts';
import { liveFacts, liveRow, type LiveAnswer } from './live.ts';
import { COMPONENTS, SERVICES, type Component } from './releases.ts';
import type { ObservabilityVars } from './vars.ts';

/** The Deployment of each component (the charts' and Istio's manifest names). */
export const DEPLOYMENTS: Record<Component, string> = { prometheus: 'prometheus', grafana: 'grafana', kiali: 'kiali', jaeger: 'jaeger' };

export interface VerifyFacts {
  readonly deployments: Readonly<Partial<Record<Component, KubeObject | undefined>>>;
  readonly services: Readonly<Partial<Record<Component, KubeObject | undefined>>>;
  /** The live answers (observability_verify_live), of the components with an available Deployment. */
  readonly live?: Readonly<Partial<Record<Component, LiveAnswer>>>;
}

type Obj = Record<string, unknown>;
const field = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Obj)[k] : undefined), o);

const isAvailable = (d: KubeObject | undefined) => Number(field(d, 'status', 'availableReplicas') ?? 0) >= 1;

export function enabledComponents(v: ObservabilityVars): Component[] {
  const on: Record<Component, boolean> = { prometheus: v.observability_prometheus, grafana: v.observability_grafana, kiali: v.observability_kiali, jaeger: v.observability_jaeger };
  return COMPONENTS.filter((c) => on[c]);
}

/**
 * Everything the rows need, read at once: each component's Deployment and Service and, for the
 * live rows, the namespace's pods (one list: the pod behind each Service is picked by its
 * selector here) and Grafana's admin Secret; then the live requests, all at once.
 */
export async function verifyFacts(cluster: Cluster, v: ObservabilityVars): Promise<VerifyFacts> {
  const ns = v.observability_namespace;
  const live = v.observability_verify_live;
  const [parts, pods, grafanaSecret] = await Promise.all([
    Promise.all(enabledComponents(v).map(async (c) => [c, await Promise.all([
      cluster.get('apps/v1', 'Deployment', DEPLOYMENTS[c], ns),
      cluster.get('v1', 'Service', SERVICES[c].name, ns),
    ])] as const)),
    live ? cluster.list('v1', 'Pod', { namespace: ns }) : [],
    live && v.observability_grafana ? readAdminSecret(cluster, v) : undefined,
  ]);
  const deployments = Object.fromEntries(parts.map(([c, [d]]) => [c, d]));
  const services = Object.fromEntries(parts.map(([c, [, s]]) => [c, s]));
  const available = enabledComponents(v).filter((c) => isAvailable(deployments[c]));
  return {
    deployments, services,
    ...(live ? { live: await liveFacts(cluster, v, available, { services, pods, grafanaSecret }) } : {}),
  };
}


function deploymentRow(ns: string, c: Component, d: KubeObject | undefined): VerifyRow {
  const want = Number(field(d, 'spec', 'replicas') ?? 1);
  const have = Number(field(d, 'status', 'availableReplicas') ?? 0);
  return { check: `deploy ${ns}/${DEPLOYMENTS[c]}`, expected: 'available', actual: d ? `${have}/${want} available` : 'not found', result: isAvailable(d) ? 'ok' : 'FAIL' };
}

function serviceRow(ns: string, c: Component, s: KubeObject | undefined): VerifyRow {
  const ports = field(s, 'spec', 'ports');
  const has = Array.isArray(ports) && ports.some((p) => field(p, 'port') === SERVICES[c].port);
  const actual = !s ? 'not found' : Array.isArray(ports) ? `ports ${ports.map((p) => String(field(p, 'port'))).join(',')}` : 'no ports';
  return { check: `svc ${ns}/${SERVICES[c].name}`, expected: `port ${SERVICES[c].port}`, actual, result: has ? 'ok' : 'FAIL' };
}

export function verifyRows(v: ObservabilityVars, facts: VerifyFacts): VerifyRow[] {
  const ns = v.observability_namespace;
  return enabledComponents(v).flatMap((c) => [
    deploymentRow(ns, c, facts.deployments[c]), serviceRow(ns, c, facts.services[c]),
    ...(facts.live ? [liveRow(c, facts.live[c] ?? { reached: false, reason: 'its Deployment is not available' })] : []),
  ]);
}
