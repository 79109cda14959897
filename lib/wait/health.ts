/**
 * Health of any object capstan applies, per kind, as pure functions of the observed object (and,
 * for a PVC, its StorageClass): workloads rolled out, Jobs complete, PVCs Bound (or Pending by
 * design under WaitForFirstConsumer), LoadBalancer Services and Ingresses with an address, and custom
 * resources by the common status conventions (observedGeneration, Ready/Available), with the
 * kinds whose controllers always set Ready required to have it (cert-manager, Seldon).
 * Everything else is healthy once it exists. The status names the last condition's message.
 */
import type { KubeObject } from '../kube/types.ts';
import {
  daemonSetReadiness, deploymentReadiness, jobReadiness, loadBalancerReadiness, statefulSetReadiness, type Readiness,
} from './status.ts';

type Obj = KubeObject & { spec?: Record<string, any>; status?: Record<string, any> };
interface Condition { type: string; status: string; reason?: string; message?: string }

/** Kinds whose controller always reports Ready: no Ready condition means not reconciled yet. */
const READY_REQUIRED = new Set([
  'cert-manager.io/Certificate', 'cert-manager.io/Issuer', 'cert-manager.io/ClusterIssuer', 'cert-manager.io/CertificateRequest',
  'mlops.seldon.io/Model', 'mlops.seldon.io/Experiment', 'mlops.seldon.io/Pipeline', 'mlops.seldon.io/Server',
]);

const groupKind = (o: KubeObject) => `${o.apiVersion.includes('/') ? o.apiVersion.split('/')[0] : ''}/${o.kind}`;

function conditionText(c: Condition): string {
  return `${c.type}=${c.status}${c.reason ? ` (${c.reason})` : ''}${c.message ? `: ${c.message}` : ''}`;
}

export interface HealthFacts {
  /** The PVC's StorageClass, when the object is a PVC. */
  storageClass?: KubeObject | undefined;
}

function pvcHealth(o: Obj, facts: HealthFacts): Readiness {
  const phase = o.status?.['phase'] as string | undefined;
  if (phase === 'Bound') return { ready: true, status: `Bound to ${o.spec?.['volumeName'] ?? 'a volume'}` };
  if (phase === 'Lost') return { ready: false, status: 'Lost', failed: 'is Lost: its PersistentVolume is gone' };
  const mode = (facts.storageClass as Obj | undefined)?.['volumeBindingMode'];
  if (mode === 'WaitForFirstConsumer') return { ready: true, status: `Pending by design (StorageClass ${facts.storageClass!.metadata.name} binds when a pod uses it: WaitForFirstConsumer)` };
  const conds = ((o.status?.['conditions'] ?? []) as Condition[]).map(conditionText);
  return { ready: false, status: `${phase ?? 'Pending'}, not Bound${conds.length ? `; ${conds.join('; ')}` : ''}` };
}

function serviceHealth(o: Obj): Readiness {
  const type = (o.spec?.['type'] as string | undefined) ?? 'ClusterIP';
  if (type === 'LoadBalancer') return loadBalancerReadiness(o);
  if (type === 'ExternalName') return { ready: true, status: `ExternalName ${o.spec?.['externalName'] ?? ''}`.trim() };
  return { ready: true, status: o.spec?.['clusterIP'] === 'None' ? 'headless' : type };
}

/** Custom resources: the generation observed, then Ready (or Available) True. */
function customHealth(o: Obj): Readiness {
  const gen = o.metadata['generation'] as number | undefined;
  const seen = o.status?.['observedGeneration'] as number | undefined;
  if (gen !== undefined && seen !== undefined && seen < gen) return { ready: false, status: `generation ${gen} not observed yet (at ${seen})` };
  const conds = (o.status?.['conditions'] ?? []) as Condition[];
  const c = conds.find((x) => x.type === 'Ready') ?? conds.find((x) => x.type === 'Available');
  // A Certificate's verify row says until when it is valid (status.notAfter, set once issued).
  const notAfter = o.status?.['notAfter'] as string | undefined;
  if (c) return { ready: c.status === 'True', status: `${conditionText(c)}${notAfter ? `, notAfter ${notAfter}` : ''}` };
  if (READY_REQUIRED.has(groupKind(o))) return { ready: false, status: 'no Ready condition yet (not reconciled)' };
  return { ready: true, status: conds.length ? conds.map(conditionText).join('; ') : 'exists (no status conditions)' };
}

/** An Ingress is served once its controller published an address (as Argo CD's health check reads it). */
function ingressHealth(o: Obj): Readiness {
  const addr = ((o.status?.['loadBalancer']?.ingress ?? []) as { ip?: string; hostname?: string }[]).map((a) => a.ip ?? a.hostname).filter(Boolean);
  return addr.length ? { ready: true, status: `address ${addr.join(', ')}` } : { ready: false, status: 'no address yet (its ingress controller has not published one)' };
}

const BUILTIN: Record<string, (o: Obj, f: HealthFacts) => Readiness> = {
  'apps/Deployment': (o) => deploymentReadiness(o),
  'apps/StatefulSet': (o) => statefulSetReadiness(o),
  'apps/DaemonSet': (o) => daemonSetReadiness(o),
  'batch/Job': (o) => jobReadiness(o),
  '/PersistentVolumeClaim': pvcHealth,
  '/Service': serviceHealth,
  'networking.k8s.io/Ingress': ingressHealth,
};

/** Whether the kind has a health rule beyond "it exists" (so a wait is worth opening a watch). */
export function hasHealthRule(o: KubeObject): boolean {
  const gk = groupKind(o);
  return gk in BUILTIN || !(gk.startsWith('/') || /\.k8s\.io\/|^(apps|batch|policy|autoscaling)\//.test(gk));
}

export function objectHealth(o: KubeObject | undefined, facts: HealthFacts = {}): Readiness {
  if (!o) return { ready: false, status: 'not found' };
  const rule = BUILTIN[groupKind(o)];
  if (rule) return rule(o as Obj, facts);
  return hasHealthRule(o) ? customHealth(o as Obj) : { ready: true, status: 'exists' };
}
