// Mesh objects from vars, checked against the Istio CRD schemas shipped in the real base chart
// (strict: an unknown field fails, as with server-side apply's fieldValidation=Strict).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import istio from '../roles/istio/index.ts';
import { meshManifests } from '../roles/istio/mesh.ts';
import { renderObjects } from '../lib/role-kit/index.ts';
import { istioCrdValidators } from './fixtures/istio/crd-schemas.ts';
import { typedVars } from './fixtures/istio/role-vars.ts';

type Schema = Record<string, any>;

const vars = typedVars(istio, parse(readFileSync(new URL('./fixtures/istio/mesh-vars.yml', import.meta.url), 'utf8')));
const objects = meshManifests(vars);

describe('istio mesh objects', () => {
  const validators = istioCrdValidators();

  it('builds every object the vars ask for, Gateway before the VirtualServices', () => {
    expect(objects.map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`)).toEqual([
      'PeerAuthentication fraud-detection/default',
      'PeerAuthentication financial-inference/default',
      'Gateway istio-gateway/ml-gateway',
      'DestinationRule fraud-detection/fraud-service',
      'VirtualService fraud-detection/fraud-api',
      'NetworkPolicy financial-inference/istio-namespace-isolation',
    ]);
  });

  it('every Istio object is valid against its CRD schema from the base chart', () => {
    const istioObjects = objects.filter((o) => o.apiVersion.includes('istio.io'));
    expect(istioObjects).toHaveLength(5);
    for (const o of istioObjects) {
      const validate = validators.get(`${o.apiVersion}/${o.kind}`);
      expect(validate, `no CRD for ${o.apiVersion} ${o.kind}`).toBeDefined();
      expect(validate!(o), `${o.kind} ${o.metadata.name}`).toEqual([]);
    }
  });

  it('the strict check catches a misspelt field (the test can fail)', () => {
    const vs = structuredClone(objects.find((o) => o.kind === 'VirtualService')!) as Schema;
    vs.spec.http[1].mirrorPercent = { value: 5 };
    expect(validators.get('networking.istio.io/v1/VirtualService')!(vs).join()).toMatch(/mirrorPercent/);
  });

  it('routes the canary 90/10 with retries, timeout and mirroring, through the shared gateway', () => {
    const vs = objects.find((o) => o.kind === 'VirtualService') as Schema;
    expect(vs.spec.gateways).toEqual(['istio-gateway/ml-gateway']);
    expect(vs.spec.http[0].match).toEqual([{ uri: { prefix: '/v1/' }, headers: { 'x-user-group': { exact: 'beta' } } }]);
    expect(vs.spec.http[1]).toEqual({
      name: 'canary',
      match: [{ uri: { prefix: '/v1/' } }],
      route: [
        { destination: { host: 'fraud-service', subset: 'v1', port: { number: 8080 } }, weight: 90 },
        { destination: { host: 'fraud-service', subset: 'v2', port: { number: 8080 } }, weight: 10 },
      ],
      timeout: '10s',
      retries: { attempts: 3, perTryTimeout: '3s', retryOn: '5xx,reset,connect-failure' },
      mirror: { host: 'fraud-service', subset: 'v2' },
      mirrorPercentage: { value: 5 },
    });
  });

  it('selects the gateway pods by the label the gateway chart gives them', () => {
    const gw = objects.find((o) => o.kind === 'Gateway') as Schema;
    expect(gw.spec.selector).toEqual({ istio: 'gateway' });
    expect(gw.spec.servers.map((s: Schema) => s.port.protocol)).toEqual(['HTTP', 'HTTPS']);
    expect(gw.spec.servers[1].tls).toEqual({ mode: 'SIMPLE', credentialName: 'ml-tls-cert' });
  });

  it('isolates a namespace but allows DNS, the gateway namespace and istiod on 15012', () => {
    const np = objects.find((o) => o.kind === 'NetworkPolicy') as Schema;
    expect(np.spec.ingress[0].from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-gateway' } } });
    expect(np.spec.egress[0].ports).toEqual([{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }]);
    expect(np.spec.egress[1]).toEqual({ to: [{ namespaceSelector: { matchLabels: { name: 'istio-system' } } }], ports: [{ protocol: 'TCP', port: 15012 }] });
    expect(np.spec.egress[2].to).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'seldon-system' } } });
  });
});

describe('istio mesh objects through templates/object.yaml.hbs', () => {
  const fixture = (name: string) => new URL(`./fixtures/istio/${name}`, import.meta.url).pathname;

  it('the generic template lays out exactly the computed objects', () => {
    expect(renderObjects('istio', objects, undefined)).toEqual(objects);
  });

  it("an inventory's template overrides the generic one for that kind only", () => {
    const rendered = renderObjects('istio', objects, fixture('inventory-override'));
    const np = rendered.find((o) => o.kind === 'NetworkPolicy')!;
    expect(np.metadata.annotations).toEqual({ 'policy.example.com/owner': 'platform-team' });
    expect(np.spec).toEqual(objects.find((o) => o.kind === 'NetworkPolicy')!.spec);
    expect(rendered.filter((o) => o.kind !== 'NetworkPolicy')).toEqual(objects.filter((o) => o.kind !== 'NetworkPolicy'));
  });

  it('a template using a value that is not there is an error naming the template and the variable', () => {
    expect(() => renderObjects('istio', objects, fixture('inventory-broken')))
      .toThrow(/inventory-broken\/templates\/istio\/peerauthentication\.yaml\.hbs › mtlsMode: the template uses mtlsMode/);
  });
});
