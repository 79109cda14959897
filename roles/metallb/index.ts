/**
 * MetalLB: the chart (pinned), then its address pools and how they are announced (L2, or BGP
 * peers). Pools go in only after the controller, the speakers and the webhook Service answer,
 * because MetalLB's admission webhook rejects pools while it is down. `absent` reverses it.
 */
import { stringify } from 'yaml';
import type { Problem } from '../../lib/errors.ts';
import { defineRole, type PlanEntry, type Task, type TaskContext, type TaskResult } from '../../lib/role.ts';
import type { HelmReleaseSpec, KubeObject } from '../../lib/kube/types.ts';
import { metallbRelease, metallbWorkloads, poolManifests } from './plan.ts';
import { renderObjects } from './render.ts';
import { metallbVars, type MetallbVars } from './vars.ts';
import { validateMetallb } from './validate.ts';

export const METALLB_TASKS = {
  release: 'metallb release',
  ready: 'metallb controller, speakers and webhook ready',
  pools: 'metallb address pools',
} as const;

export function helmEntry(spec: HelmReleaseSpec): PlanEntry {
  const chart = 'path' in spec.chart ? spec.chart.path : 'oci' in spec.chart ? spec.chart.oci : `${spec.chart.repo} ${spec.chart.name}`;
  const version = 'version' in spec.chart ? spec.chart.version : undefined;
  return { kind: 'helm', release: spec.name, namespace: spec.namespace, chart, ...(version ? { version } : {}), values: spec.values, state: spec.state ?? 'present' };
}

/** One Helm release brought to its spec (--check and --diff aware); `opts` adds ordering and a skip reason. */
export function helmTask(name: string, release: HelmReleaseSpec, opts: Pick<Task, 'concurrent' | 'after' | 'skipReason'> = {}): Task {
  return {
    name, runOnce: true, ...opts,
    describe: () => [helmEntry(release)],
    run: async (ctx) => (await ctx.cluster()).helmRelease(release, { check: ctx.check, diff: ctx.diff, log: (m) => ctx.log.progress(m) }),
  };
}

export function manifestEntries(objects: KubeObject[], verb = 'apply'): PlanEntry[] {
  return objects.map((o) => ({
    kind: 'manifest',
    description: `${verb} ${o.kind} ${o.metadata.namespace ? `${o.metadata.namespace}/` : ''}${o.metadata.name}`,
    yaml: stringify(o),
  }));
}

async function waitReady(vars: MetallbVars, ctx: TaskContext): Promise<TaskResult> {
  const cluster = await ctx.cluster();
  const o = { timeoutSeconds: vars.helm_timeout, log: (m: string) => ctx.log.progress(m), signal: ctx.signal };
  const ns = vars.metallb_namespace;
  if (ctx.check && !(await cluster.get('apps/v1', 'Deployment', metallbWorkloads.controller, ns))) {
    return { status: 'skipped', msg: 'check mode: MetalLB is not installed yet, nothing to wait for' };
  }
  await Promise.all([
    cluster.wait.rollout('Deployment', ns, metallbWorkloads.controller, o),
    cluster.wait.rollout('DaemonSet', ns, metallbWorkloads.speaker, o),
    cluster.wait.serviceEndpointsReady(ns, metallbWorkloads.webhookService, o),
  ]);
  return { status: 'ok', msg: `controller, speakers and webhook ${ns}/${metallbWorkloads.webhookService} ready` };
}

async function applyPools(objects: KubeObject[], ctx: TaskContext): Promise<TaskResult> {
  const cluster = await ctx.cluster();
  if (ctx.check && !(await cluster.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', 'ipaddresspools.metallb.io'))) {
    return { status: 'changed', msg: 'check mode: the pools would be created once the chart has installed the MetalLB CRDs' };
  }
  return cluster.apply(objects, { check: ctx.check, diff: ctx.diff });
}

function presentTasks(vars: MetallbVars, objects: KubeObject[]): Task[] {
  const release = metallbRelease(vars);
  return [
    helmTask(METALLB_TASKS.release, release, { concurrent: true }),
    {
      name: METALLB_TASKS.ready, runOnce: true, concurrent: true, after: [METALLB_TASKS.release],
      describe: () => [{ kind: 'note', text: `wait for ${vars.metallb_namespace} deployment ${metallbWorkloads.controller}, daemonset ${metallbWorkloads.speaker} and endpoints of ${metallbWorkloads.webhookService}` }],
      run: (ctx) => waitReady(vars, ctx),
    },
    {
      name: METALLB_TASKS.pools, runOnce: true, concurrent: true, after: [METALLB_TASKS.ready],
      describe: () => manifestEntries(objects),
      run: (ctx) => applyPools(objects, ctx),
    },
  ];
}

function absentTasks(vars: MetallbVars, objects: KubeObject[]): Task[] {
  const release = metallbRelease(vars);
  return [
    {
      name: METALLB_TASKS.pools, runOnce: true,
      describe: () => manifestEntries(objects, 'delete'),
      run: async (ctx) => (await ctx.cluster()).delete(objects, { check: ctx.check }),
    },
    helmTask(METALLB_TASKS.release, release),
  ];
}

export default defineRole({
  name: 'metallb',
  description: 'MetalLB load balancer: pinned chart, address pools, L2 or BGP announcement',
  tags: ['metallb'],
  vars: metallbVars,
  validate: (vars, ctx): Problem[] => validateMetallb(vars, ctx),
  tasks: (vars, ctx) => {
    const objects = renderObjects('metallb', poolManifests(vars), ctx.inventoryDir);
    return vars.metallb_state === 'absent' ? absentTasks(vars, objects) : presentTasks(vars, objects);
  },
});
