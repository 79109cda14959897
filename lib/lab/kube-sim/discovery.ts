/**
 * Discovery: legacy (/api, /apis, /api/v1, /apis/<group>/<version>) and aggregated
 * (apidiscovery.k8s.io/v2 APIGroupDiscoveryList, chosen through the Accept header as helm and
 * kubectl ask for it). CRD-defined types appear as soon as the CRD exists.
 */
import type { Registry, ResourceType } from './registry.ts';

export const aggregatedContentType = 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList';
const verbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

/** Group name → versions (preferred first). */
function groups(registry: Registry): Map<string, Map<string, ResourceType[]>> {
  const out = new Map<string, Map<string, ResourceType[]>>();
  for (const t of registry.types) {
    const g = out.get(t.group) ?? new Map<string, ResourceType[]>();
    out.set(t.group, g);
    g.set(t.version, [...(g.get(t.version) ?? []), t]);
  }
  return out;
}

export function wantsAggregated(accept: string | undefined): boolean {
  return Boolean(accept && accept.split(',')[0]!.includes('apidiscovery.k8s.io') && accept.includes('v=v2'));
}

export function legacyApi(serverAddress: string): unknown {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

export function legacyGroups(registry: Registry): unknown {
  const list = [...groups(registry)].filter(([g]) => g !== '').map(([name, versions]) => {
    const vs = [...versions.keys()].map((v) => ({ groupVersion: `${name}/${v}`, version: v }));
    return { name, versions: vs, preferredVersion: vs[0] };
  });
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: list };
}

export function resourceList(registry: Registry, group: string, version: string): unknown | undefined {
  const types = registry.types.filter((t) => t.group === group && t.version === version);
  if (types.length === 0) return undefined;
  const resources = types.flatMap((t) => [
    { name: t.plural, singularName: t.singular, namespaced: t.namespaced, kind: t.kind, verbs,
      ...(t.shortNames.length ? { shortNames: t.shortNames } : {}), ...(t.categories.length ? { categories: t.categories } : {}) },
    ...t.subresources.map((s) => ({ name: `${t.plural}/${s}`, singularName: '', namespaced: t.namespaced, kind: t.kind, verbs: ['get', 'patch', 'update'] })),
  ]);
  return { kind: 'APIResourceList', apiVersion: 'v1', groupVersion: group ? `${group}/${version}` : version, resources };
}

function aggregatedResource(t: ResourceType): unknown {
  return {
    resource: t.plural, responseKind: { group: t.group, version: t.version, kind: t.kind },
    scope: t.namespaced ? 'Namespaced' : 'Cluster', singularResource: t.singular, verbs,
    ...(t.shortNames.length ? { shortNames: t.shortNames } : {}), ...(t.categories.length ? { categories: t.categories } : {}),
    ...(t.subresources.length ? {
      subresources: t.subresources.map((s) => ({
        subresource: s, responseKind: { group: t.group, version: t.version, kind: s === 'scale' ? 'Scale' : t.kind }, verbs: ['get', 'patch', 'update'],
      })),
    } : {}),
  };
}

/** Aggregated discovery for /api (legacy: true) or /apis. */
export function aggregated(registry: Registry, legacy: boolean): unknown {
  const items = [...groups(registry)].filter(([g]) => (g === '') === legacy).map(([name, versions]) => ({
    metadata: { name, creationTimestamp: null },
    versions: [...versions].map(([version, types]) => ({ version, resources: types.map(aggregatedResource), freshness: 'Current' })),
  }));
  return { kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2', metadata: {}, items };
}
