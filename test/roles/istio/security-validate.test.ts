// The istio role's security and gateway var checks: schema errors and cross-field file › key problems (JWT rule without issuer, a policy selecting nothing, an EnvoyFilter on an undeclared workload, both gateway vars).
import { describe, expect, it } from 'vitest';
import istio from '../../../roles/istio/index.ts';
import { fakeValidateContext, messages, schemaProblems, typedVars } from '../../fixtures/istio/role-vars.ts';

const modelServer = {
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'model-server', namespace: 'ml-production' },
  spec: { selector: { matchLabels: { app: 'model-server' } }, template: { metadata: { labels: { app: 'model-server' } }, spec: { containers: [{ name: 'm', image: 'model-server:v1' }] } } },
};

function problems(overrides: Record<string, unknown>, extra: Record<string, unknown> = {}): string[] {
  const vars = typedVars(istio, { metallb_state: 'absent', ...overrides });
  const ctx = fakeValidateContext({ allVars: { ...vars, ...extra }, selectedRoles: ['istio'] });
  return messages(istio.validate!(vars, ctx)).filter((m) => !m.startsWith('istio_gateway_loadbalancer_ip'));
}

describe('istio security vars', () => {
  it('a JWT rule without issuer is a schema error at its key', () => {
    expect(schemaProblems(istio, 'istio_request_authentications', [{ name: 'jwt', namespace: 'ml', jwt_rules: [{ jwks_uri: 'https://a.example/jwks.json' }] }]))
      .toEqual(['0.jwt_rules.0.issuer: a JWT rule needs an issuer (the iss claim, e.g. https://auth.example.com)']);
  });

  it('jwks and jwks_uri together are refused', () => {
    expect(problems({ istio_request_authentications: [{ name: 'jwt', namespace: 'ml', jwt_rules: [{ issuer: 'https://a', jwks: '{}', jwks_uri: 'https://a/j' }] }] }))
      .toEqual(['istio_request_authentications[0].jwt_rules[0]: RequestAuthentication ml/jwt: set jwks_uri or jwks, not both']);
  });

  it('a policy whose selector matches no workload the inventory declares in its namespace', () => {
    const policy = { name: 'authz', namespace: 'ml-production', selector: { app: 'modle-server' }, action: 'ALLOW', rules: [{ from: [{ namespaces: ['monitoring'] }] }] };
    expect(problems({ istio_authorization_policies: [policy] }, { k8s_objects: [modelServer] })).toEqual([
      'istio_authorization_policies[0].selector: AuthorizationPolicy ml-production/authz: selector app=modle-server matches none of the workloads k8s_objects declares in ml-production; fix the labels or declare the workload',
    ]);
    expect(problems({ istio_authorization_policies: [{ ...policy, selector: { app: 'model-server' } }] }, { k8s_objects: [modelServer] })).toEqual([]);
    expect(problems({ istio_authorization_policies: [{ ...policy, selector: {} }] })[0]).toMatch(/an empty selector selects nothing/);
  });

  it('an EnvoyFilter (rate limit) on a workload not in the inventory\'s objects, or with no target', () => {
    const limit = { name: 'rl', namespace: 'ml-production', selector: { app: 'nothere' }, max_tokens: 10, fill_interval: '1s' };
    expect(problems({ istio_rate_limits: [limit] }, { k8s_objects: [modelServer] })).toEqual([
      'istio_rate_limits[0].selector: EnvoyFilter ml-production/rl: selector app=nothere matches none of the workloads k8s_objects declares in ml-production; fix the labels or declare the workload',
    ]);
    expect(problems({ istio_rate_limits: [{ name: 'rl', max_tokens: 10, fill_interval: '1s' }] })).toEqual([
      'istio_rate_limits[0].selector: rate limit rl: give selector (the workload\'s labels) or gateway: true',
      'istio_rate_limits[0].namespace: rate limit rl: a workload\'s limit needs the workload\'s namespace',
    ]);
    expect(problems({ istio_rate_limits: [{ name: 'rl', gateway: true, max_tokens: 10, fill_interval: '1s' }] })).toEqual([]);
  });

  it('ALLOW without rules, rules without action, CUSTOM without provider', () => {
    expect(problems({
      istio_authorization_policies: [
        { name: 'a', namespace: 'ml', action: 'ALLOW' },
        { name: 'b', namespace: 'ml', rules: [{ to: [{ methods: ['GET'] }] }] },
        { name: 'c', namespace: 'ml', action: 'CUSTOM', rules: [{ to: [{ paths: ['/admin'] }] }] },
        { name: 'deny-all', namespace: 'ml' },
      ],
    })).toEqual([
      'istio_authorization_policies[0].rules: AuthorizationPolicy ml/a: action ALLOW without rules allows nothing; add rules, or drop action and rules for the deny-all policy',
      'istio_authorization_policies[1].action: AuthorizationPolicy ml/b: rules without action; set action: ALLOW (or DENY, AUDIT, CUSTOM)',
      'istio_authorization_policies[2].provider: AuthorizationPolicy ml/c: a CUSTOM policy needs provider (an extensionProviders name of the mesh config)',
    ]);
  });

  it('istio_gateways with istio_shared_gateway names both', () => {
    const g = { name: 'gw', hosts: ['*.local'] };
    expect(problems({ istio_shared_gateway: g, istio_gateways: [{ ...g, name: 'other' }] })).toEqual([
      'istio_gateways: istio_gateways and istio_shared_gateway (inventory/test/group_vars/all.yml) are both set; list the shared gateway in istio_gateways and remove istio_shared_gateway',
    ]);
  });

  it('schema errors: a bad method, a bad CIDR, a fault with neither delay nor abort', () => {
    const authz = schemaProblems(istio, 'istio_authorization_policies', [{ name: 'a', namespace: 'ml', action: 'ALLOW', rules: [{ to: [{ methods: ['get'] }], from: [{ ip_blocks: ['10.0.0.0/33'] }] }] }]).join('\n');
    expect(authz).toMatch(/to\.0\.methods\.0: an HTTP method in capitals/);
    expect(authz).toMatch(/from\.0\.ip_blocks\.0: "10\.0\.0\.0\/33" is not an IP address or CIDR/);
    expect(schemaProblems(istio, 'istio_virtual_services', [{ name: 'v', namespace: 'ml', hosts: ['m'], routes: [{ destinations: [{ host: 'm' }], fault: {} }] }]))
      .toEqual(['0.routes.0.fault: fault needs delay: {fixed_delay} or abort: {http_status}']);
  });
});
