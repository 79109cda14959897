// `--inventory production --tags metallb,istio` against the Kubernetes API simulator with real
// helm 3 and helm 4 and the real charts from /work/shared/charts (a copy of the inventory whose
// kubeconfig points at the simulator on 127.0.0.1; nothing connects to the 192.168 addresses).
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { istioCrdValidators } from './fixtures/istio/crd-schemas.ts';
import { startSimLab, statuses, type SimLab } from './fixtures/istio/sim-lab.ts';

const meshVars = parse(readFileSync(new URL('./fixtures/istio/mesh-vars.yml', import.meta.url), 'utf8')) as Record<string, unknown>;
const TAGS = ['--tags', 'metallb,istio'];
const RELEASES = ['istio-gateway/istio-gateway', 'istio-system/istio-base', 'istio-system/istiod', 'metallb-system/metallb'];

type Obj = Record<string, any>;

/** Lines a unified diff removes without adding back, and adds without having removed. */
function netChanges(diff: string): { removed: string[]; added: string[] } {
  const lines = diff.split('\n').filter((l) => /^[-+]/.test(l) && !/^(---|\+\+\+)/.test(l));
  const count = new Map<string, number>();
  for (const l of lines) count.set(l.slice(1), (count.get(l.slice(1)) ?? 0) + (l[0] === '+' ? 1 : -1));
  const pick = (sign: number) => [...count].filter(([, n]) => Math.sign(n) === sign).flatMap(([l, n]) => Array<string>(Math.abs(n)).fill(l));
  return { removed: pick(-1), added: pick(1) };
}

for (const major of [3, 4] as const) {
  describe(`helm ${major}: metallb + istio on the simulator`, () => {
    let lab: SimLab;
    beforeAll(async () => { lab = await startSimLab(major, meshVars); });
    afterAll(async () => { await lab?.close(); });

    it('first run: gateway gets 192.168.1.240 from the pool the role created, namespaces labelled, mesh objects applied', async () => {
      const run = await lab.play(TAGS);
      expect(run.stderr).toBe('');
      expect(run.tasks.filter((t) => t.status === 'failed').map((t) => `${t.task}: ${t.msg}`)).toEqual([]);
      expect(run.code).toBe(0);
      expect(Object.keys(lab.revisions()).sort()).toEqual(RELEASES);

      const store = lab.sim.store;
      const pool = store.get('metallb.io/v1beta1', 'IPAddressPool', 'metallb-system', 'default');
      expect(pool.spec.addresses).toEqual(['192.168.1.240-192.168.1.250']);
      const svc = store.get('v1', 'Service', 'istio-gateway', 'istio-gateway');
      expect(svc.spec.type).toBe('LoadBalancer');
      expect(svc.status.loadBalancer.ingress).toEqual([expect.objectContaining({ ip: '192.168.1.240' })]);

      expect(store.get('v1', 'Namespace', undefined, 'istio-system').metadata.labels).toMatchObject({ name: 'istio-system' });
      for (const ns of ['fraud-detection', 'financial-inference', 'financial-mlops-pytorch']) {
        expect(store.get('v1', 'Namespace', undefined, ns).metadata.labels).toMatchObject({ 'istio-injection': 'enabled' });
      }

      const validators = istioCrdValidators();
      const mesh: [string, string, string, string][] = [
        ['security.istio.io/v1', 'PeerAuthentication', 'fraud-detection', 'default'],
        ['networking.istio.io/v1', 'Gateway', 'istio-gateway', 'ml-gateway'],
        ['networking.istio.io/v1', 'DestinationRule', 'fraud-detection', 'fraud-service'],
        ['networking.istio.io/v1', 'VirtualService', 'fraud-detection', 'fraud-api'],
      ];
      for (const [apiVersion, kind, ns, name] of mesh) {
        const live = store.get(apiVersion, kind, ns, name) as Obj | undefined;
        expect(live, `${kind} ${ns}/${name}`).toBeDefined();
        expect(validators.get(`${apiVersion}/${kind}`)!({ spec: live!.spec }), `${kind} ${ns}/${name}`).toEqual([]);
      }

      const verify = run.tasks.find((t) => t.task === 'istio verify')!;
      expect(verify.status).toBe('ok');
      expect(verify.msg).toMatch(/svc istio-gateway\/istio-gateway EXTERNAL-IP\s+LoadBalancer 192\.168\.1\.240\s+LoadBalancer 192\.168\.1\.240\s+ok/);
    });

    it('the NetworkPolicy is applied as built: ingress peers, DNS and istiod egress', () => {
      const np = lab.sim.store.get('networking.k8s.io/v1', 'NetworkPolicy', 'financial-inference', 'istio-namespace-isolation') as Obj;
      expect(np.spec.ingress[0].from, 'ingress peers as applied (an ingress rule without them admits every source)').toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-gateway' } } });
      expect(np.spec.egress[1]).toEqual({ to: [{ namespaceSelector: { matchLabels: { name: 'istio-system' } } }], ports: [{ protocol: 'TCP', port: 15012 }] });
    });

    it('second run: every task ok, no new Helm revision', async () => {
      const before = lab.revisions();
      const run = await lab.play(TAGS);
      expect(run.code).toBe(0);
      const notOk = run.tasks.filter((t) => t.status !== 'ok' && !(t.status === 'skipped' && t.task === 'restart deployments without a sidecar'));
      expect(notOk.map((t) => `${t.task}: ${t.status} ${t.msg ?? ''}`)).toEqual([]);
      expect(lab.revisions()).toEqual(before);
    });

    if (major === 3) {
      it('--check --diff on the pilot memory limit shows exactly that change, and changes nothing', async () => {
        const before = lab.revisions();
        const run = await lab.play([...TAGS, '--check', '--diff', '-e', 'istio_pilot_memory_limit=2Gi']);
        expect(run.code).toBe(0);
        const changed = run.tasks.filter((t) => t.status === 'changed');
        expect(changed.map((t) => t.task)).toEqual(['istiod']);
        expect(changed[0]!.msg).toMatch(/values changed \(resources\.limits\.memory\)/);
        const diff = changed[0]!.diff!;
        const valuesPart = diff.slice(diff.indexOf('--- a/istio-system/istiod values'), diff.indexOf('--- a/istio-system/istiod manifest'));
        expect(valuesPart.split('\n').filter((l) => /^[-+] /.test(l))).toEqual(['-    memory: 1Gi', '+    memory: 2Gi']);
        // The rendered manifest: lines removed and not added back, and the reverse.
        const { removed, added } = netChanges(diff);
        expect(removed.length).toBeGreaterThan(0);
        expect(removed.every((l) => /memory"?: "?1Gi/.test(l))).toBe(true);
        expect(removed.map((l) => l.replace('1Gi', '2Gi')).sort()).toEqual([...added].sort());
        expect(lab.revisions()).toEqual(before);
        expect(lab.sim.store.get('apps/v1', 'Deployment', 'istio-system', 'istiod').spec.template.spec.containers[0].resources.limits.memory).toBe('1Gi');
      });
    }
  });
}

describe('helm 4: metallb_state absent gives a NodePort gateway', () => {
  let lab: SimLab;
  beforeAll(async () => { lab = await startSimLab(4, { metallb_state: 'absent' }); });
  afterAll(async () => { await lab?.close(); });

  it('serves 80 and 443 on NodePorts 31080/31443 (and 15021 on 31021), with no MetalLB', async () => {
    const run = await lab.play(TAGS);
    expect(run.tasks.filter((t) => t.status === 'failed').map((t) => `${t.task}: ${t.msg}`)).toEqual([]);
    expect(run.code).toBe(0);
    expect(statuses(run.tasks)).toMatchObject({ 'metallb/metallb release': 'ok', 'metallb/metallb address pools': 'ok', 'istio/istio gateway': 'changed' });
    expect(Object.keys(lab.revisions()).sort()).toEqual(RELEASES.filter((r) => !r.startsWith('metallb')));
    const svc = lab.sim.store.get('v1', 'Service', 'istio-gateway', 'istio-gateway');
    expect(svc.spec.type).toBe('NodePort');
    expect(Object.fromEntries(svc.spec.ports.map((p: Obj) => [p.port, p.nodePort]))).toEqual({ 80: 31080, 443: 31443, 15021: 31021 });
    expect(run.tasks.find((t) => t.task === 'istio verify')!.msg).toMatch(/NodePort 80:31080 443:31443 15021:31021\s+ok/);
  });
});
