/**
 * Cross-var checks of the observability role, every problem at once: Jaeger off needs tracing off (istiod would send spans nowhere), Kiali
 * needs Istio, a dashboard the load balancers publish must be on, and the alerting rules must pass the PromQL check.
 */
import type { Problem } from '../../lib/errors.ts';
import type { ValidateContext } from '../../lib/role.ts';
import { alertProblems } from './alerts.ts';
import type { ObservabilityVars } from './vars.ts';

export function validateObservability(v: ObservabilityVars, ctx: Pick<ValidateContext, 'sourceOf'>): Problem[] {
  if (!v.enable_observability) return [];
  const problems: Problem[] = [];
  const at = (key: string, message: string) => problems.push({ file: ctx.sourceOf(key), key, message });
  if (!v.observability_jaeger && v.istio_tracing_sampling > 0) {
    at('observability_jaeger', `is false but istio_tracing_sampling is ${v.istio_tracing_sampling}: istiod would send traces to a missing jaeger-collector; set istio_tracing_sampling: 0 or keep observability_jaeger on`);
  }
  if (v.observability_kiali && !v.enable_istio) {
    at('observability_kiali', 'needs Istio (enable_istio is false); set observability_kiali: false or enable_istio: true');
  }
  const on: Record<string, boolean> = { grafana: v.observability_grafana, kiali: v.observability_kiali, jaeger: v.observability_jaeger, prometheus: v.observability_prometheus };
  for (const c of v.observability_lb_dashboards.filter((d) => !on[d])) {
    at('observability_lb_dashboards', `lists ${c} but observability_${c} is false: the load balancers would publish a Service that is not there; drop ${c} from the list or set observability_${c}: true`);
  }
  if (v.observability_prometheus) problems.push(...alertProblems(v, ctx.sourceOf));
  return problems;
}
