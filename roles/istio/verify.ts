/**
 * The verify step: the by-hand checks of the Ansible role's README, read from the API and printed
 * as a short table. Facts are read in verifyFacts(); verifyRows() is a pure function of them.
 *
 *   kubectl get pods -n istio-system / -n istio-gateway   → istiod / gateway available
 *   kubectl get svc istio-gateway -n istio-gateway        → EXTERNAL-IP 192.168.1.240 (or NodePorts)
 *   kubectl get namespace -L istio-injection              → every injection namespace labelled
 *   kubectl get pod <pod> -o yaml | grep istio-proxy      → sidecar per running pod, 2/2 ready
 *   kubectl get ns istio-system --show-labels             → name=istio-system
 *   kubectl get mutatingwebhookconfiguration              → istio-sidecar-injector
 *   kubectl -n istio-system get deploy istiod -o yaml     → image pilot:<istio_version>
 *   istioctl analyze                                      → verify-mesh.ts's rows
 */
import type { Cluster, KubeObject } from '../../lib/kube/types.ts';
import { meshManifests } from './mesh.ts';
import { gatewayIsLoadBalancer } from './releases.ts';
import { meshFacts, meshRows, type MeshFacts } from './verify-mesh.ts';
import type { IstioVars } from './vars.ts';
import type { VerifyRow } from '../../lib/role-kit/index.ts';
export { formatTable, type VerifyRow } from '../../lib/role-kit/index.ts';


export interface VerifyFacts {
  readonly istiod?: KubeObject | undefined;
  readonly gateway?: KubeObject | undefined;
  readonly service?: KubeObject | undefined;
  readonly namespaces: Readonly<Record<string, KubeObject | undefined>>;
  readonly pods: Readonly<Record<string, readonly KubeObject[]>>;
  /** istio_namespace's Namespace, the sidecar injector's MutatingWebhookConfiguration, the mesh facts (absent: not read). */
  readonly istioNamespace?: KubeObject | undefined;
  readonly injector?: KubeObject | undefined;
  readonly mesh?: MeshFacts | undefined;
}

/** The istiod chart's injector webhook: istio-sidecar-injector, suffixed with the namespace outside istio-system. */
export const injectorName = (ns: string): string => (ns === 'istio-system' ? 'istio-sidecar-injector' : `istio-sidecar-injector-${ns}`);

type Obj = Record<string, unknown>;
const field = (o: unknown, ...path: string[]): unknown => path.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Obj)[k] : undefined), o);

export async function verifyFacts(cluster: Cluster, vars: IstioVars): Promise<VerifyFacts> {
  const [istiod, gateway, service, namespaces, pods, istioNamespace, injector, mesh] = await Promise.all([
    cluster.get('apps/v1', 'Deployment', 'istiod', vars.istio_namespace),
    cluster.get('apps/v1', 'Deployment', vars.istio_gateway_name, vars.istio_gateway_namespace),
    cluster.get('v1', 'Service', vars.istio_gateway_name, vars.istio_gateway_namespace),
    Promise.all(vars.istio_injection_namespaces.map(async (ns) => [ns, await cluster.get('v1', 'Namespace', ns)] as const)),
    Promise.all(vars.istio_injection_namespaces.map(async (ns) => [ns, await cluster.list('v1', 'Pod', { namespace: ns })] as const)),
    cluster.get('v1', 'Namespace', vars.istio_namespace),
    cluster.get('admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', injectorName(vars.istio_namespace)),
    meshFacts(cluster, meshManifests(vars)),
  ]);
  return { istiod, gateway, service, namespaces: Object.fromEntries(namespaces), pods: Object.fromEntries(pods), istioNamespace, injector, mesh };
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

/** istiod runs the pinned release: its image tag is istio_version (a variant suffix such as -distroless allowed). */
function imageRow(vars: IstioVars, istiod: KubeObject): VerifyRow {
  const containers = field(istiod, 'spec', 'template', 'spec', 'containers');
  const image = String(field(Array.isArray(containers) ? containers[0] : undefined, 'image') ?? '<none>');
  const tag = image.includes(':') ? image.slice(image.lastIndexOf(':') + 1) : '';
  const ok = tag === vars.istio_version || tag.startsWith(`${vars.istio_version}-`);
  return { check: `istiod image`, expected: `pilot:${vars.istio_version}`, actual: image, result: ok ? 'ok' : 'FAIL',
    ...(ok ? {} : { fix: `istiod runs another release than istio_version ${vars.istio_version}: rerun the istio role, or set istio_version to the installed one` }) };
}

/** The `name=<istio_namespace>` label the NetworkPolicies' egress to istiod selects, and the injector webhook (only when read). */
function controlPlaneRows(vars: IstioVars, facts: VerifyFacts): VerifyRow[] {
  if (!('istioNamespace' in facts)) return [];
  const ns = vars.istio_namespace;
  const label = field(facts.istioNamespace, 'metadata', 'labels', 'name');
  const webhook = injectorName(ns);
  return [
    { check: `ns ${ns}`, expected: `name=${ns}`, actual: `name=${String(label ?? '<none>')}`, result: label === ns ? 'ok' : 'FAIL',
      ...(label === ns ? {} : { fix: `kubectl label namespace ${ns} name=${ns} (the namespaces task sets it; NetworkPolicies reach istiod through it)` }) },
    { check: `mutatingwebhook ${webhook}`, expected: 'present', actual: facts.injector ? 'present' : 'not found', result: facts.injector ? 'ok' : 'FAIL',
      ...(facts.injector ? {} : { fix: 'the istiod release installs it: rerun the istio role; without it no pod gets a sidecar' }) },
  ];
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
  return running.map((p): VerifyRow => {
    const has = hasSidecar(p);
    const statuses = field(p, 'status', 'containerStatuses');
    const list = Array.isArray(statuses) ? statuses : [];
    const containers = field(p, 'spec', 'containers');
    const total = Array.isArray(containers) ? containers.length : list.length;
    const ready = list.filter((c) => field(c, 'ready') === true).length;
    const check = `pod ${ns}/${p.metadata.name}`;
    if (ready < total) {
      return { check, expected: `${total}/${total} ready, istio-proxy`, actual: `${ready}/${total} ready${has ? ', istio-proxy' : ', no sidecar'}`, result: 'FAIL',
        fix: `kubectl -n ${ns} describe pod ${p.metadata.name} (a container is not ready${has ? '; an istio-proxy not ready often means istiod is unreachable' : ''})` };
    }
    if (has) return { check, expected: `${total}/${total} ready, istio-proxy`, actual: `${ready}/${total} ready, istio-proxy`, result: 'ok' };
    return { check, expected: 'istio-proxy sidecar', actual: `${ready}/${total} ready, no sidecar`, result: vars.istio_verify_require_sidecars ? 'FAIL' : 'warn',
      fix: `restart it to get a sidecar (kubectl -n ${ns} rollout restart its workload, or set istio_restart_uninjected: true)` };
  });
}

export function verifyRows(vars: IstioVars, facts: VerifyFacts): VerifyRow[] {
  const deployment = (label: string, d: KubeObject | undefined): VerifyRow =>
    ({ check: label, expected: 'available', actual: availability(d), result: isAvailable(d) ? 'ok' : 'FAIL' });
  const rows: VerifyRow[] = [
    deployment(`deploy ${vars.istio_namespace}/istiod`, facts.istiod),
    ...(facts.istiod ? [imageRow(vars, facts.istiod)] : []),
    deployment(`deploy ${vars.istio_gateway_namespace}/${vars.istio_gateway_name}`, facts.gateway),
    ...serviceRows(vars, facts.service),
    ...controlPlaneRows(vars, facts),
  ];
  for (const ns of vars.istio_injection_namespaces) {
    const label = field(facts.namespaces[ns], 'metadata', 'labels', 'istio-injection');
    rows.push({ check: `ns ${ns}`, expected: 'istio-injection=enabled', actual: facts.namespaces[ns] ? `istio-injection=${String(label ?? '<none>')}` : 'not found', result: label === 'enabled' ? 'ok' : 'FAIL' });
  }
  for (const ns of vars.istio_injection_namespaces) rows.push(...podRows(vars, ns, facts.pods[ns] ?? []));
  if ('mesh' in facts) rows.push(...meshRows(meshManifests(vars), facts.mesh));
  return rows;
}
