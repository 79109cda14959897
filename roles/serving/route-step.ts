/**
 * The `serving routes` step: waits (bounded by serving_wait_timeout) until every backend Service a
 * route names has ready endpoints (none when the first read shows them ready), reads the routes'
 * facts then, and prints routes.ts's table;
 * a FAIL row fails the task (reported only under --check).
 */
import { CapstanError } from '../../lib/errors.ts';
import type { Cluster, KubeObject } from '../../lib/kube/types.ts';
import type { TaskContext, TaskResult } from '../../lib/role.ts';
import { formatTable } from '../../lib/role-kit/index.ts';
import { endpointSlicesReadiness } from '../../lib/wait/status.ts';
import { SELDON_NODEPORT_SERVICE } from '../seldon/plan.ts';
import { ingressRoutes, routeRows, virtualServiceRoutes, type RouteFacts } from './routes.ts';
import type { ServingVars } from './vars.ts';

const defined = (x: KubeObject | undefined): x is KubeObject => x !== undefined;

/** The inference and health paths Seldon v2 serves: per model, and the mesh's readiness. */
export function inferencePaths(vars: ServingVars): string[] {
  if (!vars.seldon_models.length) return [];
  return [...vars.seldon_models.map((m) => `/v2/models/${m.name}/infer`), '/v2/health/ready'];
}

async function facts(cluster: Cluster, vars: ServingVars): Promise<RouteFacts> {
  const [ingresses, virtualServices] = await Promise.all([
    Promise.all(vars.ingress_nginx_ingresses.map((i) => cluster.get('networking.k8s.io/v1', 'Ingress', i.name, i.namespace))),
    vars.enable_istio
      ? Promise.all(vars.istio_virtual_services.map((v) => cluster.get('networking.istio.io/v1', 'VirtualService', v.name, v.namespace)))
      : Promise.resolve([]),
  ]);
  const found = { ingresses: ingresses.filter(defined), virtualServices: virtualServices.filter(defined) };
  const routes = [...found.ingresses.flatMap(ingressRoutes), ...found.virtualServices.flatMap(virtualServiceRoutes)];
  const services = vars.enable_seldon ? [`${vars.seldon_namespace}/${SELDON_NODEPORT_SERVICE}`] : [];
  const keys = [...new Set([...routes.map((r) => `${r.backend.namespace}/${r.backend.name}`), ...services])];
  const slices = Object.fromEntries(await Promise.all(keys.map(async (k) => {
    const [namespace, name] = k.split('/') as [string, string];
    return [k, await cluster.list('discovery.k8s.io/v1', 'EndpointSlice', { namespace, labelSelector: `kubernetes.io/service-name=${name}` })] as const;
  })));
  return { ...found, slices, services, paths: inferencePaths(vars) };
}

/** Waits for each backend's endpoints; the ones that timed out are left to the table's FAIL rows. */
async function waitEndpoints(cluster: Cluster, keys: readonly string[], ctx: TaskContext, timeoutSeconds: number): Promise<void> {
  await Promise.allSettled(keys.map((k) => {
    const [ns, name] = k.split('/') as [string, string];
    return cluster.wait.serviceEndpointsReady(ns, name, { timeoutSeconds, log: (m) => ctx.log.progress(m), signal: ctx.signal });
  }));
}

export async function routeStep(ctx: TaskContext, vars: ServingVars): Promise<TaskResult> {
  const cluster = await ctx.cluster();
  let f = await facts(cluster, vars);
  // a backend whose endpoints are ready in this read needs no wait (the wait's own rule, on the
  // same read); only when one had to be waited for are the facts read again
  const pending = Object.entries(f.slices).filter(([, items]) => !endpointSlicesReadiness(items).ready).map(([k]) => k);
  if (!ctx.check && pending.length) {
    await waitEndpoints(cluster, pending, ctx, vars.serving_wait_timeout);
    f = await facts(cluster, vars);
  }
  const rows = routeRows(f);
  const table = formatTable(rows);
  const failed = rows.filter((r) => r.result === 'FAIL');
  if (failed.length && !ctx.check) {
    throw new CapstanError(`serving routes: ${failed.length} check${failed.length === 1 ? '' : 's'} failed\n${table}`, {
      hint: 'see the FAIL rows: kubectl get ingress,virtualservice,endpointslices -A',
    });
  }
  const note = failed.length ? `check mode: ${failed.length} check${failed.length === 1 ? '' : 's'} would fail now (reported only)\n` : '';
  return { status: 'ok', msg: `${note}${rows.length} route checks\n${table}`, data: { verify: rows } };
}
