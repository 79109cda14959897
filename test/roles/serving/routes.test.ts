// The serving role's route checks offline: an Ingress backend Service declared nowhere is a
// `file › key` error (k8s_objects, k8s_services, manifests/ and Seldon's own Services count), and
// the verify table's rows (routes, endpoints, inference paths) as a pure function of facts.
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { backendProblems, declaredServices, manifestObjects } from '../../../roles/serving/backends.ts';
import { pathMatches, routeRows, type RouteFacts } from '../../../roles/serving/routes.ts';
import { inferencePaths } from '../../../roles/serving/route-step.ts';
import { servingVars, type ServingVars } from '../../../roles/serving/vars.ts';
import { parseVarValue } from '../../../lib/vars/text.ts';

const FILE = 'inventory/production/group_vars/all.yml';
const production = parse(readFileSync(resolve(import.meta.dirname, '../../..', FILE), 'utf8')) as Record<string, unknown>;

function serving(o: Record<string, unknown> = {}): ServingVars {
  const out: Record<string, unknown> = {};
  for (const [k, def] of Object.entries(servingVars)) {
    const v = Object.hasOwn(o, k) ? o[k] : Object.hasOwn(production, k) ? production[k] : (def as { default?: unknown }).default;
    if (v === undefined) continue;
    const r = parseVarValue(def.schema, v);
    if (!r.success) throw new Error(`${k}: ${r.error.message}`);
    out[k] = r.data;
  }
  return out as ServingVars;
}
const problems = (v: ServingVars, manifests: unknown[] = [], hostVars: Record<string, unknown> = {}) =>
  backendProblems(v, declaredServices(v, hostVars, manifests), () => FILE).map((p) => `${p.file} › ${p.key}: ${p.message}`);
const ingressTo = (service: string) => [{ name: 'api', namespace: 'mlops', host: 'api.local', paths: [{ path: '/', service, port: 80 }] }];

describe('backend Service declared nowhere', () => {
  it('the production path names Seldon\'s seldon-mesh, declared by the seldon role: no problem', () => {
    expect(problems(serving())).toEqual([]);
  });

  it('an Ingress to a Service nothing declares is an error at the path, naming where it may be declared', () => {
    expect(problems(serving({ ingress_nginx_ingresses: ingressTo('api-svc') }))).toEqual([
      `${FILE} › ingress_nginx_ingresses[0].paths[0].service: Service mlops/api-svc is declared nowhere (not in k8s_objects, k8s_services, manifests/ or a selected role; Seldon's are seldon-mesh, seldon-scheduler, seldon-mesh-nodeport in seldon-mesh); declare it or name one that is`,
    ]);
  });

  it('seldon-mesh without enable_seldon is declared nowhere (both production Ingresses name it)', () => {
    expect(problems(serving({ enable_seldon: false })).map((p) => p.split(':')[0])).toEqual([
      `${FILE} › ingress_nginx_ingresses[0].paths[0].service`, `${FILE} › ingress_nginx_ingresses[1].paths[0].service`,
    ]);
  });

  it('k8s_services, k8s_objects and manifests/ declare Services', () => {
    const ing = ingressTo('api-svc');
    expect(problems(serving({ ingress_nginx_ingresses: ing }), [], { k8s_services: [{ name: 'api-svc', namespace: 'mlops', ports: [{ port: 80 }] }] })).toEqual([]);
    expect(problems(serving({ ingress_nginx_ingresses: ing }), [], { k8s_services: [{ name: 'api-svc' }], k8s_objects_namespace: 'mlops' })).toEqual([]);
    const svc = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'api-svc', namespace: 'mlops' }, spec: { ports: [{ port: 80 }] } };
    expect(problems(serving({ ingress_nginx_ingresses: ing }), [], { k8s_objects: [svc] })).toEqual([]);
    expect(problems(serving({ ingress_nginx_ingresses: ing }), [], { k8s_objects: [{ ...svc, kind: 'ConfigMap' }] })).toHaveLength(1);
    const dir = mkdtempSync(join(tmpdir(), 'capstan-serving-backends-'));
    try {
      mkdirSync(join(dir, 'manifests'));
      writeFileSync(join(dir, 'manifests', 'api.yaml'), 'apiVersion: v1\nkind: Service\nmetadata: {name: api-svc, namespace: mlops}\nspec: {ports: [{port: 80}]}\n');
      const host = { name: 'k8s-node1', groups: [], vars: {} };
      const objs = manifestObjects({ inventoryDir: dir, playHosts: [host], host }, resolve(import.meta.dirname, '../../..'));
      expect(problems(serving({ ingress_nginx_ingresses: ing }), objs)).toEqual([]);
      expect(problems(serving({ ingress_nginx_ingresses: ingressTo('other') }), objs)).toHaveLength(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

const ingress = (address?: string) => ({
  apiVersion: 'networking.k8s.io/v1', kind: 'Ingress', metadata: { name: 'financial-mlops-ingress', namespace: 'seldon-mesh' },
  spec: { rules: [{ host: 'financial-predictor.local', http: { paths: [{ path: '/v2', pathType: 'Prefix', backend: { service: { name: 'seldon-mesh', port: { number: 80 } } } }] } }] },
  ...(address ? { status: { loadBalancer: { ingress: [{ ip: address }] } } } : {}),
});
const vs = {
  apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'seldon-vs', namespace: 'seldon-mesh' },
  spec: { hosts: ['financial-predictor.local'], gateways: ['istio-gateway/ml-gateway'], http: [{ route: [{ destination: { host: 'seldon-mesh', port: { number: 80 } } }] }] },
};
const slice = (ready: boolean) => ({ apiVersion: 'discovery.k8s.io/v1', kind: 'EndpointSlice', metadata: { name: 's' }, ports: [{ port: 9000 }], endpoints: [{ addresses: ['10.3.64.5'], conditions: { ready } }] });
const facts = (o: Partial<RouteFacts> = {}): RouteFacts => ({
  ingresses: [ingress('10.3.128.9')], virtualServices: [vs],
  slices: { 'seldon-mesh/seldon-mesh': [slice(true)], 'seldon-mesh/seldon-mesh-nodeport': [slice(true)] },
  services: ['seldon-mesh/seldon-mesh-nodeport'], paths: inferencePaths(serving()), ...o,
});
const table = (f: RouteFacts) => routeRows(f).map((r) => `${r.check} | ${r.actual} | ${r.result}`);

describe('route rows', () => {
  it('the production path: both routes, both Services\' endpoints and the v2 paths ok', () => {
    expect(table(facts())).toEqual([
      'route ingress seldon-mesh/financial-mlops-ingress financial-predictor.local/v2 | address 10.3.128.9, → seldon-mesh/seldon-mesh:80 with endpoints | ok',
      'route virtualservice seldon-mesh/seldon-vs financial-predictor.local/ | gateway istio-gateway/ml-gateway, → seldon-mesh/seldon-mesh:80 with endpoints | ok',
      'endpoints seldon-mesh/seldon-mesh | 1 ready: 10.3.64.5:9000 | ok',
      'endpoints seldon-mesh/seldon-mesh-nodeport | 1 ready: 10.3.64.5:9000 | ok',
      'path /v2/models/financial-predictor-a/infer | by ingress seldon-mesh/financial-mlops-ingress, virtualservice seldon-mesh/seldon-vs | ok',
      'path /v2/models/financial-predictor-b/infer | by ingress seldon-mesh/financial-mlops-ingress, virtualservice seldon-mesh/seldon-vs | ok',
      'path /v2/health/ready | by ingress seldon-mesh/financial-mlops-ingress, virtualservice seldon-mesh/seldon-vs | ok',
    ]);
  });

  it('an Ingress without an address, unready endpoints and an unrouted path each FAIL', () => {
    const rows = table(facts({ ingresses: [ingress()], virtualServices: [], slices: { 'seldon-mesh/seldon-mesh': [slice(false)] }, paths: ['/v1/models/x'] }));
    expect(rows).toEqual([
      'route ingress seldon-mesh/financial-mlops-ingress financial-predictor.local/v2 | no address yet, → seldon-mesh/seldon-mesh:80 WITHOUT ready endpoints | FAIL',
      'endpoints seldon-mesh/seldon-mesh | none ready | FAIL',
      'endpoints seldon-mesh/seldon-mesh-nodeport | none ready | FAIL',
      'path /v1/models/x | no route matches | FAIL',
    ]);
  });

  it.each([
    [{ type: 'Prefix', path: '/v2' }, '/v2/models/a/infer', true], [{ type: 'Prefix', path: '/v2' }, '/v2x', false],
    [{ type: 'Prefix', path: '/' }, '/anything', true], [{ type: 'Exact', path: '/v2/health/ready' }, '/v2/health/ready', true],
    [{ type: 'Exact', path: '/v2' }, '/v2/health/ready', false],
  ] as const)('%j serves %s: %s', (m, path, want) => {
    expect(pathMatches(m, path)).toBe(want);
  });
});
