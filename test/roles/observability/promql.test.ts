// The PromQL check of alerting rules (roles/observability/promql.ts): a table of expressions and the problems found.
import { describe, expect, it } from 'vitest';
import { promqlProblems } from '../../../roles/observability/promql.ts';
import { alertRules } from '../../../roles/observability/alerts.ts';
import observability from '../../../roles/observability/index.ts';
import { typedVars } from '../../fixtures/istio/role-vars.ts';

describe('promqlProblems', () => {
  const cases: [string, string[]][] = [
    ['histogram_quantile(0.99, sum by (destination_service, le) (rate(istio_request_duration_milliseconds_bucket{reporter="destination"}[5m]))) > 1000', []],
    ['up{job="kubernetes-pods",namespace=~"seldon.*"} == 0', []],
    ['sum(rate(x{response_code=~"5.."}[5m:1m]))', []],
    ['rate(x{path="a}b(c"}[1h])', []], // brackets inside strings do not count
    ['sum(rate(x[5m])', ['( at 3 is never closed']],
    ['sum(rate(x[5m)))', [') at 13 closes [ at 10']],
    ['x{a="b}', ['string opened at 4 is never closed']],
    ['rate(x[5 minutes])', ['[5 minutes] is not a range such as [5m] or [1h:1m]']],
    ['x{le}', ['label matcher "le" is not name="value" (or !=, =~, !~)']],
    ['sum without (destination_servce) (x)', ['label destination_servce is not known; did you mean destination_service? (or list it in observability_alert_labels)']],
    ['a / on (instance) group_left (nodename) b', ['label nodename is not known (or list it in observability_alert_labels)']],
    ['   ', ['is empty']],
  ];
  for (const [expr, want] of cases) it(expr, () => expect(promqlProblems(expr)).toEqual(want));

  it('extra labels are accepted', () => expect(promqlProblems('x{team="a"}', ['team'])).toEqual([]));

  it('the built-in alerts pass the check with any thresholds', () => {
    const vars = typedVars(observability, { observability_alert_error_rate: 0.2, observability_alert_p99_latency_ms: 250, observability_model_namespace: 'models' });
    const rules = alertRules(vars);
    expect(rules.map((r) => r.alert)).toEqual(['MeshServiceErrorRate', 'MeshServiceP99Latency', 'ModelServerDown']);
    for (const r of rules) expect(promqlProblems(r.expr), r.expr).toEqual([]);
    expect(rules[1]!.expr).toMatch(/ > 250$/);
  });
});
