/**
 * The controllers that make the serving path Ready on a lab cluster (the serving role's tests and
 * `npm run demo` start the same): cert-manager's REAL controller (built from its Go module,
 * lib/lab/cluster/cert-manager-controller.ts), and the STAND-INs for what cannot be built or run
 * here — Seldon's operator, scheduler and model servers (lib/lab/stand-ins/seldon.ts) and
 * ingress-nginx's status writer (lib/lab/stand-ins/ingress-nginx.ts). Start them before the run
 * that installs the charts: each waits for its CRDs.
 */
import { startCertManagerController } from './cluster/cert-manager-controller.ts';
import type { Cluster } from './cluster/types.ts';
import { startIngressNginxStandIn } from './stand-ins/ingress-nginx.ts';
import { startSeldonStandIn } from './stand-ins/seldon.ts';
import { together, type StandIn } from './stand-ins/watch.ts';

export interface ServingControllersOptions {
  certManagerNamespace?: string;
  ingressNginxNamespace?: string;
}

/** What runs, one line each, for a test's or the demo's output. */
export const SERVING_CONTROLLERS = [
  'cert-manager: the real controller v1.21.1 (built from its Go module; no webhook, admission is off)',
  'Seldon: STAND-IN (envoy Deployment and seldon-mesh Service per SeldonRuntime, Models and Experiments marked Ready)',
  'ingress-nginx: STAND-IN (Ingress status = the controller Service address; no nginx runs)',
] as const;

export function startServingControllers(c: Pick<Cluster, 'dir' | 'api' | 'adminKubeconfig'>, o: ServingControllersOptions = {}): StandIn {
  const certManager = startCertManagerController(c, { clusterResourceNamespace: o.certManagerNamespace ?? 'cert-manager' });
  return together([
    { stop: () => certManager.stop() },
    startSeldonStandIn(c),
    startIngressNginxStandIn(c, { namespace: o.ingressNginxNamespace ?? 'ingress-nginx' }),
  ]);
}
