/**
 * The serving path's entry schemas (snake_case like every inventory var): cert-manager issuers
 * and certificates, ingress-nginx Ingresses, Seldon Core v2 Models and Experiments. Each entry's
 * own rules live here; the rules across entries (a certificate's host served, a canary's main
 * Ingress, an experiment's models declared) are in checks.ts.
 */
import { z } from 'zod';
import { dns1123Label, dns1123Subdomain, duration, hostname, port, quantity } from '../../lib/vars/types.ts';

const positive = z.number().int().positive();
const secretName = dns1123Subdomain;
const issuerKind = z.enum(['ClusterIssuer', 'Issuer']);

/** ACME http01: through an ingress class (ingress-nginx) or through the Istio gateway (its ingress class `istio`). */
const http01 = z.union([
  z.object({ ingress_class: z.string().min(1) }).strict(),
  z.object({ istio_gateway: z.literal(true) }).strict(),
]);

const acme = z.object({
  /** production and staging are Let's Encrypt's; any other ACME directory by URL. */
  server: z.union([z.enum(['production', 'staging']), z.string().url()]),
  email: z.string().email({ message: 'must be an e-mail address (ACME account contact), like ops@example.com' }),
  http01,
  /** Secret holding the ACME account key (default: <issuer name>-account-key). */
  account_key_secret: secretName.optional(),
}).strict();

const ca = z.object({
  /** Secret (kubernetes.io/tls) in the cert-manager namespace holding the CA key pair. */
  secret_name: secretName,
  /** PEM certificate and key, from vault vars (`{{ vault_ca_cert }}`); both or neither (the Secret exists already). */
  cert: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
}).strict().refine((c) => (c.cert === undefined) === (c.key === undefined), { message: 'give both cert and key (from vault), or neither when the Secret exists already' });

export const clusterIssuer = z.object({
  name: dns1123Subdomain,
  /** ClusterIssuer (the default) or a namespaced Issuer. */
  kind: issuerKind.optional(),
  /** Namespace of an Issuer (not for a ClusterIssuer). */
  namespace: dns1123Label.optional(),
  self_signed: z.literal(true).optional(),
  ca: ca.optional(),
  acme: acme.optional(),
}).strict().superRefine((i, ctx) => {
  const types = ['self_signed', 'ca', 'acme'].filter((t) => i[t as keyof typeof i] !== undefined);
  if (types.length !== 1) ctx.addIssue({ code: 'custom', path: [], message: `an issuer is exactly one of self_signed: true, ca or acme${types.length ? ` (this one has ${types.join(' and ')})` : ''}` });
  if ((i.kind === 'Issuer') !== (i.namespace !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['namespace'], message: i.kind === 'Issuer' ? 'an Issuer needs a namespace' : 'only a kind: Issuer has a namespace (a ClusterIssuer is cluster-wide)' });
  }
});

export const certificate = z.object({
  name: dns1123Subdomain,
  namespace: dns1123Label,
  secret_name: secretName,
  dns_names: z.array(hostname).min(1, { message: 'a Certificate needs at least one DNS name' }),
  /** Name of an issuer in cert_manager_cluster_issuers. */
  issuer: dns1123Subdomain,
  issuer_kind: issuerKind.optional(),
  duration: duration.optional(),
  renew_before: duration.optional(),
}).strict();

const path = z.object({
  path: z.string().startsWith('/', { message: 'a path starts with /' }),
  type: z.enum(['Prefix', 'Exact']).optional(),
  service: dns1123Label,
  port: z.union([port, dns1123Label]),
}).strict();

const cors = z.object({
  origins: z.array(z.string().min(1)).min(1).optional(),
  methods: z.array(z.enum(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS', 'HEAD'])).optional(),
  headers: z.array(z.string().min(1)).optional(),
  credentials: z.boolean().optional(),
}).strict();

const canary = z.object({
  weight: z.number().int().min(0).max(100).optional(),
  header: z.string().min(1).optional(),
  header_value: z.string().min(1).optional(),
}).strict().superRefine((c, ctx) => {
  if (c.weight === undefined && c.header === undefined) ctx.addIssue({ code: 'custom', path: [], message: 'a canary needs weight (0-100) or header' });
  if (c.header_value !== undefined && c.header === undefined) ctx.addIssue({ code: 'custom', path: ['header_value'], message: 'header_value needs header' });
});

const tls = z.object({
  secret_name: secretName,
  /** Hosts the TLS secret covers (default: the Ingress host); each must be a host of the rules. */
  hosts: z.array(hostname).optional(),
  /** An issuer in cert_manager_cluster_issuers: cert-manager creates the Certificate from the annotation. */
  issuer: dns1123Subdomain.optional(),
  issuer_kind: issuerKind.optional(),
}).strict();

export const ingress = z.object({
  name: dns1123Subdomain,
  namespace: dns1123Label,
  host: hostname,
  paths: z.array(path).min(1, { message: 'an Ingress needs at least one path' }),
  /** Default nginx (the chart's IngressClass). */
  class: z.string().min(1).optional(),
  tls: tls.optional(),
  rewrite_target: z.string().min(1).optional(),
  ssl_redirect: z.boolean().optional(),
  limit_rps: positive.optional(),
  limit_connections: positive.optional(),
  cors: cors.optional(),
  proxy_body_size: quantity.optional(),
  canary: canary.optional(),
  /** Headers set on the request to the backend (a ConfigMap <name>-headers and the proxy-set-headers annotation), e.g. seldon-model. */
  proxy_set_headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/, { message: 'must be a header name (letters, digits, -)' }), z.string()).optional(),
}).strict();

export const model = z.object({
  name: dns1123Label,
  /** Default: seldon_namespace (the operator runs with clusterwide: false and watches its own namespace). */
  namespace: dns1123Label.optional(),
  storage_uri: z.string().regex(/^[a-z0-9]+:\/\//, { message: 'must be a storage URI such as gs://bucket/model or s3://bucket/model' }),
  requirements: z.array(z.string().min(1)).optional(),
  memory: quantity.optional(),
  replicas: z.number().int().min(1).optional(),
  server: dns1123Label.optional(),
}).strict();

export const experiment = z.object({
  name: dns1123Label,
  namespace: dns1123Label.optional(),
  /** The candidate traffic goes to when the experiment is deleted (one of the candidates). */
  default: dns1123Label.optional(),
  candidates: z.array(z.object({ name: dns1123Label, weight: z.number().int().min(0).max(100) }).strict())
    .min(2, { message: 'an A/B experiment needs at least two candidates' }),
  mirror: z.object({ name: dns1123Label, percent: z.number().int().min(1).max(100) }).strict().optional(),
}).strict().superRefine((e, ctx) => {
  const sum = e.candidates.reduce((s, c) => s + c.weight, 0);
  if (sum !== 100) {
    ctx.addIssue({ code: 'custom', path: ['candidates'], message: `weights sum to ${sum} (${e.candidates.map((c) => `${c.name} ${c.weight}`).join(' + ')}); make them sum to 100` });
  }
  if (e.default !== undefined && !e.candidates.some((c) => c.name === e.default)) {
    ctx.addIssue({ code: 'custom', path: ['default'], message: `${e.default} is not a candidate; use one of ${e.candidates.map((c) => c.name).join(', ')}` });
  }
});

export type ClusterIssuerEntry = z.infer<typeof clusterIssuer>;
export type CertificateEntry = z.infer<typeof certificate>;
export type IngressEntry = z.infer<typeof ingress>;
export type ModelEntry = z.infer<typeof model>;
export type ExperimentEntry = z.infer<typeof experiment>;
