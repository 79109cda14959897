/**
 * `npm run dashboard -- kiali|grafana|jaeger|prometheus -i <inventory>`: the networking guide's
 * `kubectl port-forward -n istio-system svc/kiali 20001:20001`, without kubectl. A task tagged
 * `never, dashboard` (it runs only with --tags dashboard) picks a running pod behind the
 * component's Service, listens on 127.0.0.1, forwards every connection to the pod's port through
 * pods/portforward on the API server (lib/kube's adapter, over the run's cluster access:
 * kubeconfig or the SSH tunnel), prints the URL and stays until Ctrl-C.
 */
import { createServer, type AddressInfo, type Server } from 'node:net';
import { CapstanError } from '../../lib/errors.ts';
import type { Cluster, KubeObject } from '../../lib/kube/types.ts';
import type { Task, TaskContext, TaskResult } from '../../lib/role.ts';
import { SERVICES, type Component } from './releases.ts';
import type { ObservabilityVars } from './vars.ts';

/** The local port of each, as the networking guide uses them (Jaeger's UI is 16686 in its pod). */
export const LOCAL_PORTS: Record<Component, number> = { prometheus: 9090, grafana: 3000, kiali: 20001, jaeger: 16686 };
const PATHS: Record<Component, string> = { prometheus: '/', grafana: '/', kiali: '/kiali', jaeger: '/jaeger' };

type Obj = Record<string, any>;

export interface ForwardTarget { readonly pod: string; readonly port: number }

/** A running pod behind the Service, and the pod port its service port points at. */
export async function forwardTarget(cluster: Cluster, ns: string, c: Component): Promise<ForwardTarget> {
  const name = SERVICES[c].name;
  const svc = await cluster.get('v1', 'Service', name, ns) as Obj | undefined;
  if (!svc) throw new CapstanError(`dashboard ${c}: Service ${ns}/${name} not found`, { hint: 'install it first: npm run play -- --tags observability' });
  const sp = (svc['spec']?.ports ?? []).find((p: Obj) => p.port === SERVICES[c].port) ?? svc['spec']?.ports?.[0];
  const selector = Object.entries(svc['spec']?.selector ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(',');
  const pods = selector ? await cluster.list('v1', 'Pod', { namespace: ns, labelSelector: selector }) : [];
  const pod = pods.find((p: KubeObject) => (p as Obj)['status']?.phase === 'Running');
  if (!pod) throw new CapstanError(`dashboard ${c}: no running pod behind Service ${ns}/${name} (${pods.length} pods match ${selector || 'no selector'})`, { hint: `kubectl -n ${ns} get pods -l ${selector}` });
  const target = sp?.targetPort ?? sp?.port;
  const port = typeof target === 'number' ? target : containerPort(pod as Obj, String(target));
  return { pod: pod.metadata.name, port };
}

function containerPort(pod: Obj, name: string): number {
  for (const ctr of pod['spec']?.containers ?? []) for (const p of ctr.ports ?? []) if (p.name === name) return p.containerPort as number;
  throw new CapstanError(`dashboard: pod ${pod['metadata']?.name} has no container port named ${name}`);
}

/** Listens on 127.0.0.1:port and forwards each connection; resolves with the bound port. */
export async function listen(cluster: Cluster, ns: string, target: ForwardTarget, port: number, warn: (m: string) => void): Promise<Server> {
  const forward = cluster.api.portForward;
  if (!forward) throw new CapstanError('dashboard: this cluster connection cannot port-forward');
  const server = createServer((socket) => {
    socket.on('error', () => socket.destroy());
    forward.call(cluster.api, ns, target.pod, target.port, socket).catch((err: unknown) => warn(`forward to ${ns}/${target.pod}:${target.port}: ${(err as Error).message}`));
  });
  await new Promise<void>((resolve, reject) => { server.once('error', reject); server.listen(port, '127.0.0.1', () => resolve()); });
  return server;
}

async function run(ctx: TaskContext, v: ObservabilityVars): Promise<TaskResult> {
  const c = v.observability_dashboard;
  if (!c) return { status: 'skipped', msg: 'no dashboard asked for (npm run dashboard -- kiali|grafana|jaeger|prometheus)' };
  const ns = v.observability_namespace;
  const cluster = await ctx.cluster();
  const target = await forwardTarget(cluster, ns, c);
  const server = await listen(cluster, ns, target, v.observability_dashboard_port ?? LOCAL_PORTS[c], (m) => ctx.log.warn(m));
  const bound = (server.address() as AddressInfo).port;
  ctx.log.warn(`${c}: http://127.0.0.1:${bound}${PATHS[c]} -> ${ns}/${target.pod}:${target.port} (Ctrl-C to stop)`);
  await new Promise<void>((resolve) => (ctx.signal.aborted ? resolve() : ctx.signal.addEventListener('abort', () => resolve(), { once: true })));
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return { status: 'ok', msg: `${c}: forward from 127.0.0.1:${bound} closed` };
}

export function dashboardTask(name: string, v: ObservabilityVars): Task {
  return {
    name, tags: ['never', 'dashboard'], runOnce: true,
    describe: () => [{ kind: 'note', text: `forward 127.0.0.1:${v.observability_dashboard_port ?? 'the component port'} to a pod of the ${v.observability_dashboard ?? '(none asked for)'} Service` }],
    run: (ctx) => run(ctx, v),
  };
}
