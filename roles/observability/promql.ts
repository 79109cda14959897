/**
 * A PromQL check for alerting rules from vars, before anything connects: brackets balanced and
 * closed in order ((), [], {}), strings closed, range durations well-formed, and every label name
 * (in a selector `{le="0.99"}`, in `by (...)`/`without (...)`/`on (...)`/`ignoring (...)`) one the
 * mesh's series carry: Istio's standard labels, the Prometheus chart's Kubernetes labels, or one
 * listed in `extraLabels`. Not a full parser (no promtool here): it catches the typos and cut-off
 * expressions that would otherwise surface only as a Prometheus config reload error.
 *
 *   promqlProblems('sum by (destination_servce) (rate(istio_requests_total[5m])')
 *   // → ['( at 8 is never closed', 'label destination_servce is not known; did you mean destination_service?']
 */
import { closest } from '../../lib/vars/suggest.ts';

/** Istio's standard metric labels (istio.io › Istio Standard Metrics). */
const ISTIO_LABELS = [
  'reporter', 'source_workload', 'source_workload_namespace', 'source_principal', 'source_app', 'source_version', 'source_cluster',
  'source_canonical_service', 'source_canonical_revision', 'destination_workload', 'destination_workload_namespace', 'destination_principal',
  'destination_app', 'destination_version', 'destination_service', 'destination_service_name', 'destination_service_namespace',
  'destination_cluster', 'destination_canonical_service', 'destination_canonical_revision', 'request_protocol', 'response_code',
  'grpc_response_status', 'response_flags', 'connection_security_policy', 'component', 'tag',
];
/** What the prometheus chart's scrape jobs attach (relabel_configs), and Prometheus's own. */
const PROMETHEUS_LABELS = [
  '__name__', 'job', 'instance', 'le', 'quantile', 'namespace', 'pod', 'service', 'node', 'container', 'endpoint',
  'app', 'version', 'alertname', 'severity', 'phase', 'condition', 'status', 'reason', 'deployment', 'statefulset', 'daemonset',
  'code', 'method', 'handler', 'path', 'model', 'model_name', 'server', 'pod_template_hash', 'security_istio_io_tlsMode',
  'service_istio_io_canonical_name', 'service_istio_io_canonical_revision', 'app_kubernetes_io_name', 'app_kubernetes_io_instance',
];
export const KNOWN_LABELS: readonly string[] = [...ISTIO_LABELS, ...PROMETHEUS_LABELS];

const OPEN: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
const CLOSE: Record<string, string> = { ')': '(', ']': '[', '}': '{' };
const DURATION = /^(\d+(ms|s|m|h|d|w|y))+$/;
const LABEL_LIST = /\b(by|without|on|ignoring|group_left|group_right)\s*\(([^()]*)\)/g;

interface Scan { problems: string[]; selectors: string[]; ranges: string[] }

/** One pass over the text: brackets, strings, and the text inside `{}` and `[]`. */
function scan(expr: string): Scan {
  const out: Scan = { problems: [], selectors: [], ranges: [] };
  const stack: { ch: string; at: number }[] = [];
  for (let i = 0; i < expr.length; i++) {
    const ch = expr[i]!;
    if (ch === '"' || ch === "'" || ch === '`') {
      const end = closingQuote(expr, i);
      if (end < 0) { out.problems.push(`string opened at ${i} is never closed`); return out; }
      i = end;
    } else if (ch === '#') {
      while (i < expr.length && expr[i] !== '\n') i++;
    } else if (OPEN[ch]) {
      stack.push({ ch, at: i });
    } else if (CLOSE[ch]) {
      const top = stack.pop();
      if (!top || top.ch !== CLOSE[ch]) { out.problems.push(`${ch} at ${i} closes ${top ? `${top.ch} at ${top.at}` : 'nothing'}`); return out; }
      const inner = expr.slice(top.at + 1, i);
      if (ch === '}') out.selectors.push(inner);
      if (ch === ']') out.ranges.push(inner);
    }
  }
  for (const open of stack) out.problems.push(`${open.ch} at ${open.at} is never closed`);
  return out;
}

function closingQuote(expr: string, start: number): number {
  const q = expr[start];
  for (let j = start + 1; j < expr.length; j++) {
    if (expr[j] === '\\' && q !== '`') j++;
    else if (expr[j] === q) return j;
  }
  return -1;
}

/** Label names of a selector body `a="x", b=~"y"` (strings removed first). */
function selectorLabels(body: string): { names: string[]; problems: string[] } {
  const bare = body.replace(/"(\\.|[^"\\])*"|'(\\.|[^'\\])*'|`[^`]*`/g, '""');
  const names: string[] = [];
  const problems: string[] = [];
  for (const part of bare.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([A-Za-z_][A-Za-z0-9_]*)\s*(=~|!~|!=|=)\s*""$/.exec(part);
    if (m) names.push(m[1]!);
    else if (!/^""$/.test(part)) problems.push(`label matcher "${part}" is not name="value" (or !=, =~, !~)`);
  }
  return { names, problems };
}

function labelProblem(name: string, known: readonly string[]): string | undefined {
  if (known.includes(name)) return undefined;
  const hint = closest(name, known);
  return `label ${name} is not known${hint ? `; did you mean ${hint}?` : ''} (or list it in observability_alert_labels)`;
}

/** Every problem of one expression; [] when it passes. */
export function promqlProblems(expr: string, extraLabels: readonly string[] = []): string[] {
  if (!expr.trim()) return ['is empty'];
  const known = [...KNOWN_LABELS, ...extraLabels];
  const s = scan(expr);
  if (s.problems.length) return s.problems;
  const problems: string[] = [];
  const names: string[] = [];
  for (const sel of s.selectors) {
    const r = selectorLabels(sel);
    problems.push(...r.problems);
    names.push(...r.names);
  }
  for (const r of s.ranges) {
    const [range, step] = r.split(':').map((x) => x.trim());
    if (!DURATION.test(range ?? '') || (step !== undefined && step !== '' && !DURATION.test(step))) problems.push(`[${r}] is not a range such as [5m] or [1h:1m]`);
  }
  for (const m of expr.matchAll(LABEL_LIST)) names.push(...m[2]!.split(',').map((x) => x.trim()).filter(Boolean));
  for (const n of new Set(names)) {
    const p = labelProblem(n, known);
    if (p) problems.push(p);
  }
  return problems;
}
