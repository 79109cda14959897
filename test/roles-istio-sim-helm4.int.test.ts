// metallb + istio on the Kubernetes API simulator with real helm 4 (test/fixtures/istio/sim-suite.ts),
// and the NodePort gateway of metallb_state: absent.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metallbIstioSuite, RELEASES, TAGS, type Obj } from './fixtures/istio/sim-suite.ts';
import { startSimLab, statuses, type SimLab } from './fixtures/istio/sim-lab.ts';

metallbIstioSuite(4);

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
