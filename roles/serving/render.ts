/**
 * The serving path's entries rendered into native objects, pure: ClusterIssuers/Issuers (and the
 * CA key pair Secret), Certificates, Ingresses with ingress-nginx annotations, Seldon Models and
 * Experiments. The output is what the platform docs paste; it then goes through the objects
 * validator, the diff, the ApplySet and the health wait like any inventory object.
 */
import type { KubeObject } from '../../lib/kube/types.ts';
import type { CertificateEntry, ClusterIssuerEntry, ExperimentEntry, IngressEntry, ModelEntry } from './schemas.ts';
import type { ServingVars } from './vars.ts';

export const ACME_SERVERS = {
  production: 'https://acme-v02.api.letsencrypt.org/directory',
  staging: 'https://acme-staging-v02.api.letsencrypt.org/directory',
} as const;
/** The ingress class Istio's gateway serves Kubernetes Ingresses under (http01 through the gateway). */
export const ISTIO_INGRESS_CLASS = 'istio';
export const NGINX_CLASS = 'nginx';
const SELDON_API = 'mlops.seldon.io/v1alpha1';
const NGINX = 'nginx.ingress.kubernetes.io';

function compact<T extends Record<string, unknown>>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function issuerSpec(i: ClusterIssuerEntry): Record<string, unknown> {
  if (i.ca) return { ca: { secretName: i.ca.secret_name } };
  if (i.acme) {
    const solver = 'ingress_class' in i.acme.http01 ? i.acme.http01.ingress_class : ISTIO_INGRESS_CLASS;
    return {
      acme: {
        server: i.acme.server in ACME_SERVERS ? ACME_SERVERS[i.acme.server as keyof typeof ACME_SERVERS] : i.acme.server,
        email: i.acme.email,
        privateKeySecretRef: { name: i.acme.account_key_secret ?? `${i.name}-account-key` },
        solvers: [{ http01: { ingress: { ingressClassName: solver } } }],
      },
    };
  }
  return { selfSigned: {} };
}

/** The issuer, and for a CA issuer given its key pair the kubernetes.io/tls Secret it signs with. */
export function issuerObjects(vars: ServingVars, i: ClusterIssuerEntry): KubeObject[] {
  const kind = i.kind ?? 'ClusterIssuer';
  const out: KubeObject[] = [{
    apiVersion: 'cert-manager.io/v1', kind, metadata: compact({ name: i.name, namespace: i.namespace }), spec: issuerSpec(i),
  }];
  if (i.ca?.cert !== undefined && i.ca.key !== undefined) {
    // A ClusterIssuer reads its CA Secret from the cert-manager namespace; an Issuer from its own.
    out.unshift({
      apiVersion: 'v1', kind: 'Secret', type: 'kubernetes.io/tls',
      metadata: { name: i.ca.secret_name, namespace: i.namespace ?? vars.cert_manager_namespace },
      stringData: { 'tls.crt': i.ca.cert, 'tls.key': i.ca.key },
    } as KubeObject);
  }
  return out;
}

export function certificateObject(c: CertificateEntry): KubeObject {
  return {
    apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: c.name, namespace: c.namespace },
    spec: compact({
      secretName: c.secret_name, dnsNames: [...c.dns_names], duration: c.duration, renewBefore: c.renew_before,
      issuerRef: { name: c.issuer, kind: c.issuer_kind ?? 'ClusterIssuer', group: 'cert-manager.io' },
    }),
  };
}

function ingressAnnotations(i: IngressEntry): Record<string, string> {
  const a: Record<string, string | undefined> = {
    [`${NGINX}/rewrite-target`]: i.rewrite_target,
    [`${NGINX}/ssl-redirect`]: i.ssl_redirect === undefined ? undefined : String(i.ssl_redirect),
    [`${NGINX}/limit-rps`]: i.limit_rps === undefined ? undefined : String(i.limit_rps),
    [`${NGINX}/limit-connections`]: i.limit_connections === undefined ? undefined : String(i.limit_connections),
    [`${NGINX}/proxy-body-size`]: i.proxy_body_size === undefined ? undefined : String(i.proxy_body_size),
  };
  if (i.cors) {
    Object.assign(a, {
      [`${NGINX}/enable-cors`]: 'true',
      [`${NGINX}/cors-allow-origin`]: i.cors.origins?.join(', '),
      [`${NGINX}/cors-allow-methods`]: i.cors.methods?.join(', '),
      [`${NGINX}/cors-allow-headers`]: i.cors.headers?.join(', '),
      [`${NGINX}/cors-allow-credentials`]: i.cors.credentials === undefined ? undefined : String(i.cors.credentials),
    });
  }
  if (i.canary) {
    Object.assign(a, {
      [`${NGINX}/canary`]: 'true',
      [`${NGINX}/canary-weight`]: i.canary.weight === undefined ? undefined : String(i.canary.weight),
      [`${NGINX}/canary-by-header`]: i.canary.header,
      [`${NGINX}/canary-by-header-value`]: i.canary.header_value,
    });
  }
  if (i.proxy_set_headers) a[`${NGINX}/proxy-set-headers`] = `${i.namespace}/${headersName(i)}`;
  if (i.tls?.issuer) a[i.tls.issuer_kind === 'Issuer' ? 'cert-manager.io/issuer' : 'cert-manager.io/cluster-issuer'] = i.tls.issuer;
  return compact(a) as Record<string, string>;
}

const headersName = (i: IngressEntry) => `${i.name}-headers`;

/** The Ingress, and the ConfigMap of headers ingress-nginx sets on the proxied request. */
export function ingressObjects(i: IngressEntry): KubeObject[] {
  const headers: KubeObject[] = i.proxy_set_headers
    ? [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: headersName(i), namespace: i.namespace }, data: { ...i.proxy_set_headers } } as KubeObject]
    : [];
  return [...headers, ingressObject(i)];
}

export function ingressObject(i: IngressEntry): KubeObject {
  const annotations = ingressAnnotations(i);
  return {
    apiVersion: 'networking.k8s.io/v1', kind: 'Ingress',
    metadata: compact({ name: i.name, namespace: i.namespace, annotations: Object.keys(annotations).length ? annotations : undefined }),
    spec: compact({
      ingressClassName: i.class ?? NGINX_CLASS,
      tls: i.tls && [{ hosts: [...(i.tls.hosts ?? [i.host])], secretName: i.tls.secret_name }],
      rules: [{
        host: i.host,
        http: {
          paths: i.paths.map((p) => ({
            path: p.path, pathType: p.type ?? 'Prefix',
            backend: { service: { name: p.service, port: typeof p.port === 'number' ? { number: p.port } : { name: p.port } } },
          })),
        },
      }],
    }),
  };
}

export function modelObject(vars: ServingVars, m: ModelEntry): KubeObject {
  return {
    apiVersion: SELDON_API, kind: 'Model', metadata: { name: m.name, namespace: m.namespace ?? vars.seldon_namespace },
    spec: compact({ storageUri: m.storage_uri, requirements: m.requirements && [...m.requirements], memory: m.memory, replicas: m.replicas, server: m.server }),
  };
}

export function experimentObject(vars: ServingVars, e: ExperimentEntry): KubeObject {
  return {
    apiVersion: SELDON_API, kind: 'Experiment', metadata: { name: e.name, namespace: e.namespace ?? vars.seldon_namespace },
    spec: compact({
      default: e.default, candidates: e.candidates.map((c) => ({ name: c.name, weight: c.weight })),
      mirror: e.mirror && { name: e.mirror.name, percent: e.mirror.percent },
    }),
  };
}
