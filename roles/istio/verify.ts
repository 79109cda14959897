/**
 * The verify step: the by-hand checks of the Ansible role's README, read from the API and printed
 * as a short table. Facts are read in verifyFacts(); verifyRows() is a pure function of them.
 *
 *   kubectl get pods -n istio-system / -n istio-gateway   → istiod / gateway available
 *   kubectl get svc istio-gateway -n istio-gateway        → EXTERNAL-IP 192.168.1.240 (or NodePorts)
 *   kubectl get namespace -L istio-injection              → every injection namespace labelled
 *   kubectl get pod <pod> -o yaml | grep istio-proxy      → sidecar per running pod
 */
import type { Cluster, KubeObject } from '../../lib/kube/types.ts';
import { gatewayIsLoadBalancer } from './releases.ts';
import type { IstioVars } from './vars.ts';
import type { VerifyRow } from '../../lib/role-kit/index.ts';
export { formatTable, type VerifyRow } from '../../lib/role-kit/index.ts';


export interface VerifyFacts {
  readonly istiod?: KubeObject | undefined;
  readonly gateway?: KubeObject | undefined;
  readonly service?: KubeObject | undefined;
  readonly namespaces: Readonly<Record<string, KubeObject | undefined>>;
  readonly pods: Readonly<Record<string, readonly KubeObject[]>>;
}

type Obj = Record<string, unknown>;
const field = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Obj)[k] : undefined), o);

export async function verifyFacts(cluster: Cluster, vars: IstioVars): Promise<VerifyFacts> {
  const [istiod, gateway, service, namespaces, pods] = await Promise.all([
    cluster.get('apps/v1', 'Deployment', 'istiod', vars.istio_namespace),
    cluster.get('apps/v1', 'Deployment', vars.istio_gateway_name, vars.istio_gateway_namespace),
    cluster.get('v1', 'Service', vars.istio_gateway_name, vars.istio_gateway_namespace),
    Promise.all(vars.istio_injection_namespaces.map(async (ns) => [ns, await cluster.get('v1', 'Namespace', ns)] as const)),
    Promise.all(vars.istio_injection_namespaces.map(async (ns) => [ns, await cluster.list('v1', 'Pod', { namespace: ns })] as const)),
  ]);
  return { istiod, gateway, service, namespaces: Object.fromEntries(namespaces), pods: Object.fromEntries(pods) };
}

function availability(d: KubeObject | undefined): string {
  if (!d) return 'not found';
  const want = Number(field(d, 'spec', 'replicas') ?? 1);
  const have = Number(field(d, 'status', 'availableReplicas') ?? 0);
  return `${have}/${want} available`;
}

const isAvailable = (d: KubeObject | undefined): boolean => !!d && Number(field(d, 'status', 'availableReplicas') ?? 0) >= 1;

function serviceRows(vars: IstioVars, svc: KubeObject | undefined): VerifyRow[] {
  const name = `svc ${vars.istio_gateway_namespace}/${vars.istio_gateway_name}`;
  const type = String(field(svc, 'spec', 'type'));
  const ports = field(svc, 'spec', 'ports');
  const nodePort = (p: number) => (Array.isArray(ports) ? ports.find((x) => field(x, 'port') === p) : undefined);
  const got = [80, 443, 15021].map((p) => `${p}:${String(field(nodePort(p), 'nodePort') ?? '-')}`).join(' ');
  const want = `80:${vars.istio_gateway_http_nodeport} 443:${vars.istio_gateway_https_nodeport} 15021:${vars.istio_gateway_status_nodeport}`;
  const row = (check: string, expected: string, actual: string): VerifyRow => ({ check, expected, actual, result: actual === expected ? 'ok' : 'FAIL' });
  if (!svc) return [row(`${name}`, 'present', 'not found')];
  if (gatewayIsLoadBalancer(vars)) {
    const ingress = field(svc, 'status', 'loadBalancer', 'ingress');
    const ip = Array.isArray(ingress) ? String(field(ingress[0], 'ip') ?? '<pending>') : '<pending>';
    return [
      row(`${name} EXTERNAL-IP`, `LoadBalancer ${vars.istio_gateway_loadbalancer_ip}`, `${type} ${ip}`),
      row(`${name} NodePorts`, want, got),
    ];
  }
  return [row(`${name} NodePorts`, `NodePort ${want}`, `${type} ${got}`)];
}

/** Whether a pod carries the Envoy sidecar (a container, or a native sidecar init container). */
export function hasSidecar(pod: KubeObject): boolean {
  const names = ['containers', 'initContainers'].flatMap((k) => {
    const list = field(pod, 'spec', k);
    return Array.isArray(list) ? list.map((c) => field(c, 'name')) : [];
  });
  return names.includes('istio-proxy');
}

function podRows(vars: IstioVars, ns: string, pods: readonly KubeObject[]): VerifyRow[] {
  const running = pods.filter((p) => field(p, 'status', 'phase') === 'Running');
  if (running.length === 0) return [{ check: `pods in ${ns}`, expected: 'istio-proxy sidecar', actual: 'no running pods', result: 'ok' }];
  return running.map((p) => {
    const has = hasSidecar(p);
    return {
      check: `pod ${ns}/${p.metadata.name}`, expected: 'istio-proxy sidecar', actual: has ? 'istio-proxy' : 'no sidecar',
      result: has ? 'ok' : vars.istio_verify_require_sidecars ? 'FAIL' : 'warn',
    };
  });
}

export function verifyRows(vars: IstioVars, facts: VerifyFacts): VerifyRow[] {
  const deployment = (label: string, d: KubeObject | undefined): VerifyRow =>
    ({ check: label, expected: 'available', actual: availability(d), result: isAvailable(d) ? 'ok' : 'FAIL' });
  const rows: VerifyRow[] = [
    deployment(`deploy ${vars.istio_namespace}/istiod`, facts.istiod),
    deployment(`deploy ${vars.istio_gateway_namespace}/${vars.istio_gateway_name}`, facts.gateway),
    ...serviceRows(vars, facts.service),
  ];
  for (const ns of vars.istio_injection_namespaces) {
    const label = field(facts.namespaces[ns], 'metadata', 'labels', 'istio-injection');
    rows.push({ check: `ns ${ns}`, expected: 'istio-injection=enabled', actual: facts.namespaces[ns] ? `istio-injection=${String(label ?? '<none>')}` : 'not found', result: label === 'enabled' ? 'ok' : 'FAIL' });
  }
  for (const ns of vars.istio_injection_namespaces) rows.push(...podRows(vars, ns, facts.pods[ns] ?? []));
  return rows;
}
