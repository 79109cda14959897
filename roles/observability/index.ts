/**
 * Observability for the mesh: Prometheus (mesh scraping, alerting rules from vars), Grafana (the
 * Prometheus data source and Istio's dashboards, admin password from vault), Kiali (pointed at all
 * three) and Jaeger (Istio's all-in-one manifest, vendored), then a wait and a verify table.
 * istiod's tracing config (provider, collector, sampling) is the istio role's, from the same
 * platform vars. enable_observability: false (the default) skips it with the reason; each part
 * has its own switch and tag.
 */
import type { KubeObject } from '../../lib/kube/types.ts';
import { defineRole, type PlanEntry, type RoleContext, type Task } from '../../lib/role.ts';
import { applyTask, deployments, helmTask, readyTask, renderObjects } from '../../lib/role-kit/index.ts';
import { dashboardTask } from './dashboard.ts';
import { grafanaSecretTask } from './grafana-secret.ts';
import { exposedDashboards } from './lb.ts';
import { DASHBOARDS_FILE, dashboardObjects, jaegerObjects } from './manifests.ts';
import { observabilityReleases } from './releases.ts';
import { validateObservability } from './validate.ts';
import { observabilityVars, type ObservabilityVars } from './vars.ts';
import { verifyTask } from './verify-task.ts';

export const OBSERVABILITY_TASKS = {
  namespace: 'observability namespace',
  jaeger: 'jaeger (istio all-in-one manifest)',
  prometheus: 'prometheus release',
  grafanaSecret: 'grafana admin secret',
  dashboards: 'grafana istio dashboards',
  grafana: 'grafana release',
  kiali: 'kiali release',
  ready: 'observability ready',
  verify: 'observability verify',
  dashboard: 'observability dashboard',
} as const;

/** Each part's tag; the tasks every part needs carry them all, so `--tags kiali` runs kiali and what it needs. */
export const PART_TAGS = ['prometheus', 'grafana', 'kiali', 'jaeger'] as const;
const part = (on: boolean, name: (typeof PART_TAGS)[number]) => ({ tags: [name], ...(on ? {} : { skipReason: `observability_${name} is false` }) });

function workloads(v: ObservabilityVars) {
  return deployments(...[
    v.observability_prometheus && 'prometheus', v.observability_grafana && 'grafana', v.observability_kiali && 'kiali', v.observability_jaeger && 'jaeger',
  ].filter((n): n is string => !!n));
}

/** 230 KB of dashboard JSON is no plan to read: each ConfigMap with its dashboards, and where they come from. */
function dashboardNotes(objects: readonly KubeObject[]): PlanEntry[] {
  return objects.map((o) => ({
    kind: 'note',
    text: `apply configmap ${o.metadata.namespace}/${o.metadata.name}: ${Object.keys((o['data'] ?? {}) as object).join(', ')} (${DASHBOARDS_FILE})`,
  }));
}

function stackTasks(v: ObservabilityVars, ctx: RoleContext): Task[] {
  const T = OBSERVABILITY_TASKS;
  const r = observabilityReleases(v);
  const ns = v.observability_namespace;
  const dashboards = v.observability_grafana ? renderObjects('observability', dashboardObjects(v), ctx.inventoryDir) : [];
  const jaeger = v.observability_jaeger ? renderObjects('observability', jaegerObjects(v), ctx.inventoryDir) : [];
  const ready = workloads(v);
  return [
    {
      name: T.namespace, runOnce: true, concurrent: true,
      tags: PART_TAGS, describe: () => [{ kind: 'note', text: `namespace ${ns} (exists or is created)` }],
      run: async (c) => (await c.cluster()).ensureNamespace(ns, {}, { check: c.check }),
    },
    { ...applyTask(T.jaeger, jaeger, { concurrent: true, after: [T.namespace], force: v.kube_apply_force, okMsg: `jaeger in ${ns}` }), ...part(v.observability_jaeger, 'jaeger') },
    { ...helmTask(T.prometheus, r.prometheus, { concurrent: true, after: [T.namespace] }), ...part(v.observability_prometheus, 'prometheus') },
    grafanaSecretTask(T.grafanaSecret, v, { concurrent: true, after: [T.namespace], ...part(v.observability_grafana, 'grafana') }),
    {
      ...applyTask(T.dashboards, dashboards, { concurrent: true, after: [T.namespace], force: v.kube_apply_force, okMsg: `${dashboards.length} dashboard ConfigMaps in ${ns}` }),
      ...part(v.observability_grafana, 'grafana'),
      describe: () => dashboardNotes(dashboards),
    },
    { ...helmTask(T.grafana, r.grafana, { concurrent: true, after: [T.grafanaSecret, T.dashboards] }), ...part(v.observability_grafana, 'grafana') },
    { ...helmTask(T.kiali, r.kiali, { concurrent: true, after: [T.namespace] }), ...part(v.observability_kiali, 'kiali') },
    {
      ...readyTask(T.ready, { namespace: ns, what: 'the observability stack', timeoutSeconds: v.helm_timeout, workloads: ready },
        ready.length ? {} : { skipReason: 'every part of the observability stack is off' }),
      tags: PART_TAGS,
    },
    verifyTask(T.verify, v),
    dashboardTask(T.dashboard, v),
  ];
}

export default defineRole({
  name: 'observability',
  usesCluster: true,
  description: 'Prometheus, Grafana (Istio dashboards), Kiali and Jaeger for the mesh: pinned charts, alerting rules, verify',
  tags: ['observability'],
  dependencies: ['istio'],
  vars: observabilityVars,
  validate: (vars, ctx) => validateObservability(vars, ctx),
  exposes: (p) => exposedDashboards(p),
  tasks: (vars, ctx): Task[] => (vars.enable_observability
    ? stackTasks(vars, ctx)
    : [{ name: 'observability', runOnce: true, tags: PART_TAGS, skipReason: 'enable_observability is false', run: async () => ({ status: 'skipped', msg: 'enable_observability is false' }) }]),
});
