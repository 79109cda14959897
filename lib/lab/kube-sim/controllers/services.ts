/**
 * Service IP and NodePort allocation, done inside the write like the API server's service
 * registry: a ClusterIP from 10.43.0.0/16 (kept across updates), NodePorts from 30000-32767 for
 * NodePort and LoadBalancer Services (explicit ports honoured, clashes and out-of-range ports
 * refused with 422 like a real server).
 */
import type { SimContext } from '../context.ts';
import type { ResourceType } from '../registry.ts';
import { invalid, type StatusCause } from '../status.ts';

const nodePortMin = 30000;
const nodePortMax = 32767;

function otherServices(ctx: SimContext, svc: any): any[] {
  return ctx.store.list('/services').filter((s) => !(s.metadata.namespace === svc.metadata.namespace && s.metadata.name === svc.metadata.name));
}

function allocateClusterIp(ctx: SimContext, t: ResourceType, svc: any, old: any): void {
  const spec = svc.spec;
  if (spec.type === 'ExternalName') return;
  const used = new Set(otherServices(ctx, svc).map((s) => s.spec?.clusterIP));
  if (!spec.clusterIP && old?.spec?.clusterIP) spec.clusterIP = old.spec.clusterIP;
  if (spec.clusterIP && spec.clusterIP !== 'None' && spec.clusterIP !== old?.spec?.clusterIP && used.has(spec.clusterIP)) {
    throw invalid(t, svc.metadata.name, [{ field: 'spec.clusterIPs', message: `Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: provided IP is already allocated` }]);
  }
  for (let i = 10; !spec.clusterIP && i < 65535; i++) {
    const ip = `10.43.${i >> 8}.${i & 255}`;
    if (!used.has(ip)) spec.clusterIP = ip;
  }
  spec.clusterIPs = [spec.clusterIP];
}

function allocateNodePorts(ctx: SimContext, t: ResourceType, svc: any, old: any): void {
  const spec = svc.spec;
  if (spec.type !== 'NodePort' && spec.type !== 'LoadBalancer') {
    for (const p of spec.ports ?? []) delete p.nodePort;
    return;
  }
  const used = new Set<number>(otherServices(ctx, svc).flatMap((s) => (s.spec?.ports ?? []).map((p: any) => p.nodePort).filter(Boolean)));
  const causes: StatusCause[] = [];
  const ports: any[] = spec.ports ?? [];
  ports.forEach((p, i) => {
    if (!p.nodePort) return;
    if (p.nodePort < nodePortMin || p.nodePort > nodePortMax) {
      causes.push({ field: `spec.ports[${i}].nodePort`, message: `Invalid value: ${p.nodePort}: provided port is not in the valid range. The range of valid ports is ${nodePortMin}-${nodePortMax}` });
    } else if (used.has(p.nodePort)) {
      causes.push({ field: `spec.ports[${i}].nodePort`, message: `Invalid value: ${p.nodePort}: provided port is already allocated` });
    }
    used.add(p.nodePort);
  });
  if (causes.length) throw invalid(t, svc.metadata.name, causes);
  for (const p of ports) {
    if (p.nodePort) continue;
    const prev = (old?.spec?.ports ?? []).find((o: any) => o.port === p.port && (o.protocol ?? 'TCP') === (p.protocol ?? 'TCP') && o.nodePort);
    let port = prev?.nodePort as number | undefined;
    for (let n = nodePortMin; !port && n <= nodePortMax; n++) if (!used.has(n)) port = n;
    p.nodePort = port;
    used.add(port!);
  }
}

/** Admission hook for Services. */
export function serviceAdmission(ctx: SimContext, t: ResourceType, obj: any, old: any): void {
  if (t.group !== '' || t.kind !== 'Service') return;
  obj.spec ??= {};
  allocateClusterIp(ctx, t, obj, old);
  allocateNodePorts(ctx, t, obj, old);
}
