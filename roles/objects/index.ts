/**
 * objects: any Kubernetes object the inventory declares (k8s_objects, <inventory>/manifests/,
 * the typed shortcuts), validated offline against the shipped schemas before anything connects,
 * server-side applied as field manager capstan (dry-run in --check), pruned through an ApplySet
 * when removed from the inventory, and waited on until healthy. Runs after the roles whose
 * charts install the CRDs it can use (the bundle knows which role serves which API group).
 */
import { stringify } from 'yaml';
import { describeObject } from '../../lib/kube/compare.ts';
import { crdRoles } from '../../lib/objects/bundle/index.ts';
import { originName } from '../../lib/objects/origin.ts';
import type { ValidObject } from '../../lib/objects/validate.ts';
import { defineRole, type PlanEntry, type RoleContext, type Task } from '../../lib/role.ts';
import { collectObjects } from './collect.ts';
import { applySetRef, applyStep, healthStep, pruneStep } from './steps.ts';
import { objectsVars, type ObjectsVars } from './vars.ts';

function planEntries(vars: ObjectsVars, objects: readonly ValidObject[]): PlanEntry[] {
  if (!objects.length) return [{ kind: 'note', text: 'no objects declared (k8s_objects, manifests/, shortcuts)' }];
  const ref = applySetRef(vars);
  return [
    { kind: 'note', text: `server-side apply as field manager capstan, members of ApplySet configmap ${ref.namespace}/${ref.name}` },
    ...objects.map((o): PlanEntry => ({
      kind: 'manifest',
      description: `${describeObject(o.object)} (${originName(o.origin)})${o.defaultedNamespace ? `, namespace ${o.object.metadata.namespace} from k8s_objects_namespace` : ''}`,
      yaml: stringify(o.object).trimEnd(),
    })),
  ];
}

function tasks(vars: ObjectsVars, ctx: RoleContext): Task[] {
  const valid = collectObjects(vars, ctx).objects;
  const objects = valid.map((o) => o.object);
  const ref = applySetRef(vars);
  return [
    { name: 'objects apply', runOnce: true, describe: () => planEntries(vars, valid), run: (c) => applyStep(c, vars, objects) },
    {
      name: 'objects prune', runOnce: true,
      ...(vars.k8s_objects_prune ? {} : { skipReason: 'k8s_objects_prune is false' }),
      describe: () => [{ kind: 'note', text: `delete members of ApplySet configmap ${ref.namespace}/${ref.name} that the inventory no longer declares` }],
      run: (c) => pruneStep(c, vars, objects),
    },
    {
      name: 'objects healthy', runOnce: true, tags: ['verify'],
      ...(vars.k8s_objects_wait ? {} : { skipReason: 'k8s_objects_wait is false' }),
      describe: () => [{ kind: 'note', text: `wait up to ${vars.k8s_objects_wait_timeout}s for each object's health (by kind), then a verify table` }],
      run: (c) => healthStep(c, vars, objects),
    },
  ];
}

export default defineRole({
  name: 'objects',
  usesCluster: true,
  description: 'Kubernetes objects from the inventory: validated offline, server-side applied, pruned (ApplySet), healthy',
  tags: ['objects'],
  dependencies: crdRoles(),
  vars: objectsVars,
  tasks,
});
