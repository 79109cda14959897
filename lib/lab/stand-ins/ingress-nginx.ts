/**
 * The ingress-nginx STAND-IN: writes each nginx-class Ingress's status.loadBalancer the way
 * ingress-nginx's controller does with `--publish-service` (the chart's default): the address of
 * its controller Service — the LoadBalancer IP when it has one, else the ClusterIP. No nginx
 * runs here (kwok simulates the controller's Pod), so nothing answers on those addresses.
 */
import { mergePatch, objectPath, together, watchClient, watchKind, type Obj, type StandIn, type StandInTarget } from './watch.ts';

export interface IngressNginxStandInOptions {
  /** The controller Service (the chart names it `<release>-controller`). */
  namespace?: string;
  service?: string;
  /** The IngressClass it serves. */
  ingressClass?: string;
}

/** The addresses ingress-nginx publishes for its Service, or none while it has none. */
export function publishedAddresses(svc: Obj | undefined): { ip: string }[] {
  if (!svc) return [];
  const lb = ((svc.status?.['loadBalancer']?.ingress ?? []) as { ip?: string }[]).filter((i) => i.ip).map((i) => ({ ip: i.ip! }));
  if (svc.spec?.['type'] === 'LoadBalancer') return lb;
  const ip = svc.spec?.['clusterIP'] as string | undefined;
  return ip && ip !== 'None' ? [{ ip }] : [];
}

export function startIngressNginxStandIn(t: StandInTarget, o: IngressNginxStandInOptions = {}): StandIn {
  const ns = o.namespace ?? 'ingress-nginx';
  const name = o.service ?? 'ingress-nginx-controller';
  const cls = o.ingressClass ?? 'nginx';
  const api = watchClient(t);
  const sync = async (ing: Obj) => {
    if (ing.spec?.['ingressClassName'] !== cls) return;
    const want = publishedAddresses(await t.api.get('v1', 'Service', ns, name));
    const have = (ing.status?.['loadBalancer']?.ingress ?? []) as { ip?: string }[];
    if (!want.length || JSON.stringify(have) === JSON.stringify(want)) return;
    await mergePatch(t, await objectPath(t, ing, '/status'), { status: { loadBalancer: { ingress: want } } });
  };
  const ingresses = watchKind(api, 'networking.k8s.io/v1', 'Ingress', sync);
  // When the controller Service gets (or changes) its address, every Ingress of the class follows.
  const services = watchKind(api, 'v1', 'Service', async (svc) => {
    if (svc.metadata.namespace !== ns || svc.metadata.name !== name) return;
    for (const ing of await t.api.list('networking.k8s.io/v1', 'Ingress')) await sync(ing as Obj);
  });
  return together([ingresses, services]);
}
