/**
 * Readiness of each kind a wait can watch, as pure functions of the observed objects: whether
 * it is ready, a short status for progress lines and timeouts, and a failure that will not
 * heal by waiting (a failed Job, a wrong LoadBalancer IP).
 */
import type { KubeObject } from '../kube/types.ts';

export interface Readiness {
  ready: boolean;
  /** "0/1 available", "not established", "no ingress IP yet". */
  status: string;
  /** Set when waiting longer cannot help. */
  failed?: string;
}

type Obj = KubeObject & { spec?: Record<string, any>; status?: Record<string, any> };
interface Condition { type: string; status: string; reason?: string; message?: string }

function conditions(o: Obj | undefined): Condition[] {
  return (o?.status?.['conditions'] as Condition[] | undefined) ?? [];
}

export function conditionTrue(o: Obj | undefined, type: string): boolean {
  return conditions(o).some((c) => c.type === type && c.status === 'True');
}

function generationSeen(o: Obj): boolean {
  const gen = o.metadata['generation'] as number | undefined;
  return gen === undefined || (o.status?.['observedGeneration'] ?? 0) >= gen;
}

const missing: Readiness = { ready: false, status: 'not found yet' };

/** A workload's rollout: `count` pods (available or ready) and `updated` pods of `want`, and whether its generation was observed. */
function rollout(o: Obj, count: number, noun: string, want: number, updated: number): Readiness {
  const seen = generationSeen(o);
  const parts = [`${count}/${want} ${noun}`];
  if (updated < want) parts.push(`${updated}/${want} updated`);
  if (!seen) parts.push('new generation not observed yet');
  return { ready: seen && count >= want && updated >= want, status: parts.join(', ') };
}

export function deploymentReadiness(o: Obj | undefined): Readiness {
  if (!o) return missing;
  const s = o.status ?? {};
  const r = rollout(o, s['availableReplicas'] ?? 0, 'available', o.spec?.['replicas'] ?? 1, s['updatedReplicas'] ?? 0);
  const stuck = conditions(o).find((c) => c.type === 'Progressing' && c.reason === 'ProgressDeadlineExceeded');
  return stuck ? { ...r, failed: `progress deadline exceeded: ${stuck.message ?? ''}` } : r;
}

export function statefulSetReadiness(o: Obj | undefined): Readiness {
  if (!o) return missing;
  const want = o.spec?.['replicas'] ?? 1;
  const s = o.status ?? {};
  const ready = s['readyReplicas'] ?? 0;
  const updated = o.spec?.['updateStrategy']?.type === 'OnDelete' ? want : (s['updatedReplicas'] ?? (s['currentRevision'] === s['updateRevision'] ? ready : 0));
  return rollout(o, ready, 'ready', want, updated);
}

export function daemonSetReadiness(o: Obj | undefined): Readiness {
  if (!o) return missing;
  const s = o.status ?? {};
  if (s['desiredNumberScheduled'] === undefined) return { ready: false, status: 'not scheduled yet' };
  return rollout(o, s['numberAvailable'] ?? 0, 'available', s['desiredNumberScheduled'], s['updatedNumberScheduled'] ?? 0);
}

export function crdReadiness(o: Obj | undefined): Readiness {
  if (!o) return missing;
  if (conditionTrue(o, 'Established')) return { ready: true, status: 'established' };
  const c = conditions(o).map((x) => `${x.type}=${x.status}`).join(', ');
  return { ready: false, status: `not established${c ? ` (${c})` : ''}` };
}

/**
 * The EndpointSlices of a Service (label kubernetes.io/service-name; the v1 Endpoints API is
 * deprecated): ready when some endpoint's conditions.ready is not false (unset means ready, as
 * the API documents for consumers).
 */
export function endpointSlicesReadiness(slices: readonly Obj[]): Readiness {
  if (!slices.length) return { ready: false, status: 'no EndpointSlice yet' };
  const endpoints = slices.flatMap((s) => (s as { endpoints?: { conditions?: { ready?: boolean | null } }[] }).endpoints ?? []);
  const ready = endpoints.filter((e) => e.conditions?.ready !== false).length;
  const notReady = endpoints.length - ready;
  return { ready: ready > 0, status: `${ready} ready endpoint${ready === 1 ? '' : 's'}${notReady ? `, ${notReady} not ready` : ''}` };
}

export function loadBalancerReadiness(o: Obj | undefined, expectedIp?: string): Readiness & { ip?: string } {
  if (!o) return missing;
  if (o.spec?.['type'] !== 'LoadBalancer') return { ready: false, status: `type ${o.spec?.['type'] ?? 'ClusterIP'}`, failed: `is of type ${o.spec?.['type'] ?? 'ClusterIP'}, not LoadBalancer` };
  const ingress = (o.status?.['loadBalancer']?.ingress as { ip?: string; hostname?: string }[] | undefined) ?? [];
  const ip = ingress.find((i) => i.ip)?.ip ?? ingress.find((i) => i.hostname)?.hostname;
  if (!ip) return { ready: false, status: 'no ingress IP yet' };
  if (expectedIp && ip !== expectedIp) return { ready: false, status: `ingress IP ${ip}`, failed: `got ingress IP ${ip}, expected ${expectedIp}` };
  return { ready: true, status: `ingress IP ${ip}`, ip };
}

export function podsReadiness(pods: Obj[]): Readiness {
  const live = pods.filter((p) => p.status?.['phase'] !== 'Succeeded');
  const ready = live.filter((p) => conditionTrue(p, 'Ready')).length;
  if (!live.length) return { ready: false, status: 'no pods yet' };
  const waiting = live.filter((p) => !conditionTrue(p, 'Ready')).map((p) => p.metadata.name);
  return { ready: ready === live.length, status: `${ready}/${live.length} pods ready${waiting.length ? ` (waiting for ${waiting.join(', ')})` : ''}` };
}

export function jobReadiness(o: Obj | undefined): Readiness {
  if (!o) return missing;
  if (conditionTrue(o, 'Complete')) return { ready: true, status: 'complete' };
  const failed = conditions(o).find((c) => c.type === 'Failed' && c.status === 'True');
  const s = o.status ?? {};
  const status = `${s['succeeded'] ?? 0} succeeded, ${s['active'] ?? 0} active, ${s['failed'] ?? 0} failed`;
  return { ready: false, status, ...(failed ? { failed: `failed: ${failed.reason ?? ''} ${failed.message ?? ''}`.trim() } : {}) };
}

export function nodesReadiness(nodes: Obj[], names: string[]): Readiness {
  const readyNames = new Set(nodes.filter((n) => conditionTrue(n, 'Ready')).map((n) => n.metadata.name));
  const waiting = names.filter((n) => !readyNames.has(n));
  return { ready: waiting.length === 0, status: `${names.length - waiting.length}/${names.length} nodes ready${waiting.length ? ` (waiting for ${waiting.join(', ')})` : ''}` };
}
