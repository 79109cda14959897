/** Small helpers the Istio object builders share. */
import type { IstioVars } from './vars.ts';

/** Drops undefined fields so the applied objects hold only what the vars say. */
export function compact<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

/**
 * The gateway pods' `istio` label: istio_gateway_pod_label when set (the docs' `ingressgateway`),
 * else what the gateway chart derives from the release name (istio-gateway → gateway).
 */
export function gatewayPodLabel(vars: Pick<IstioVars, 'istio_gateway_name' | 'istio_gateway_pod_label'>): string {
  return vars.istio_gateway_pod_label ?? vars.istio_gateway_name.replace(/^istio-/, '');
}

export function gatewaySelector(vars: Pick<IstioVars, 'istio_gateway_name' | 'istio_gateway_pod_label'>): Record<string, string> {
  return { istio: gatewayPodLabel(vars) };
}
