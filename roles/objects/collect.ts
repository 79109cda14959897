/**
 * Every object the inventory declares, validated offline, in apply order: `k8s_objects`,
 * `<inventory>/manifests/**`, and the typed shortcuts. Throws one InputError with every problem,
 * so a bad object stops the run before anything connects.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError, type Problem } from '../../lib/errors.ts';
import type { KubeObject } from '../../lib/kube/types.ts';
import { applyOrder } from '../../lib/objects/order.ts';
import type { Origin, SourcedObject } from '../../lib/objects/origin.ts';
import { readManifests, varsScope } from '../../lib/objects/sources.ts';
import { validateObjects, type ValidObject } from '../../lib/objects/validate.ts';
import { varLineFinder } from '../../lib/objects/var-lines.ts';
import type { RoleContext } from '../../lib/role.ts';
import { namespaceObjects, rbacObjects, serviceObject } from './shortcuts.ts';
import type { ObjectsVars } from './vars.ts';

const PROJECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Objects from a list var (or a shortcut rendering each entry into several), with the var's lines. */
function fromVar<T>(name: string, list: readonly T[], render: (entry: T) => unknown[], ctx: RoleContext): SourcedObject[] {
  if (!list.length) return [];
  const file = ctx.sourceOf?.(name) ?? '';
  const lines = file ? varLineFinder(file, name, PROJECT_DIR) : undefined;
  return list.flatMap((entry, i) => render(entry).map((value) => {
    const kind = (value as KubeObject).kind;
    const origin: Origin = {
      file, prefix: render.length && name !== 'k8s_objects' ? `${name}[${i}] (${kind})` : `${name}[${i}]`,
      // Shortcut objects point at their entry; k8s_objects fields at their own line.
      ...(lines ? { lineOf: (p) => (name === 'k8s_objects' ? lines([i, ...p]) : lines([i])) } : {}),
    };
    return { value, origin };
  }));
}

export interface Collected {
  readonly objects: ValidObject[];
}

export function collectObjects(vars: ObjectsVars, ctx: RoleContext): Collected {
  const problems: Problem[] = [];
  const first = ctx.playHosts[0] ?? ctx.host;
  const items: SourcedObject[] = [
    ...fromVar('k8s_objects', vars.k8s_objects, (o) => [o], ctx),
    ...readManifests(ctx.inventoryDir, PROJECT_DIR, varsScope(first.vars), problems),
    ...fromVar('k8s_app_namespaces', vars.k8s_app_namespaces, namespaceObjects, ctx),
    ...fromVar('k8s_app_rbac', vars.k8s_app_rbac, rbacObjects, ctx),
    ...fromVar('k8s_services', vars.k8s_services, (s) => [serviceObject(s)], ctx),
  ];
  const r = validateObjects(items, { defaultNamespace: vars.k8s_objects_namespace });
  problems.push(...r.problems);
  if (problems.length) throw new InputError(problems, 'invalid Kubernetes objects, nothing was applied');
  return { objects: applyOrder(r.objects) };
}
