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
import { problemAt, type Origin, type SourcedObject } from '../../lib/objects/origin.ts';
import { renderObjects } from '../../lib/role-kit/index.ts';
import { readManifests, varsScope } from '../../lib/objects/sources.ts';
import { validateObjects, type ValidObject } from '../../lib/objects/validate.ts';
import { varLineFinder } from '../../lib/objects/var-lines.ts';
import type { RoleContext } from '../../lib/role.ts';
import { namespaceObjects, rbacObjects, serviceObject } from './shortcuts.ts';
import type { ObjectsVars } from './vars.ts';

const PROJECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Objects from a list var, each entry's origin its line in the file that set the var. */
function fromVar<T>(name: string, list: readonly T[], render: (entry: T) => unknown[], ctx: RoleContext, problems: Problem[]): SourcedObject[] {
  if (!list.length) return [];
  const file = ctx.sourceOf?.(name) ?? '';
  const lines = file ? varLineFinder(file, name, PROJECT_DIR) : undefined;
  return list.flatMap((entry, i) => {
    const origin: Origin = { file, prefix: `${name}[${i}]`, ...(lines ? { lineOf: (p) => lines([i, ...p]) } : {}) };
    try {
      return render(entry).map((value) => ({ value, origin }));
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      problems.push(...err.problems.map((p) => problemAt(origin, [], `${p.key ? `${p.key}: ` : ''}${p.message} (rendered through ${p.file})`)));
      return [];
    }
  });
}

/** A shortcut's objects, laid out by the role kit's object template (an inventory may override it per kind). */
function throughKit<T>(render: (entry: T, defaultNamespace: string | undefined) => KubeObject[], vars: ObjectsVars, ctx: RoleContext) {
  return (entry: T) => renderObjects('objects', render(entry, vars.k8s_objects_namespace || undefined), ctx.inventoryDir);
}

export interface Collected {
  readonly objects: ValidObject[];
}

export function collectObjects(vars: ObjectsVars, ctx: RoleContext): Collected {
  const problems: Problem[] = [];
  const first = ctx.playHosts[0] ?? ctx.host;
  const items: SourcedObject[] = [
    ...fromVar('k8s_objects', vars.k8s_objects, (o) => [o], ctx, problems),
    ...readManifests(ctx.inventoryDir, PROJECT_DIR, varsScope(first.vars), problems),
    ...fromVar('k8s_app_namespaces', vars.k8s_app_namespaces, throughKit(namespaceObjects, vars, ctx), ctx, problems),
    ...fromVar('k8s_app_rbac', vars.k8s_app_rbac, throughKit(rbacObjects, vars, ctx), ctx, problems),
    ...fromVar('k8s_services', vars.k8s_services, throughKit((s, ns) => [serviceObject(s, ns)], vars, ctx), ctx, problems),
  ];
  const r = validateObjects(items, { defaultNamespace: vars.k8s_objects_namespace });
  problems.push(...r.problems);
  if (problems.length) throw new InputError(problems, 'invalid Kubernetes objects, nothing was applied');
  return { objects: applyOrder(r.objects) };
}
