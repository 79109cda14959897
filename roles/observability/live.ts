/**
 * The verify rows that need a live process, read through the same pods/portforward as `npm run
 * dashboard` (lib/kube/port-forward.ts): one forward per component to a running pod, one HTTP
 * request, bounded by observability_verify_timeout; the forward closed after.
 *
 *   prometheus  GET /api/v1/targets?state=active           every active target up
 *   grafana     GET /api/datasources/uid/prometheus/health  the Prometheus data source OK (admin login)
 *   kiali       its readiness probe (<web_root>/healthz)    HTTP 200
 *   jaeger      its readiness probe (:13133/status)         HTTP 200
 *
 * liveFacts does the I/O; liveRow (pure) turns each answer into a row. A forward that cannot be
 * opened or answers nothing (no kubelet to reach, or kwok without a PortForward rule, as in the
 * demo) is 'warn: not reachable here' with the reason: the object rows already say
 * whether the component runs. An answer that is wrong is FAIL, naming what failed.
 */
import { forwardPort } from '../../lib/kube/port-forward.ts';
import type { Cluster, KubeObject } from '../../lib/kube/types.ts';
import type { VerifyRow } from '../../lib/role-kit/index.ts';
import { podBehind, podPort } from './dashboard.ts';
import { passwordIn } from './grafana-secret.ts';
import { GRAFANA_DATASOURCE_UID, type Component } from './releases.ts';
import type { ObservabilityVars } from './vars.ts';

type Obj = Record<string, any>;

export type LiveAnswer =
  | { readonly reached: true; readonly pod: string; readonly status: number; readonly body: string }
  | { readonly reached: false; readonly reason: string };

interface Probe { readonly pod: string; readonly port: number; readonly path: string; readonly headers?: Record<string, string> }

/** The container's readiness probe (httpGet), as the kubelet would call it. */
function readinessProbe(pod: Obj): { port: number; path: string } | undefined {
  for (const ctr of pod['spec']?.containers ?? []) {
    const get = ctr.readinessProbe?.httpGet;
    if (get && (get.scheme ?? 'HTTP') === 'HTTP') return { port: podPort(pod, get.port), path: get.path ?? '/' };
  }
  return undefined;
}

/** What the verify read already, in one go: the components' Services, the namespace's pods, Grafana's admin Secret. */
export interface LiveInputs {
  readonly services: Readonly<Partial<Record<Component, KubeObject | undefined>>>;
  readonly pods: readonly KubeObject[];
  readonly grafanaSecret: KubeObject | undefined;
}

function probeFor(v: ObservabilityVars, c: Component, known: LiveInputs): Probe {
  const { pod, servicePort } = podBehind(known.services[c], known.pods, v.observability_namespace, c);
  const name = pod['metadata'].name as string;
  const servicePodPort = () => podPort(pod, servicePort?.['targetPort'] ?? servicePort?.['port']);
  if (c === 'prometheus') return { pod: name, port: servicePodPort(), path: '/api/v1/targets?state=active' };
  if (c === 'grafana') {
    const password = passwordIn(known.grafanaSecret); // registered as a secret: never printed
    const auth = `Basic ${Buffer.from(`${v.grafana_admin_user}:${password ?? ''}`).toString('base64')}`;
    return { pod: name, port: servicePodPort(), path: `/api/datasources/uid/${GRAFANA_DATASOURCE_UID}/health`, headers: { authorization: auth } };
  }
  const probe = readinessProbe(pod);
  if (!probe) throw new Error(`pod ${name} has no HTTP readiness probe to call`);
  return { pod: name, ...probe };
}

/** One request through a forward to the pod; never throws (an unreachable pod is an answer too). */
export async function askPod(cluster: Cluster, v: ObservabilityVars, c: Component, known: LiveInputs): Promise<LiveAnswer> {
  let probe: Probe;
  try {
    probe = probeFor(v, c, known);
  } catch (err) {
    return { reached: false, reason: (err as Error).message };
  }
  const forward = await forwardPort(cluster.api, { namespace: v.observability_namespace, pod: probe.pod, port: probe.port }, 0).catch((err: Error) => err);
  if (forward instanceof Error) return { reached: false, reason: forward.message };
  try {
    const res = await fetch(`http://127.0.0.1:${forward.port}${probe.path}`, { headers: probe.headers ?? {}, signal: AbortSignal.timeout(v.observability_verify_timeout * 1000) });
    return { reached: true, pod: probe.pod, status: res.status, body: await res.text() };
  } catch (err) {
    const e = err as Error & { cause?: Error };
    const why = forward.errors[0] ?? (e.name === 'TimeoutError' ? `no answer in ${v.observability_verify_timeout}s` : e.cause?.message ?? e.message);
    return { reached: false, reason: `${probe.pod}:${probe.port}${probe.path.split('?')[0]}: ${why}` };
  } finally {
    await forward.close();
  }
}

/** Every component asked at once, each through its own forward, from what was read already. */
export async function liveFacts(cluster: Cluster, v: ObservabilityVars, components: readonly Component[], known: LiveInputs): Promise<Partial<Record<Component, LiveAnswer>>> {
  return Object.fromEntries(await Promise.all(components.map(async (c) => [c, await askPod(cluster, v, c, known)] as const)));
}

const EXPECTED: Record<Component, [string, string]> = {
  prometheus: ['prometheus targets', 'every active target up'],
  grafana: [`grafana datasource ${GRAFANA_DATASOURCE_UID}`, 'health OK'],
  kiali: ['kiali health', 'HTTP 200'],
  jaeger: ['jaeger health', 'HTTP 200'],
};

function json(body: string): Obj | undefined {
  try {
    return JSON.parse(body) as Obj;
  } catch {
    return undefined;
  }
}

const head = (s: string) => s.replace(/\s+/g, ' ').trim().slice(0, 80);

function targetsActual(a: { status: number; body: string }): [string, boolean] {
  const targets = json(a.body)?.['data']?.activeTargets as Obj[] | undefined;
  if (a.status !== 200 || !Array.isArray(targets)) return [`HTTP ${a.status}: ${head(a.body)}`, false];
  if (targets.length === 0) return ['no active targets (scrape config?)', false];
  const down = targets.filter((t) => t['health'] !== 'up');
  if (down.length === 0) return [`${targets.length}/${targets.length} up`, true];
  const named = down.slice(0, 3).map((t) => `${t['labels']?.job ?? t['scrapePool']} ${t['labels']?.instance ?? t['scrapeUrl']} ${t['health']}${t['lastError'] ? ` (${t['lastError']})` : ''}`);
  return [`${down.length} of ${targets.length} not up: ${named.join('; ')}${down.length > 3 ? '; ...' : ''}`, false];
}

function healthActual(c: Component, a: { status: number; body: string }): [string, boolean] {
  if (c === 'prometheus') return targetsActual(a);
  if (c === 'grafana') {
    const b = json(a.body);
    const ok = a.status === 200 && b?.['status'] === 'OK';
    const said = [b?.['status'], b?.['message']].filter(Boolean).join(' ') || head(a.body);
    return [`HTTP ${a.status}: ${said}`, ok];
  }
  return [`HTTP ${a.status}`, a.status === 200];
}

/** The row of one live answer (pure). */
export function liveRow(c: Component, a: LiveAnswer | undefined): VerifyRow {
  const [check, expected] = EXPECTED[c];
  if (!a) return { check, expected, actual: 'not checked', result: 'warn' };
  if (!a.reached) return { check, expected, actual: `not reachable here: ${a.reason}`, result: 'warn' };
  const [actual, ok] = healthActual(c, a);
  return { check, expected, actual, result: ok ? 'ok' : 'FAIL' };
}
