/**
 * Security objects from vars, pure: AuthorizationPolicy and RequestAuthentication
 * (security.istio.io/v1), PeerAuthentication with workload scope, and the local rate limit as an
 * EnvoyFilter (networking.istio.io/v1alpha3, the only version Istio 1.30 serves it in; the docs
 * show v1beta1). Shapes follow platform-docs/lecture-service-mesh.md.
 */
import type { KubeObject } from '../../lib/kube/types.ts';
import { objectMeta } from '../../lib/role-kit/index.ts';
import { compact, gatewaySelector } from './mesh.ts';
import type { PeerAuthenticationVar } from './mesh-vars.ts';
import type { AuthorizationPolicyVar, RateLimitVar, RequestAuthenticationVar } from './security-vars.ts';
import type { IstioVars } from './vars.ts';

type Obj = Record<string, unknown>;
const selector = (labels: Record<string, string> | undefined): Obj | undefined => (labels ? { matchLabels: { ...labels } } : undefined);
const copy = (a: readonly unknown[] | undefined) => (a ? [...a] : undefined);
const strs = (a: readonly number[] | undefined) => a?.map(String);

export function peerAuthentication(p: PeerAuthenticationVar): KubeObject {
  const portLevelMtls = p.port_level_mtls && Object.fromEntries(Object.entries(p.port_level_mtls).map(([port, mode]) => [port, { mode }]));
  return {
    apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: objectMeta(p.name ?? 'default', p.namespace),
    spec: compact({ selector: selector(p.selector), mtls: { mode: p.mode }, portLevelMtls }),
  };
}

type RuleVar = NonNullable<AuthorizationPolicyVar['rules']>[number];

function authzRule(r: RuleVar): Obj {
  return compact({
    from: r.from?.map((s) => ({
      source: compact({
        principals: copy(s.principals), notPrincipals: copy(s.not_principals),
        requestPrincipals: copy(s.request_principals), notRequestPrincipals: copy(s.not_request_principals),
        namespaces: copy(s.namespaces), notNamespaces: copy(s.not_namespaces),
        ipBlocks: copy(s.ip_blocks), notIpBlocks: copy(s.not_ip_blocks), remoteIpBlocks: copy(s.remote_ip_blocks),
      }),
    })),
    to: r.to?.map((o) => ({
      operation: compact({
        hosts: copy(o.hosts), notHosts: copy(o.not_hosts), methods: copy(o.methods), notMethods: copy(o.not_methods),
        paths: copy(o.paths), notPaths: copy(o.not_paths), ports: strs(o.ports), notPorts: strs(o.not_ports),
      }),
    })),
    when: r.when?.map((c) => compact({ key: c.key, values: copy(c.values), notValues: copy(c.not_values) })),
  });
}

export function authorizationPolicy(a: AuthorizationPolicyVar): KubeObject {
  return {
    apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: objectMeta(a.name, a.namespace),
    spec: compact({
      selector: selector(a.selector),
      action: a.action,
      provider: a.provider === undefined ? undefined : { name: a.provider },
      rules: a.rules?.map(authzRule),
    }),
  };
}

export function requestAuthentication(r: RequestAuthenticationVar): KubeObject {
  return {
    apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: objectMeta(r.name, r.namespace),
    spec: compact({
      selector: selector(r.selector),
      jwtRules: r.jwt_rules.map((j) => compact({
        issuer: j.issuer, jwksUri: j.jwks_uri, jwks: j.jwks, audiences: copy(j.audiences),
        forwardOriginalToken: j.forward_original_token, outputPayloadToHeader: j.output_payload_to_header,
        fromHeaders: j.from_headers?.map((h) => compact({ name: h.name, prefix: h.prefix })), fromParams: copy(j.from_params),
      })),
    }),
  };
}

/** Namespace and workload labels a rate limit applies to. */
export function rateLimitTarget(vars: IstioVars, r: RateLimitVar): { namespace: string; labels: Record<string, string> | undefined } {
  if (r.gateway) return { namespace: r.namespace ?? vars.istio_gateway_namespace, labels: r.selector ?? gatewaySelector(vars) };
  return { namespace: r.namespace ?? vars.istio_gateway_namespace, labels: r.selector };
}

const fullPercent = (key: string) => ({ default_value: { numerator: 100, denominator: 'HUNDRED' }, runtime_key: key });

/**
 * The docs' local_ratelimit filter, plus filter_enabled/filter_enforced at 100%: without them
 * Envoy's HTTP local rate limit counts tokens but enforces nothing (both default to 0%).
 */
export function rateLimit(vars: IstioVars, r: RateLimitVar): KubeObject {
  const target = rateLimitTarget(vars, r);
  return {
    apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: objectMeta(r.name, target.namespace),
    spec: compact({
      workloadSelector: target.labels ? { labels: { ...target.labels } } : undefined,
      configPatches: [{
        applyTo: 'HTTP_FILTER',
        match: {
          context: r.gateway ? 'GATEWAY' : 'SIDECAR_INBOUND',
          listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager' } } },
        },
        patch: {
          operation: 'INSERT_BEFORE',
          value: {
            name: 'envoy.filters.http.local_ratelimit',
            typed_config: {
              '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct',
              type_url: 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
              value: {
                stat_prefix: 'http_local_rate_limiter',
                token_bucket: { max_tokens: r.max_tokens, tokens_per_fill: r.tokens_per_fill ?? r.max_tokens, fill_interval: r.fill_interval },
                filter_enabled: fullPercent('local_rate_limit_enabled'),
                filter_enforced: fullPercent('local_rate_limit_enforced'),
              },
            },
          },
        },
      }],
    }),
  };
}

/** Every security object, in apply order. */
export function securityManifests(vars: IstioVars): KubeObject[] {
  return [
    ...vars.istio_request_authentications.map(requestAuthentication),
    ...vars.istio_authorization_policies.map(authorizationPolicy),
    ...vars.istio_rate_limits.map((r) => rateLimit(vars, r)),
  ];
}
