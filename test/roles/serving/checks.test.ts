// The serving role's vars offline: the production inventory's path renders and validates against
// the shipped CRD schemas; weights not summing to 100, a Certificate for a host nothing serves,
// a canary Ingress alone, and the other cross-entry rules are `file › key` problems.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import { InputError } from '../../../lib/errors.ts';
import type { VarDef } from '../../../lib/vars/schema.ts';
import { parseVarValue } from '../../../lib/vars/text.ts';
import { servingProblems } from '../../../roles/serving/checks.ts';
import { servingObjects } from '../../../roles/serving/index.ts';
import { servingVars, type ServingVars } from '../../../roles/serving/vars.ts';
import { serviceProblems } from '../../../roles/nginx-ingress/index.ts';
import { nginxIngressVars, type NginxIngressVars } from '../../../roles/nginx-ingress/vars.ts';

const FILE = 'inventory/production/group_vars/all.yml';
const production = parse(readFileSync(resolve(import.meta.dirname, '../../..', FILE), 'utf8')) as Record<string, unknown>;

/** Vars parsed through a role's schemas: the first schema problem throws with its message. */
function typed<T>(defs: Record<string, VarDef>, overrides: Record<string, unknown>): T {
  const out: Record<string, unknown> = {};
  for (const [k, def] of Object.entries(defs)) {
    const v = Object.hasOwn(overrides, k) ? overrides[k] : def.default;
    if (v === undefined) continue;
    const parsed = parseVarValue(def.schema, v);
    if (!parsed.success) throw new Error(`${k}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    out[k] = parsed.data;
  }
  return out as T;
}
const serving = (o: Record<string, unknown>) => typed<ServingVars>(servingVars, { ...production, ...o });
const problems = (o: Record<string, unknown>) => servingProblems(serving(o), () => FILE).map((p) => `${p.file} › ${p.key}: ${p.message}`);
const clone = <T>(v: T): T => structuredClone(v);

describe('serving path offline', () => {
  it('renders the production path into valid objects, in apply order', () => {
    expect(problems({})).toEqual([]);
    const kinds = servingObjects(serving({}), () => FILE).map((o) => `${o.object.kind}/${o.object.metadata.name}`);
    expect(kinds).toEqual([
      'ConfigMap/financial-mlops-ingress-headers', 'ConfigMap/financial-mlops-canary-headers',
      'Ingress/financial-mlops-ingress', 'Ingress/financial-mlops-canary',
      'ClusterIssuer/ml-selfsigned', 'ClusterIssuer/letsencrypt-prod', 'Certificate/ml-tls-cert',
      'Model/financial-predictor-a', 'Model/financial-predictor-b', 'Experiment/financial-ab-test-experiment',
    ]);
  });

  it('weights summing to 90 are an error at the candidates', () => {
    const e = clone(production['seldon_experiments']) as { candidates: { weight: number }[] }[];
    e[0]!.candidates[1]!.weight = 40;
    expect(() => serving({ seldon_experiments: e })).toThrow(/seldon_experiments: 0.candidates: weights sum to 90 \(financial-predictor-a 50 \+ financial-predictor-b 40\); make them sum to 100/);
  });

  it('a Certificate for a host no Ingress or Gateway serves names the DNS name', () => {
    const c = clone(production['cert_manager_certificates']) as { dns_names: string[] }[];
    c[0]!.dns_names.push('grafana.example.com');
    expect(problems({ cert_manager_certificates: c })).toEqual([
      `${FILE} › cert_manager_certificates[0].dns_names[1]: no Ingress or Gateway serves grafana.example.com (served: financial-predictor.local); add an ingress_nginx_ingresses entry or an istio_shared_gateway host for it, or drop the name`,
    ]);
  });

  it('a wildcard gateway host serves one label below it', () => {
    const gw = { ...(production['istio_shared_gateway'] as object), hosts: ['*.local'] };
    const c = clone(production['cert_manager_certificates']) as { dns_names: string[] }[];
    c[0]!.dns_names.push('grafana.local', 'a.b.example');
    expect(problems({ istio_shared_gateway: gw, cert_manager_certificates: c })).toHaveLength(1);
  });

  it('a canary Ingress without a main Ingress on its host is an error at canary', () => {
    const ing = clone(production['ingress_nginx_ingresses']) as { host: string }[];
    ing[1]!.host = 'api.financial-predictor.local';
    expect(problems({ ingress_nginx_ingresses: ing })).toEqual([
      `${FILE} › ingress_nginx_ingresses[1].canary: a canary Ingress needs a main Ingress (without canary) for host api.financial-predictor.local in namespace seldon-mesh; ingress-nginx ignores a canary alone. Add the main Ingress or drop canary`,
    ]);
  });

  it('undeclared issuers and models, a model outside the watched namespace, a part not enabled', () => {
    const c = clone(production['cert_manager_certificates']) as { issuer: string }[];
    c[0]!.issuer = 'ml-ca';
    const m = clone(production['seldon_models']) as { namespace?: string }[];
    m[1]!.namespace = 'financial-inference';
    const out = problems({ cert_manager_certificates: c, seldon_models: m, enable_ingress_nginx: false });
    expect(out).toEqual([
      `${FILE} › ingress_nginx_ingresses: needs enable_ingress_nginx: true (nothing would serve these 2 entries); set enable_ingress_nginx: true or remove them`,
      `${FILE} › cert_manager_certificates[0].issuer: ClusterIssuer ml-ca is not in cert_manager_cluster_issuers; declare it there or name one that is`,
      `${FILE} › seldon_models[1].namespace: financial-inference is not watched by the Seldon operator (it runs with clusterwide: false in seldon_namespace seldon-mesh); leave namespace out or use seldon-mesh`,
      `${FILE} › seldon_experiments[0].candidates[1].name: model financial-predictor-b is not in seldon_models (namespace seldon-mesh); declare it there or name one that is`,
    ]);
  });

  it('a CA issuer takes its key pair as a Secret; half a pair is an error', () => {
    const issuers = [{ name: 'ml-ca', ca: { secret_name: 'ml-ca-key-pair', cert: 'PEM-CERT', key: 'PEM-KEY' } }];
    const objs = servingObjects(serving({ cert_manager_cluster_issuers: issuers, cert_manager_certificates: [], ingress_nginx_ingresses: [] }));
    expect(objs.slice(0, 2).map((o) => `${o.object.kind}/${o.object.metadata.namespace ?? ''}/${o.object.metadata.name}`)).toEqual(['Secret/cert-manager/ml-ca-key-pair', 'ClusterIssuer//ml-ca']);
    expect(() => serving({ cert_manager_cluster_issuers: [{ name: 'x', ca: { secret_name: 's', cert: 'PEM' } }] })).toThrow(/give both cert and key/);
    expect(() => serving({ cert_manager_cluster_issuers: [{ name: 'x', self_signed: true, acme: { server: 'staging', email: 'a@b.c', http01: { ingress_class: 'nginx' } } }] }))
      .toThrow(/exactly one of self_signed: true, ca or acme \(this one has self_signed and acme\)/);
  });

  it('an object the CRD schema refuses is an InputError naming the entry', () => {
    const m = clone(production['seldon_models']) as { replicas?: number }[];
    expect(() => servingObjects(serving({ seldon_models: m }))).not.toThrow();
    const bad = serving({});
    (bad.seldon_models[0] as { memory: unknown }).memory = { not: 'a quantity' };
    expect(() => servingObjects(bad, () => FILE)).toThrow(InputError);
  });
});

describe('ingress-nginx Service type', () => {
  const ingress = (o: Record<string, unknown>) => typed<NginxIngressVars>(nginxIngressVars, { ...production, ...o });
  const msgs = (o: Record<string, unknown>) => serviceProblems(ingress(o), () => FILE).map((p) => `${p.key}: ${p.message}`);
  it('a LoadBalancer IP must lie in a MetalLB pool and not be the gateway\'s', () => {
    expect(msgs({})).toEqual([]);
    expect(msgs({ ingress_nginx_loadbalancer_ip: '10.0.0.5' })[0]).toMatch(/^ingress_nginx_loadbalancer_ip: 10.0.0.5 is outside every MetalLB address pool/);
    expect(msgs({ ingress_nginx_loadbalancer_ip: '192.168.1.240' })[0]).toMatch(/is the Istio gateway's address/);
    expect(msgs({ metallb_state: 'absent' })[0]).toMatch(/^ingress_nginx_service_type: LoadBalancer needs MetalLB/);
    expect(msgs({ metallb_state: 'absent', ingress_nginx_service_type: 'NodePort' })).toEqual([]);
  });
});
