/**
 * The demo's verify table: facts read once from the real API server (as the cluster's admin)
 * and the answers that came back through HAProxy, then rows computed purely from them. Every
 * answer behind HAProxy comes from the k3s stand-in (no real gateway, ingress controller or model
 * server runs here); the rows say so.
 */
import type { ClusterApi } from '../lab/cluster/api.ts';
import {
  CERTIFICATE, EXPERIMENT, GATEWAY_HTTP_NODEPORT, GATEWAY_NAMESPACE, INGRESS, LB_SELDON_PORT, MODELS, SELDON_NAMESPACE, SELDON_NODEPORT, VIRTUAL_SERVICE,
} from './demo-vars.ts';
import { nodesReached } from './demo-http.ts';

export type Row = [check: string, actual: string, result: 'ok' | 'FAILED'];

interface Condition { type: string; status: string; reason?: string; message?: string }
interface Obj { metadata: { name: string; labels?: Record<string, string> }; spec?: any; status?: { conditions?: Condition[]; notAfter?: string } }

export interface DemoFacts {
  /** The k3s stand-in's Nodes (kwok's own fake Nodes apart). */
  k3sNodes: Obj[];
  /** undefined: the serving path is not part of this run. */
  serving?: {
    certificate?: Obj;
    /** The Certificate's Secret holds a tls.crt (what cert-manager issued; its content is never read into a row). */
    certificateIssued: boolean;
    ingress?: Obj; virtualService?: Obj; models: (Obj | undefined)[]; experiment?: Obj;
  };
}

export interface DemoAnswers {
  nodes: readonly string[];
  lb: string;
  gateway: readonly string[];
  gatewayExpected: number;
  /** Seldon's frontend: health and inference answers. */
  seldon?: { health: readonly string[]; infer: readonly string[] };
}

export async function readDemoFacts(api: ClusterApi, serving: boolean): Promise<DemoFacts> {
  const nodes = (await api.list('v1', 'Node')) as Obj[];
  const k3sNodes = nodes.filter((n) => n.metadata.labels?.['node.kubernetes.io/instance-type'] === 'k3s');
  if (!serving) return { k3sNodes };
  const get = (v: string, k: string, ns: string, n: string) => api.get(v, k, ns, n) as Promise<Obj | undefined>;
  const secret = (await api.get('v1', 'Secret', GATEWAY_NAMESPACE, CERTIFICATE)) as { data?: Record<string, string> } | undefined;
  return {
    k3sNodes,
    serving: {
      certificate: await get('cert-manager.io/v1', 'Certificate', GATEWAY_NAMESPACE, CERTIFICATE),
      certificateIssued: Boolean(secret?.data?.['tls.crt']),
      ingress: await get('networking.k8s.io/v1', 'Ingress', SELDON_NAMESPACE, INGRESS),
      virtualService: await get('networking.istio.io/v1', 'VirtualService', SELDON_NAMESPACE, VIRTUAL_SERVICE),
      models: await Promise.all(MODELS.map((m) => get('mlops.seldon.io/v1alpha1', 'Model', SELDON_NAMESPACE, m))),
      experiment: await get('mlops.seldon.io/v1alpha1', 'Experiment', SELDON_NAMESPACE, EXPERIMENT),
    },
  };
}

const ok = (b: boolean): Row[2] => (b ? 'ok' : 'FAILED');
const readyOf = (o?: Obj) => o?.status?.conditions?.find((c) => c.type === 'Ready');
const isReady = (o?: Obj) => readyOf(o)?.status === 'True';

/** `Ready=True (reason)` or what stands in its way. */
function readiness(o: Obj | undefined): string {
  if (!o) return 'not found';
  const c = readyOf(o);
  return c ? `Ready=${c.status} (${c.reason ?? 'no reason'})` : 'no Ready condition yet';
}

function ingressRoutes(o: Obj | undefined): string {
  const rules = (o?.spec?.rules ?? []) as { host?: string; http?: { paths?: { path?: string; backend?: { service?: { name?: string; port?: { number?: number } } } }[] } }[];
  const routes = rules.flatMap((r) => (r.http?.paths ?? []).map((p) => `${r.host ?? '*'}${p.path ?? '/'} → ${p.backend?.service?.name}:${p.backend?.service?.port?.number}`));
  return routes.join(', ') || 'no routes';
}

function virtualServiceRoutes(o: Obj | undefined): string {
  if (!o) return 'not found';
  const dests = ((o.spec?.http ?? []) as { route?: { destination?: { host?: string; port?: { number?: number } } }[] }[])
    .flatMap((h) => (h.route ?? []).map((r) => `${r.destination?.host}:${r.destination?.port?.number}`));
  return `${(o.spec?.hosts ?? []).join(', ')} via ${(o.spec?.gateways ?? ['mesh']).join(', ')} → ${dests.join(', ') || 'nowhere'}`;
}

function servingRows(s: NonNullable<DemoFacts['serving']>): Row[] {
  const notAfter = s.certificate?.status?.notAfter;
  return [
    [`certificate ${GATEWAY_NAMESPACE}/${CERTIFICATE}`,
      `${readiness(s.certificate)}${notAfter ? `, notAfter ${notAfter}` : ''}, Secret ${CERTIFICATE} ${s.certificateIssued ? 'holds tls.crt' : 'has no tls.crt'}`,
      ok(isReady(s.certificate) && s.certificateIssued)],
    [`ingress ${SELDON_NAMESPACE}/${INGRESS}`, ingressRoutes(s.ingress), ok(ingressRoutes(s.ingress).includes('→ seldon-mesh:'))],
    [`virtualservice ${SELDON_NAMESPACE}/${VIRTUAL_SERVICE}`, virtualServiceRoutes(s.virtualService), ok(virtualServiceRoutes(s.virtualService).includes('→ seldon-mesh:'))],
    ...MODELS.map((m, i): Row => [`model ${SELDON_NAMESPACE}/${m}`, readiness(s.models[i]), ok(isReady(s.models[i]))]),
    [`experiment ${SELDON_NAMESPACE}/${EXPERIMENT}`, readiness(s.experiment), ok(isReady(s.experiment))],
  ];
}

function seldonRows(a: NonNullable<DemoAnswers['seldon']>, nodes: readonly string[], lb: string): Row[] {
  const row = (what: string, request: string, answers: readonly string[]): Row => {
    const reached = nodesReached(answers, nodes);
    return [`Seldon NodePort ${SELDON_NODEPORT} via HAProxy ${lb}:${LB_SELDON_PORT} (${what})`,
      reached.length ? `${request} answered by the k3s stand-in on ${reached.join(', ')} (no model server runs here)` : `${request}: no answer from any node`, ok(reached.length > 0)];
  };
  return [row('health', 'GET /v2/health/ready', a.health), row('inference', `POST /v2/models/${EXPERIMENT}/infer`, a.infer)];
}

export function demoRows(f: DemoFacts, a: DemoAnswers): Row[] {
  const ready = f.k3sNodes.filter(isReady).length;
  const reached = nodesReached(a.gateway, a.nodes);
  return [
    ['k3s nodes Ready (real API server)', `${ready}/${a.nodes.length}`, ok(ready === a.nodes.length)],
    [`HAProxy ${a.lb}:80 answered`, `${a.gateway.length}/${a.gatewayExpected}`, ok(a.gateway.length === a.gatewayExpected)],
    [`nodes reached through HAProxy (NodePort ${GATEWAY_HTTP_NODEPORT})`, reached.join(', ') || 'none', ok(reached.length === a.nodes.length)],
    ...(f.serving ? servingRows(f.serving) : []),
    ...(a.seldon ? seldonRows(a.seldon, a.nodes, a.lb) : []),
  ];
}

export function table(rows: readonly Row[]): string {
  const head = ['CHECK', 'ACTUAL', 'RESULT'] as const;
  const w = [0, 1].map((i) => Math.max(...[head, ...rows].map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => `  ${r[0].padEnd(w[0]!)}  ${r[1].padEnd(w[1]!)}  ${r[2]}`).join('\n');
}
