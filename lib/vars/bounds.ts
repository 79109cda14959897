/**
 * Pairs of vars that must be in order, checked before anything connects (the API server would
 * refuse them only after the hosts were changed): a resource request at most its limit, an
 * autoscaler's minimum at most its maximum. Roles call these from validate().
 *
 *   requestWithinLimit(vars, 'istio_gateway_memory_request', 'istio_gateway_memory_limit', ctx.sourceOf)
 */
import type { Problem } from '../errors.ts';
import { quantityValue } from './types.ts';

type Vars = Readonly<Record<string, unknown>>;

/** The request var must not exceed the limit var (Kubernetes quantities: 512Mi, 1Gi, 500m). */
export function requestWithinLimit(vars: Vars, request: string, limit: string, sourceOf: (name: string) => string): Problem[] {
  const req = vars[request];
  const lim = vars[limit];
  if (req === undefined || lim === undefined) return [];
  if (quantityValue(req as string | number) <= quantityValue(lim as string | number)) return [];
  return [{
    file: sourceOf(request), key: request,
    message: `${String(req)} is above ${limit} (${String(lim)}${sourceOf(limit) ? `, from ${sourceOf(limit)}` : ''}), which Kubernetes refuses; lower the request or raise the limit`,
  }];
}

/** The minimum var must not exceed the maximum var (replica counts). */
export function minNotAboveMax(vars: Vars, min: string, max: string, sourceOf: (name: string) => string): Problem[] {
  const lo = vars[min];
  const hi = vars[max];
  if (typeof lo !== 'number' || typeof hi !== 'number' || lo <= hi) return [];
  return [{
    file: sourceOf(min), key: min,
    message: `${lo} is above ${max} (${hi}${sourceOf(max) ? `, from ${sourceOf(max)}` : ''}); the autoscaler needs min <= max: lower ${min} or raise ${max}`,
  }];
}
