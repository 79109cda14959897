// The load-balancer model from vars and what the roles expose: members, ports, checks, every problem at once.
import { describe, expect, it } from 'vitest';
import { InputError } from '../lib/errors.ts';
import { readClusterVars, readLbVars } from '../lib/lb/cluster-vars.ts';
import { buildModel } from '../lib/lb/model.ts';
import type { LbInput } from '../lib/lb/model.ts';
import { syntheticInput } from './fixtures/lb/variations.ts';
import { SITE_SERVICE_ROLES } from './support/platform.ts';

const three = (vars: Record<string, unknown> = {}): LbInput => syntheticInput(3, vars);

function problemsOf(fn: () => unknown): string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof InputError) return err.problems.map((p) => `${p.key}: ${p.message}`);
    throw err;
  }
  throw new Error('expected an InputError');
}

describe('load-balancer model', () => {
  it('balances the Istio gateway NodePorts over every node and the API over the servers', () => {
    const model = buildModel(syntheticInput(5, {}));
    expect(model.frontends.map((f) => [f.name, f.mode, f.binds.map((b) => b.port)])).toEqual([
      ['financial-mlops-frontend', 'http', [80]],
      ['financial-mlops-https-frontend', 'tcp', [443]],
      ['financial-mlops-api-frontend', 'tcp', [6443]],
    ]);
    const [http, https, api] = model.backends;
    expect(http!.members.map((m) => `${m.name}=${m.address}:${m.port}`)).toEqual(
      ['node1=10.20.0.1:31080', 'node2=10.20.0.2:31080', 'node3=10.20.0.3:31080', 'node4=10.20.0.4:31080', 'node5=10.20.0.5:31080']);
    expect(https!.members.every((m) => m.port === 31443)).toBe(true);
    expect(http!.health).toEqual({ type: 'http', path: '/healthz/ready', port: 31021, expectStatus: 200 });
    expect(api!.members.map((m) => m.name)).toEqual(['node1', 'node2', 'node3']);
    expect(api!.health).toEqual({ type: 'tcp' });
    expect(api!.proxyProtocol).toBe(false);
  });

  it('uses the inventory host name when there is no ansible_host, and the NodePorts the roles set', () => {
    const input = three({ istio_gateway_http_nodeport: 30999, istio_gateway_status_nodeport: 30998, api_port: 7443 });
    const model = buildModel({ ...input, hostvars: { ...input.hostvars, node2: {} } });
    expect(model.backends[0]!.members.map((m) => `${m.address}:${m.port}`)).toEqual(['10.20.0.1:30999', 'node2:30999', '10.20.0.3:30999']);
    expect(model.backends[0]!.health).toMatchObject({ port: 30998 });
    expect(model.frontends.at(-1)!.binds[0]!.port).toBe(7443);
  });

  it('terminates TLS in one frontend with both binds, as the networking guide shows', () => {
    const model = buildModel(three({ lb_https_mode: 'terminate', lb_tls_certificate: '/etc/haproxy/site.pem', lb_http_redirect: true, lb_api_frontend: false }));
    expect(model.frontends).toHaveLength(1);
    expect(model.frontends[0]).toMatchObject({ name: 'financial-mlops-frontend', redirectToHttps: true, binds: [{ port: 80 }, { port: 443, certificate: '/etc/haproxy/site.pem' }] });
    expect(model.backends.map((b) => b.name)).toEqual(['financial-mlops']);
  });

  it('takes balance, PROXY protocol and tcp checks from vars', () => {
    const model = buildModel(three({ lb_balance: 'leastconn', lb_proxy_protocol: true, lb_health_check: 'tcp' }));
    expect(model.backends.map((b) => [b.balance, b.proxyProtocol, b.health.type])).toEqual([
      ['leastconn', true, 'tcp'], ['leastconn', true, 'tcp'], ['leastconn', false, 'tcp'],
    ]);
  });

  it('puts the second ingress on the secondary ports, and adds Seldon and extra services', () => {
    const model = buildModel(three({ enable_ingress_nginx: true, enable_seldon: true, lb_api_frontend: false,
      lb_extra_services: [{ name: 'mlflow', port: 5000, node_port: 30500, mode: 'http', health_path: '/health' }] }));
    expect(model.frontends.map((f) => `${f.name}:${f.binds.map((b) => b.port).join('+')}`)).toEqual([
      'financial-mlops-frontend:80', 'financial-mlops-https-frontend:443',
      'financial-mlops-ingress-nginx-frontend:8080', 'financial-mlops-ingress-nginx-https-frontend:8443',
      'financial-mlops-seldon-frontend:9000', 'financial-mlops-mlflow-frontend:5000',
    ]);
    const nginx = model.backends.find((b) => b.name === 'financial-mlops-ingress-nginx')!;
    expect(nginx.health).toEqual({ type: 'http', path: '/healthz', port: 30080, expectStatus: 200 });
    expect(model.backends.find((b) => b.name === 'financial-mlops-seldon')!.members[0]!.port).toBe(32000);
    expect(model.backends.find((b) => b.name === 'financial-mlops-mlflow')!.health).toMatchObject({ path: '/health', port: 30500 });
  });

  it('reports every problem at once, each with its fix', () => {
    const input = syntheticInput(0, {});
    const problems = problemsOf(() => buildModel({ ...input, vars: readLbVars({
      lb_https_mode: 'terminate', lb_stats_enabled: true, lb_ingress: 'ingress-nginx',
      lb_extra_services: [{ name: 'web', port: 80, node_port: 30111 }],
    }) }));
    expect(problems).toEqual([
      expect.stringMatching(/^lb_tls_certificate: .*set lb_tls_certificate/),
      expect.stringMatching(/^lb_stats_password: .*vault/),
      expect.stringMatching(/^lb_ingress: ingress-nginx is not enabled \(enabled: istio\); enable it \(enable_ingress_nginx\)/),
      expect.stringMatching(/^lb_extra_services: port 80 is used by financial-mlops-frontend and financial-mlops-web-frontend/),
      expect.stringMatching(/^k3s_server_group: groups server and agent have no hosts/),
      expect.stringMatching(/^lb_api_frontend: group server has no hosts/),
    ]);
  });

  it('a NodePort of lb_extra_services that an enabled role exposes is a clash (ingress-nginx on 30080)', () => {
    const input = syntheticInput(3, { enable_ingress_nginx: true });
    const vars = readLbVars({ lb_extra_services: [{ name: 'web', port: 8088, node_port: 30080 }] });
    expect(problemsOf(() => buildModel({ ...input, vars }))).toEqual([
      expect.stringMatching(/^ingress_nginx_http_nodeport: NodePort 30080 is also used by lb_extra_services\[0\]\.node_port/),
    ]);
    expect(() => buildModel({ ...syntheticInput(3, {}), vars })).not.toThrow();
  });

  it('refuses an ansible_host that is not an address (nothing reaches a config line unchecked)', () => {
    const input = three();
    const problems = problemsOf(() => buildModel({ ...input, hostvars: { ...input.hostvars, node3: { ansible_host: '10.0.0.3:1 check\nlisten evil' } } }));
    expect(problems).toEqual([expect.stringMatching(/^ansible_host: "10.0.0.3:1 check\\nlisten evil" is not an IP address or a host name/)]);
    expect(problemsOf(() => readLbVars({ haproxy_log_target: 'x\ny', lb_tls_certificate: '/a b.pem', haproxy_user: 'a b' })).length).toBe(3);
  });

  it('takes -e / INI text for booleans and numbers, as role validation does', () => {
    const seldon = readClusterVars({ enable_seldon: 'yes', seldon_mesh_nodeport: '32001' }, SITE_SERVICE_ROLES).services.find((s) => s.name === 'seldon');
    expect(seldon).toMatchObject({ kind: 'tcp', nodePort: { nodePort: 32001 } });
  });

  it('rejects bad var values with the key and the fix', () => {
    expect(problemsOf(() => readClusterVars({ istio_gateway_http_nodeport: 40000, enable_seldon: 'maybe' }, SITE_SERVICE_ROLES))).toEqual([
      expect.stringMatching(/^enable_seldon: /),
      expect.stringMatching(/^istio_gateway_http_nodeport: 40000 is outside the NodePort range 30000-32767/),
    ]);
    expect(problemsOf(() => readLbVars({ lb_balance: 'random', lb_frontend_name: 'Bad Name', lb_tls_certificate: 'relative.pem' }))).toEqual([
      expect.stringMatching(/^lb_frontend_name: .*lower-case/),
      expect.stringMatching(/^lb_balance: /),
      expect.stringMatching(/^lb_tls_certificate: .*absolute path/),
    ]);
  });
});
