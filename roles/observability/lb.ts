/**
 * Optional load-balancer frontends for the dashboards (observability_lb_dashboards, none by
 * default): each listed dashboard's Service becomes a NodePort (<name>_nodeport) and the role
 * exposes it (Role.exposes) as a TCP service, so lib/lb writes the HAProxy frontend/backend and
 * the F5 virtual/pool on the dashboard's usual port, and the NodePort clash check sees it. Pure.
 */
import type { ExposedService } from '../../lib/role.ts';
import type { PlatformVars } from '../../lib/vars/platform.ts';
import { LOCAL_PORTS } from './dashboard.ts';
import { SERVICES, type Component } from './releases.ts';

export const NODEPORT_VARS = {
  grafana: 'grafana_nodeport', kiali: 'kiali_nodeport', jaeger: 'jaeger_nodeport', prometheus: 'prometheus_nodeport',
} as const satisfies Record<Component, keyof PlatformVars>;

type LbView = Pick<PlatformVars, 'enable_observability' | 'observability_lb_dashboards' | (typeof NODEPORT_VARS)[Component]>;

/** The NodePort of a dashboard's Service when the load balancers publish it. */
export function dashboardNodePort(v: LbView, c: Component): number | undefined {
  return v.enable_observability && v.observability_lb_dashboards.includes(c) ? v[NODEPORT_VARS[c]] : undefined;
}

export function exposedDashboards(p: LbView): ExposedService[] {
  return [...new Set(p.observability_lb_dashboards)].filter((c) => dashboardNodePort(p, c) !== undefined).map((c) => ({
    kind: 'tcp', name: c, service: SERVICES[c].name, port: LOCAL_PORTS[c],
    nodePort: { nodePort: p[NODEPORT_VARS[c]], var: NODEPORT_VARS[c] },
  }));
}
