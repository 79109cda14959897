/**
 * Alerting rules: the built-in ones the platform docs name (5xx error rate and p99 latency per
 * service, a model server down), thresholds from vars, plus observability_alert_rules; the rule
 * file the prometheus chart loads (serverFiles › alerting_rules.yml), and their check.
 */
import type { Problem } from '../../lib/errors.ts';
import type { AlertRule } from './alert-vars.ts';
import { promqlProblems } from './promql.ts';
import type { ObservabilityVars } from './vars.ts';

type AlertVars = Pick<ObservabilityVars, 'observability_default_alerts' | 'observability_alert_error_rate' | 'observability_alert_p99_latency_ms'
  | 'observability_alert_for' | 'observability_model_server_job' | 'observability_model_namespace' | 'observability_alert_rules'>;

export const RULE_GROUP = 'capstan-mesh';

export function defaultAlerts(v: AlertVars): AlertRule[] {
  if (!v.observability_default_alerts) return [];
  const requests = (extra: string) => `sum by (destination_service) (rate(istio_requests_total{reporter="destination"${extra}}[5m]))`;
  return [
    {
      alert: 'MeshServiceErrorRate', for: v.observability_alert_for, severity: 'critical',
      expr: `${requests(',response_code=~"5.."')} / ${requests('')} > ${v.observability_alert_error_rate}`,
      summary: `More than ${v.observability_alert_error_rate * 100}% of requests to {{ $labels.destination_service }} fail with 5xx`,
    },
    {
      alert: 'MeshServiceP99Latency', for: v.observability_alert_for, severity: 'warning',
      expr: `histogram_quantile(0.99, sum by (destination_service, le) (rate(istio_request_duration_milliseconds_bucket{reporter="destination"}[5m]))) > ${v.observability_alert_p99_latency_ms}`,
      summary: `p99 latency of {{ $labels.destination_service }} is above ${v.observability_alert_p99_latency_ms} ms`,
    },
    {
      alert: 'ModelServerDown', for: v.observability_alert_for, severity: 'critical',
      expr: `up{job="${v.observability_model_server_job}",namespace="${v.observability_model_namespace}"} == 0`,
      summary: 'Model server {{ $labels.pod }} in {{ $labels.namespace }} is not answering scrapes',
    },
  ];
}

export function alertRules(v: AlertVars): AlertRule[] {
  return [...defaultAlerts(v), ...v.observability_alert_rules];
}

/** The prometheus chart's serverFiles › alerting_rules.yml. */
export function rulesFile(v: AlertVars): Record<string, unknown> {
  const rules = alertRules(v).map((r) => ({
    alert: r.alert, expr: r.expr, ...(r.for ? { for: r.for } : {}),
    labels: { severity: r.severity ?? 'warning' },
    annotations: { summary: r.summary ?? r.alert },
  }));
  return { groups: rules.length ? [{ name: RULE_GROUP, rules }] : [] };
}

/** Every problem of the rules, each naming its var and index. */
export function alertProblems(v: AlertVars & Pick<ObservabilityVars, 'observability_alert_labels'>, sourceOf: (name: string) => string): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set(defaultAlerts(v).map((r) => r.alert));
  v.observability_alert_rules.forEach((r, i) => {
    const key = `observability_alert_rules[${i}]`;
    for (const m of promqlProblems(r.expr, v.observability_alert_labels)) problems.push({ file: sourceOf('observability_alert_rules'), key: `${key}.expr`, message: `${m}: ${r.expr}` });
    if (seen.has(r.alert)) problems.push({ file: sourceOf('observability_alert_rules'), key: `${key}.alert`, message: `${r.alert} is defined twice; give each alert its own name` });
    seen.add(r.alert);
  });
  for (const r of defaultAlerts(v)) {
    for (const m of promqlProblems(r.expr, v.observability_alert_labels)) {
      problems.push({ file: sourceOf('observability_model_server_job'), key: 'observability_model_server_job', message: `built-in alert ${r.alert}: ${m}` });
    }
  }
  return problems;
}
