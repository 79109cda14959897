/**
 * CustomResourceDefinitions: the name is checked (plural.group), status says NamesAccepted and
 * Established at once, and the defined types are served (discovery, OpenAPI, CRUD) as soon as
 * the CRD is stored. Deleting a CRD deletes its custom resources.
 */
import type { SimContext } from '../context.ts';
import type { ResourceType } from '../registry.ts';
import { invalid } from '../status.ts';
import type { StoreEvent } from '../store.ts';
import { stableJson } from '../fieldset.ts';
import { condition, withConditionTimes } from './util.ts';

export const crdKey = 'apiextensions.k8s.io/customresourcedefinitions';

export function crdAdmission(_ctx: SimContext, t: ResourceType, crd: any, _old: any): void {
  if (t.group !== 'apiextensions.k8s.io' || t.kind !== 'CustomResourceDefinition') return;
  const names = crd.spec?.names ?? {};
  const expected = `${names.plural}.${crd.spec?.group}`;
  if (crd.metadata.name !== expected) {
    throw invalid(t, crd.metadata.name, [{ field: 'metadata.name', message: `Invalid value: "${crd.metadata.name}": must be spec.names.plural+"."+spec.group` }]);
  }
  const storage = (crd.spec.versions ?? []).find((v: any) => v.storage)?.name;
  const accepted = { plural: names.plural, singular: names.singular ?? String(names.kind).toLowerCase(), kind: names.kind, listKind: names.listKind ?? `${names.kind}List`,
    ...(names.shortNames ? { shortNames: names.shortNames } : {}), ...(names.categories ? { categories: names.categories } : {}) };
  crd.status = {
    conditions: withConditionTimes(crd.status?.conditions, [
      condition('NamesAccepted', 'True', 'NoConflicts', 'no conflicts found'),
      condition('Established', 'True', 'InitialNamesAccepted', 'the initial names have been accepted'),
    ]).map(({ lastUpdateTime: _u, ...c }) => c),
    acceptedNames: accepted,
    storedVersions: [...new Set([...(crd.status?.storedVersions ?? []), ...(storage ? [storage] : [])])],
  };
}

/** Keep the registry in step with stored CRDs. */
export function startCrdController(ctx: SimContext): void {
  const served = new Map<string, string>();
  ctx.store.subscribe(crdKey, (e: StoreEvent) => {
    const name = e.object.metadata.name as string;
    if (e.type !== 'DELETED') {
      const spec = stableJson(e.object.spec);
      if (served.get(name) !== spec) ctx.registry.setCrdTypes(name, e.object);
      served.set(name, spec);
      return;
    }
    served.delete(name);
    const spec = e.object.spec ?? {};
    const key = `${spec.group}/${spec.names?.plural}`;
    for (const obj of ctx.store.list(key)) ctx.store.remove(key, obj.metadata.namespace, obj.metadata.name);
    ctx.registry.setCrdTypes(name, undefined);
  });
}
