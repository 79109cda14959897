/**
 * `npm run dashboard -- kiali|grafana|jaeger|prometheus -i <inventory>`: the networking guide's
 * `kubectl port-forward -n istio-system svc/kiali 20001:20001`, without kubectl. A task tagged
 * `never, dashboard` (it runs only with --tags dashboard) picks a running pod behind the
 * component's Service, listens on 127.0.0.1, forwards every connection to the pod's port through
 * pods/portforward on the API server (lib/kube/port-forward.ts, over the run's cluster access:
 * kubeconfig or the SSH tunnel), prints the URL and stays until Ctrl-C (which ends open connections).
 */
import { CapstanError } from '../../lib/errors.ts';
import { forwardPort } from '../../lib/kube/port-forward.ts';
import type { Cluster, KubeObject } from '../../lib/kube/types.ts';
import type { Task, TaskContext, TaskResult } from '../../lib/role.ts';
import { SERVICES, type Component } from './releases.ts';
import type { ObservabilityVars } from './vars.ts';

/** The local port of each, as the networking guide uses them (Jaeger's UI is 16686 in its pod). */
export const LOCAL_PORTS: Record<Component, number> = { prometheus: 9090, grafana: 3000, kiali: 20001, jaeger: 16686 };
const PATHS: Record<Component, string> = { prometheus: '/', grafana: '/', kiali: '/kiali', jaeger: '/jaeger' };

type Obj = Record<string, any>;

export interface ForwardTarget { readonly pod: string; readonly port: number }

/** The component's Service, or a CapstanError saying how to get it. */
function serviceOf(svc: KubeObject | undefined, ns: string, c: Component): Obj {
  if (!svc) throw new CapstanError(`${c}: Service ${ns}/${SERVICES[c].name} not found`, { hint: 'install it first: npm run play -- --tags observability' });
  return svc as Obj;
}

const selectorOf = (svc: Obj): Record<string, string> => (svc['spec']?.selector ?? {}) as Record<string, string>;
const selectorText = (svc: Obj): string => Object.entries(selectorOf(svc)).map(([k, v]) => `${k}=${String(v)}`).join(',');

/**
 * A running pod behind the Service (read already) among `pods`: a whole namespace's, matched here
 * label by label as the API server matches a selector, or (`selected`) those the server matched.
 */
export function podBehind(svc: KubeObject | undefined, pods: readonly KubeObject[], ns: string, c: Component, selected = false): { pod: Obj; servicePort: Obj | undefined } {
  const service = serviceOf(svc, ns, c);
  const servicePort = (service['spec']?.ports ?? []).find((p: Obj) => p.port === SERVICES[c].port) ?? service['spec']?.ports?.[0];
  const selector = Object.entries(selectorOf(service));
  const matching = !selector.length ? [] : selected ? pods : pods.filter((p) => selector.every(([k, v]) => p.metadata.labels?.[k] === String(v)));
  const pod = matching.find((p) => (p as Obj)['status']?.phase === 'Running') as Obj | undefined;
  if (!pod) {
    const sel = selectorText(service);
    throw new CapstanError(`${c}: no running pod behind Service ${ns}/${SERVICES[c].name} (${matching.length} pods match ${sel || 'no selector'})`, { hint: `kubectl -n ${ns} get pods -l ${sel}` });
  }
  return { pod, servicePort };
}

/** A running pod behind the component's Service, and that Service's port entry. */
export async function runningPod(cluster: Cluster, ns: string, c: Component): Promise<{ pod: Obj; servicePort: Obj | undefined }> {
  const svc = serviceOf(await cluster.get('v1', 'Service', SERVICES[c].name, ns), ns, c);
  const selector = selectorText(svc);
  const pods = selector ? await cluster.list('v1', 'Pod', { namespace: ns, labelSelector: selector }) : [];
  return podBehind(svc as KubeObject, pods, ns, c, true);
}

/** A running pod behind the Service, and the pod port its service port points at. */
export async function forwardTarget(cluster: Cluster, ns: string, c: Component): Promise<ForwardTarget> {
  const { pod, servicePort } = await runningPod(cluster, ns, c);
  return { pod: pod['metadata'].name as string, port: podPort(pod, servicePort?.['targetPort'] ?? servicePort?.['port']) };
}

/** A pod port given as a number or a container port's name. */
export function podPort(pod: Obj, port: unknown): number {
  if (typeof port === 'number') return port;
  for (const ctr of pod['spec']?.containers ?? []) for (const p of ctr.ports ?? []) if (p.name === port) return p.containerPort as number;
  throw new CapstanError(`pod ${pod['metadata']?.name}: no container port named ${String(port)}`);
}

async function run(ctx: TaskContext, v: ObservabilityVars): Promise<TaskResult> {
  const c = v.observability_dashboard;
  if (!c) return { status: 'skipped', msg: 'no dashboard asked for (npm run dashboard -- kiali|grafana|jaeger|prometheus)' };
  const ns = v.observability_namespace;
  const cluster = await ctx.cluster();
  const target = await forwardTarget(cluster, ns, c);
  const forward = await forwardPort(cluster.api, { namespace: ns, ...target }, v.observability_dashboard_port ?? LOCAL_PORTS[c], (m) => ctx.log.warn(m));
  ctx.log.warn(`${c}: http://127.0.0.1:${forward.port}${PATHS[c]} -> ${ns}/${target.pod}:${target.port} (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => (ctx.signal.aborted ? resolve() : ctx.signal.addEventListener('abort', () => resolve(), { once: true })));
  await forward.close();
  return { status: 'ok', msg: `${c}: forward from 127.0.0.1:${forward.port} closed` };
}

export function dashboardTask(name: string, v: ObservabilityVars): Task {
  return {
    name, tags: ['never', 'dashboard'], runOnce: true,
    describe: () => [{ kind: 'note', text: `forward 127.0.0.1:${v.observability_dashboard_port ?? 'the component port'} to a pod of the ${v.observability_dashboard ?? '(none asked for)'} Service` }],
    run: (ctx) => run(ctx, v),
  };
}
