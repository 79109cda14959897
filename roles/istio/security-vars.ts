/**
 * Zero-trust security as typed vars (platform-docs/lecture-service-mesh.md "Security with mTLS",
 * the networking guide's "Full Istio deployment with security policies"): AuthorizationPolicies,
 * RequestAuthentications (JWT) and local rate limits (an EnvoyFilter). security.ts turns them into
 * objects; security-validate.ts holds the cross-field checks.
 */
import { z } from 'zod';
import { defineVars } from '../../lib/vars/schema.ts';
import { cidr, dns1123Label, dns1123Subdomain, duration, k8sLabels, port, rule } from '../../lib/vars/types.ts';

const strings = z.array(z.string().min(1)).min(1);
const ipOrCidr = rule(z.string(), (v) => (cidr.safeParse(v.includes('/') ? v : `${v}${v.includes(':') ? '/128' : '/32'}`).success ? undefined
  : `${JSON.stringify(v)} is not an IP address or CIDR; use e.g. 10.0.0.0/8`));

/** `from` entry: one source (AND of its fields); several entries are ORed. */
const source = z.object({
  principals: strings.optional(),
  not_principals: strings.optional(),
  request_principals: strings.optional(),
  not_request_principals: strings.optional(),
  namespaces: z.array(dns1123Label).min(1).optional(),
  not_namespaces: z.array(dns1123Label).min(1).optional(),
  ip_blocks: z.array(ipOrCidr).min(1).optional(),
  not_ip_blocks: z.array(ipOrCidr).min(1).optional(),
  remote_ip_blocks: z.array(ipOrCidr).min(1).optional(),
}).strict();

/** `to` entry: one operation. */
const operation = z.object({
  hosts: strings.optional(),
  not_hosts: strings.optional(),
  methods: z.array(z.string().regex(/^[A-Z]+$|^\*$/, { message: 'an HTTP method in capitals, such as GET or POST' })).min(1).optional(),
  not_methods: strings.optional(),
  paths: z.array(z.string().regex(/^\/|^\*/, { message: 'a path starting with / (prefix* and *suffix allowed)' })).min(1).optional(),
  not_paths: strings.optional(),
  ports: z.array(port).min(1).optional(),
  not_ports: z.array(port).min(1).optional(),
}).strict();

const condition = z.object({
  key: z.string().min(1),
  values: strings.optional(),
  not_values: strings.optional(),
}).strict();

const authzRule = z.object({
  from: z.array(source).min(1).optional(),
  to: z.array(operation).min(1).optional(),
  when: z.array(condition).min(1).optional(),
}).strict();

export const authorizationPolicy = z.object({
  name: dns1123Subdomain,
  /** The policy's namespace; istio_namespace (istio-system) makes it mesh-wide. */
  namespace: dns1123Label,
  /** Workloads it applies to (matchLabels); omitted: every workload of the namespace. */
  selector: k8sLabels.optional(),
  /** Omitted with no rules: the docs' deny-all (`spec: {}`). */
  action: z.enum(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']).optional(),
  /** The extension provider (meshConfig.extensionProviders) of a CUSTOM policy. */
  provider: z.string().min(1).optional(),
  rules: z.array(authzRule).optional(),
}).strict();

const jwtRule = z.object({
  issuer: z.string({ error: 'a JWT rule needs an issuer (the iss claim, e.g. https://auth.example.com)' }).min(1),
  jwks_uri: z.string().url().optional(),
  /** Inline JWKS (a JSON string), instead of jwks_uri. */
  jwks: z.string().min(1).optional(),
  audiences: strings.optional(),
  forward_original_token: z.boolean().optional(),
  output_payload_to_header: z.string().min(1).optional(),
  from_headers: z.array(z.object({ name: z.string().min(1), prefix: z.string().optional() }).strict()).min(1).optional(),
  from_params: strings.optional(),
}).strict();

export const requestAuthentication = z.object({
  name: dns1123Subdomain,
  namespace: dns1123Label,
  selector: k8sLabels.optional(),
  jwt_rules: z.array(jwtRule).min(1, { message: 'a RequestAuthentication needs at least one JWT rule' }),
}).strict();

export const rateLimit = z.object({
  name: dns1123Subdomain,
  /** Default: istio_gateway_namespace with gateway: true; else required. */
  namespace: dns1123Label.optional(),
  /** Workload labels the limit applies to (the sidecar's inbound traffic). */
  selector: k8sLabels.optional(),
  /** Limit the ingress gateway instead of a workload. */
  gateway: z.boolean().optional(),
  max_tokens: z.number().int().min(1),
  /** Default: max_tokens. */
  tokens_per_fill: z.number().int().min(1).optional(),
  fill_interval: duration,
}).strict();

export type AuthorizationPolicyVar = z.infer<typeof authorizationPolicy>;
export type RequestAuthenticationVar = z.infer<typeof requestAuthentication>;
export type RateLimitVar = z.infer<typeof rateLimit>;

export const securityVars = defineVars({
  istio_authorization_policies: {
    schema: z.array(authorizationPolicy),
    default: [],
    description: 'AuthorizationPolicies: {name, namespace, selector, action: ALLOW|DENY|AUDIT|CUSTOM, rules: [{from, to, when}]}; name + namespace alone denies all in the namespace',
  },
  istio_request_authentications: {
    schema: z.array(requestAuthentication),
    default: [],
    description: 'RequestAuthentications (JWT): {name, namespace, selector, jwt_rules: [{issuer, jwks_uri or jwks, audiences, forward_original_token}]}',
  },
  istio_rate_limits: {
    schema: z.array(rateLimit),
    default: [],
    description: 'Local rate limits (EnvoyFilter networking.istio.io/v1alpha3): {name, namespace, selector or gateway: true, max_tokens, tokens_per_fill, fill_interval}',
  },
});
