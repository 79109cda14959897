// On the REAL control plane (helm 4): the verify rows on a mesh with pods carrying istio-proxy (2/2 ready, name label, injector webhook, istiod image, security in force, VirtualService gateways and hosts, subsets), FAIL rows with fixes for a missing Gateway, an unserved host and an empty subset; then istio_state: absent (twice: 0 writes the second time) and present again.
import { describe, expect, it } from 'vitest';
import { pollUntil } from '../../../lib/lab/lab-sys.ts';
import { persisted, useRealLab } from '../../fixtures/istio/real-lab.ts';

const MINUTES = 60_000;
const TAGS = ['--tags', 'istio'];
/** The shop mesh: a Gateway, a VirtualService through it, a DestinationRule subset, STRICT mTLS and deny-all (host vars win over the docs fixture's). */
const SHOP = {
  metallb_state: 'absent',
  istio_injection_namespaces: ['shop'],
  istio_gateways: [{ name: 'shop-gateway', namespace: 'shop', hosts: ['*.shop.example.com'] }],
  istio_virtual_services: [{ name: 'shop', namespace: 'shop', hosts: ['www.shop.example.com'], gateways: ['shop-gateway'], routes: [{ destinations: [{ host: 'shop' }] }] }],
  istio_destination_rules: [{ name: 'shop', namespace: 'shop', host: 'shop', subsets: [{ name: 'v1', labels: { version: 'v1' } }] }],
  istio_peer_authentications: [{ namespace: 'shop', mode: 'STRICT' }],
  istio_authorization_policies: [{ name: 'deny-all', namespace: 'shop' }],
  istio_request_authentications: [], istio_rate_limits: [],
};
const BROKEN = {
  ...SHOP,
  istio_virtual_services: [
    ...SHOP.istio_virtual_services,
    { name: 'no-gateway', namespace: 'shop', hosts: ['www.shop.example.com'], gateways: ['missing-gateway'], routes: [{ destinations: [{ host: 'shop' }] }] },
    { name: 'other-host', namespace: 'shop', hosts: ['other.example.com'], gateways: ['shop-gateway'], routes: [{ destinations: [{ host: 'shop' }] }] },
  ],
  istio_destination_rules: [{ name: 'shop', namespace: 'shop', host: 'shop', subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] }],
};

/** What an injected workload looks like once the webhook ran (no webhook runs here): the app and an istio-proxy container. */
const shopObjects = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
  { apiVersion: 'v1', kind: 'Service', metadata: { name: 'shop', namespace: 'shop' }, spec: { selector: { app: 'shop' }, ports: [{ port: 80 }] } },
  {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'shop', namespace: 'shop' },
    spec: {
      replicas: 1, selector: { matchLabels: { app: 'shop' } },
      template: { metadata: { labels: { app: 'shop', version: 'v1' } }, spec: { containers: [{ name: 'shop', image: 'shop:v1' }, { name: 'istio-proxy', image: 'docker.io/istio/proxyv2:1.30.3' }] } },
    },
  },
];

describe('istio verify, absent and present again on the real control plane (helm 4)', () => {
  const lab = useRealLab(4, SHOP, { inventory: 'test/fixtures/istio/platform-docs', lbIps: false });
  const { c } = lab;
  const verifyOf = (tasks: { task: string; status: string; msg?: string }[]) => tasks.find((t) => t.task === 'istio verify')!;

  it('verify: every row ok on a mesh whose pods carry istio-proxy', async () => {
    for (const o of shopObjects) await c().create(o);
    await pollUntil('a shop pod with 2/2 containers ready', async () => {
      const pods = await c().list('v1', 'Pod', 'shop');
      return pods.find((p) => p.status?.phase === 'Running' && (p.status.containerStatuses ?? []).filter((s: { ready: boolean }) => s.ready).length === 2);
    }, 3 * MINUTES, 500);
    const run = await lab.play(TAGS);
    expect(run.tasks.filter((t) => t.status === 'failed').map((t) => `${t.task}: ${t.msg}`)).toEqual([]);
    expect(run.code, run.stderr).toBe(0);
    const msg = verifyOf(run.tasks).msg!;
    console.log(msg);
    for (const row of [
      /istiod image\s+pilot:1\.30\.3\s+\S+:1\.30\.3\S*\s+ok/, /ns istio-system\s+name=istio-system\s+name=istio-system\s+ok/,
      /mutatingwebhook istio-sidecar-injector\s+present\s+present\s+ok/, /pod shop\/shop-\S+\s+2\/2 ready, istio-proxy\s+2\/2 ready, istio-proxy\s+ok/,
      /security ns shop\s+mTLS default=STRICT, authz deny-all\s+in force\s+ok/, /vs shop\/shop\s+gateways found, hosts served\s+1 gateway, 1 host served\s+ok/,
      /dr shop\/shop subset v1\s+pods of shop with version=v1\s+1 pod\s+ok/,
    ]) expect(msg).toMatch(row);
    expect(msg).not.toMatch(/FAIL|warn/);
  }, 15 * MINUTES);

  it('verify fails with a fix for a missing Gateway, a host no Gateway serves and a subset no pod matches', async () => {
    lab.setVars(BROKEN);
    const run = await lab.play(TAGS);
    expect(run.code).toBe(2);
    const v = verifyOf(run.tasks);
    expect(v.status).toBe('failed');
    expect(v.msg).toMatch(/3 checks failed/);
    expect(v.msg).toMatch(/vs shop\/no-gateway gateway shop\/missing-gateway\s+Gateway exists\s+not found\s+FAIL/);
    expect(v.msg).toMatch(/vs shop\/other-host host other\.example\.com\s+served by shop\/shop-gateway\s+no Gateway serves it\s+FAIL/);
    expect(v.msg).toMatch(/dr shop\/shop subset v2\s+pods of shop with version=v2\s+0 pods\s+FAIL/);
    expect(v.msg).toContain('fix vs shop/no-gateway gateway shop/missing-gateway: IST0101 ReferencedResourceNotFound: add Gateway shop/missing-gateway to istio_gateways');
    expect(v.msg).toContain('fix vs shop/other-host host other.example.com: IST0132 VirtualServiceHostNotFoundInGateway: add other.example.com to the hosts of shop/shop-gateway');
    expect(v.msg).toContain("fix dr shop/shop subset v2: no pod of shop/shop carries version=v2: label the workload's pods version=v2, or fix subset v2's labels");
  }, 10 * MINUTES);

  it('istio_state: absent removes mesh config, gateway, istiod and base in reverse order, the injection label, and names the workloads still carrying sidecars', async () => {
    lab.setVars({ ...SHOP, istio_state: 'absent' });
    const run = await lab.play(TAGS);
    expect(run.tasks.filter((t) => t.status === 'failed').map((t) => `${t.task}: ${t.msg}`)).toEqual([]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.tasks.map((t) => `${t.task}=${t.status}`)).toEqual([
      'istio mesh config removed=changed', 'istio gateway removed=changed', 'istiod removed=changed', 'istio base removed=changed',
      'istio injection labels removed=changed', 'workloads still carrying sidecars=ok',
    ]);
    expect(run.tasks.at(-1)!.msg).toMatch(/1 workload still carry istio-proxy sidecars until restarted \(kubectl rollout restart\): shop\/Deployment shop$/);
    expect(await lab.revisions()).toEqual({});
    for (const [apiVersion, kind, ns, name] of [
      ['networking.istio.io/v1', 'VirtualService', 'shop', 'shop'], ['networking.istio.io/v1', 'Gateway', 'shop', 'shop-gateway'],
      ['security.istio.io/v1', 'AuthorizationPolicy', 'shop', 'deny-all'], ['v1', 'ConfigMap', 'istio-system', 'capstan-istio-mesh'],
      ['apps/v1', 'Deployment', 'istio-system', 'istiod'], ['apps/v1', 'Deployment', 'istio-gateway', 'istio-gateway'],
      ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration', undefined, 'istio-sidecar-injector'],
    ] as const) expect(await c().get(apiVersion, kind, ns, name), `${kind} ${name} removed`).toBeUndefined();
    expect((await c().get('v1', 'Namespace', undefined, 'shop')).metadata.labels?.['istio-injection']).toBeUndefined();
  }, 10 * MINUTES);

  it('absent again: every task ok and 0 writes by capstan (the run lock apart)', async () => {
    const mark = await c().auditMark();
    const run = await lab.play(TAGS);
    const writes = await c().auditWritesSince(mark);
    expect(persisted(writes)).toEqual([]);
    expect(run.code, run.stderr).toBe(0);
    expect(run.tasks.filter((t) => t.status !== 'ok').map((t) => `${t.task}: ${t.status}`)).toEqual([]);
  }, 10 * MINUTES);

  it('present again installs everything and verify passes', async () => {
    lab.setVars(SHOP);
    const run = await lab.play(TAGS);
    expect(run.tasks.filter((t) => t.status === 'failed').map((t) => `${t.task}: ${t.msg}`)).toEqual([]);
    expect(run.code, run.stderr).toBe(0);
    expect(Object.keys(await lab.revisions()).sort()).toEqual(['istio-gateway/istio-gateway', 'istio-system/istio-base', 'istio-system/istiod']);
    expect(verifyOf(run.tasks).msg).not.toMatch(/FAIL/);
    expect((await c().get('v1', 'Namespace', undefined, 'shop')).metadata.labels?.['istio-injection']).toBe('enabled');
  }, 15 * MINUTES);
});
