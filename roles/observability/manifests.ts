/**
 * The role's objects that are not Helm charts: Istio's all-in-one Jaeger and its Grafana
 * dashboards, vendored under manifests/ (users have only the repo; the Jaeger chart needs
 * Bitnami's `common` chart, which is not vendored anywhere), moved to observability_namespace.
 * Pure but for reading the vendored files.
 */
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../lib/kube/types.ts';
import { dashboardNodePort } from './lb.ts';
import type { ObservabilityVars } from './vars.ts';

export const JAEGER_MANIFEST = new URL('./manifests/jaeger.yaml', import.meta.url);
export const DASHBOARDS_FILE = 'roles/observability/manifests/istio-dashboards.yaml';
export const DASHBOARDS_MANIFEST = new URL('./manifests/istio-dashboards.yaml', import.meta.url);

const cache = new Map<string, KubeObject[]>();

/** The objects of a vendored file, parsed once per process. */
export function vendored(file: URL): KubeObject[] {
  let objects = cache.get(file.href);
  if (!objects) {
    objects = parseAllDocuments(readFileSync(file, 'utf8')).map((d) => d.toJS() as KubeObject | null).filter((o): o is KubeObject => !!o);
    cache.set(file.href, objects);
  }
  return objects;
}

/** A vendored file's objects in the observability namespace (fresh copies). */
export function inNamespace(file: URL, namespace: string): KubeObject[] {
  return vendored(file).map((o) => ({ ...structuredClone(o), metadata: { ...structuredClone(o.metadata), namespace } }));
}

/** Istio's Jaeger; its UI Service `tracing` a NodePort when the load balancers publish it (lb.ts). */
export function jaegerObjects(v: ObservabilityVars): KubeObject[] {
  const objects = inNamespace(JAEGER_MANIFEST, v.observability_namespace);
  const nodePort = dashboardNodePort(v, 'jaeger');
  const ui = objects.find((o) => o.kind === 'Service' && o.metadata.name === 'tracing') as Record<string, any> | undefined;
  if (nodePort && ui) {
    ui['spec'].type = 'NodePort';
    ui['spec'].ports = (ui['spec'].ports as Record<string, unknown>[]).map((p) => (p['name'] === 'http-query' ? { ...p, nodePort } : p));
  }
  return objects;
}
export const dashboardObjects = (v: ObservabilityVars): KubeObject[] => inNamespace(DASHBOARDS_MANIFEST, v.observability_namespace);
