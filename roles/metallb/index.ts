/**
 * MetalLB: the chart (pinned), then its address pools and how they are announced (L2, or BGP
 * peers). Pools go in only after the controller, the speakers and the webhook Service answer,
 * because MetalLB's admission webhook rejects pools while it is down. `absent` reverses it.
 */
import type { Problem } from '../../lib/errors.ts';
import type { KubeObject } from '../../lib/kube/types.ts';
import { defineRole, type Task } from '../../lib/role.ts';
import { applyTask, deleteTask, helmTask, readyTask, renderObjects, type ReadySpec } from '../../lib/role-kit/index.ts';
import { metallbRelease, metallbWorkloads, poolManifests } from './plan.ts';
import { validateMetallb } from './validate.ts';
import { metallbVars, type MetallbVars } from './vars.ts';

export const METALLB_TASKS = {
  release: 'metallb release',
  ready: 'metallb controller, speakers and webhook ready',
  pools: 'metallb address pools',
} as const;

function ready(vars: MetallbVars): ReadySpec {
  return {
    namespace: vars.metallb_namespace, what: 'MetalLB', timeoutSeconds: vars.helm_timeout,
    workloads: [{ kind: 'Deployment', name: metallbWorkloads.controller }, { kind: 'DaemonSet', name: metallbWorkloads.speaker }],
    endpoints: [metallbWorkloads.webhookService],
  };
}

function presentTasks(vars: MetallbVars, objects: KubeObject[]): Task[] {
  return [
    helmTask(METALLB_TASKS.release, metallbRelease(vars), { concurrent: true }),
    readyTask(METALLB_TASKS.ready, ready(vars), { concurrent: true, after: [METALLB_TASKS.release] }),
    applyTask(METALLB_TASKS.pools, objects, { concurrent: true, after: [METALLB_TASKS.ready], crd: 'ipaddresspools.metallb.io' }),
  ];
}

function absentTasks(vars: MetallbVars, objects: KubeObject[]): Task[] {
  return [deleteTask(METALLB_TASKS.pools, objects), helmTask(METALLB_TASKS.release, metallbRelease(vars))];
}

export default defineRole({
  name: 'metallb',
  usesCluster: true,
  description: 'MetalLB load balancer: pinned chart, address pools, L2 or BGP announcement',
  tags: ['metallb'],
  vars: metallbVars,
  validate: (vars, ctx): Problem[] => validateMetallb(vars, ctx),
  k3sComponents: (p) => (p.metallb_state === 'present' ? ['servicelb'] : []),
  tasks: (vars, ctx) => {
    const objects = renderObjects('metallb', poolManifests(vars), ctx.inventoryDir);
    return vars.metallb_state === 'absent' ? absentTasks(vars, objects) : presentTasks(vars, objects);
  },
});
