/**
 * Server-side printing (meta.k8s.io/v1 Table), which `kubectl get` asks for: NAME and AGE for
 * every kind, plus the usual columns for Services (TYPE, CLUSTER-IP, EXTERNAL-IP, PORT(S)),
 * Deployments, Pods, Namespaces and Nodes. Custom resources get NAME and AGE only (their
 * additionalPrinterColumns are not evaluated).
 */
import type { ResourceType } from './registry.ts';

type Column = { name: string; type: string; format?: string; cell: (obj: any) => string | number };

function age(obj: any): string {
  const s = Math.max(0, Math.floor((Date.now() - Date.parse(obj.metadata.creationTimestamp ?? new Date().toISOString())) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.floor(s / 60)}m`;
  if (s < 172800) return `${Math.floor(s / 3600)}h`;
  return `${Math.floor(s / 86400)}d`;
}

const servicePorts = (o: any): string => (o.spec?.ports ?? []).map((p: any) => `${p.port}${p.nodePort ? `:${p.nodePort}` : ''}/${p.protocol ?? 'TCP'}`).join(',') || '<none>';
const externalIp = (o: any): string => {
  const ingress = (o.status?.loadBalancer?.ingress ?? []).map((i: any) => i.ip ?? i.hostname);
  if (ingress.length) return ingress.join(',');
  return o.spec?.type === 'LoadBalancer' ? '<pending>' : (o.spec?.externalIPs ?? []).join(',') || '<none>';
};
const podReady = (o: any): string => `${(o.status?.containerStatuses ?? []).filter((c: any) => c.ready).length}/${(o.spec?.containers ?? []).length}`;
const nodeReady = (o: any): string => ((o.status?.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True') ? 'Ready' : 'NotReady');

const extra: Record<string, Column[]> = {
  Service: [
    { name: 'Type', type: 'string', cell: (o) => o.spec?.type ?? 'ClusterIP' },
    { name: 'Cluster-IP', type: 'string', cell: (o) => o.spec?.clusterIP ?? '<none>' },
    { name: 'External-IP', type: 'string', cell: externalIp },
    { name: 'Port(s)', type: 'string', cell: servicePorts },
  ],
  Deployment: [
    { name: 'Ready', type: 'string', cell: (o) => `${o.status?.readyReplicas ?? 0}/${o.spec?.replicas ?? 1}` },
    { name: 'Up-to-date', type: 'integer', cell: (o) => o.status?.updatedReplicas ?? 0 },
    { name: 'Available', type: 'integer', cell: (o) => o.status?.availableReplicas ?? 0 },
  ],
  Pod: [
    { name: 'Ready', type: 'string', cell: podReady },
    { name: 'Status', type: 'string', cell: (o) => o.status?.phase ?? 'Pending' },
    { name: 'Restarts', type: 'integer', cell: () => 0 },
  ],
  Namespace: [{ name: 'Status', type: 'string', cell: (o) => o.status?.phase ?? 'Active' }],
  Node: [{ name: 'Status', type: 'string', cell: nodeReady }],
};

export function wantsTable(accept: string): boolean {
  return accept.split(',')[0]!.includes('as=Table');
}

export function toTable(t: ResourceType, items: any[], resourceVersion: string, includeObject: string | null): unknown {
  const columns: Column[] = [
    { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name },
    ...(t.group === '' || t.group === 'apps' ? extra[t.kind] ?? [] : []),
    { name: 'Age', type: 'string', cell: age },
  ];
  const object = (o: any): unknown => {
    if (includeObject === 'None') return undefined;
    if (includeObject === 'Object') return o;
    return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
  };
  return {
    kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion },
    columnDefinitions: columns.map((c) => ({ name: c.name, type: c.type, format: c.format ?? '', description: '', priority: 0 })),
    rows: items.map((o) => ({ cells: columns.map((c) => c.cell(o)), object: object(o) })),
  };
}
