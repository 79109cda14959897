/**
 * test/roles/serving/real-helm{3,4}.int.test.ts's shared body: the whole model-serving path,
 * `--inventory production --tags metallb,istio,cert-manager,nginx-ingress,seldon,serving`, from an
 * empty real control plane (a cluster of the test file's own, test/support/cluster.ts) with real
 * helm and the real charts. What makes the objects Ready (lib/lab/serving-controllers.ts):
 * cert-manager's REAL controller (built from its Go module) issues the selfSigned Certificates
 * into their Secrets; the Seldon STAND-IN runs envoy's Deployment and seldon-mesh Service and marks
 * Models and the Experiment Ready; the ingress-nginx STAND-IN publishes the controller Service's
 * address on the Ingresses. The ACME issuer is left out here: a real controller would register
 * with Let's Encrypt, and nothing may leave the machine. The no-op rerun is read in the audit log:
 * writes by user `capstan`, the run lock's Lease apart.
 */
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HelmMajor } from '../../../lib/lab/helm-bin.ts';
import { startServingControllers } from '../../../lib/lab/serving-controllers.ts';
import type { StandIn } from '../../../lib/lab/stand-ins/watch.ts';
import { persisted, useRealLab } from '../../fixtures/istio/real-lab.ts';
import { statuses, type TaskEvent } from '../../fixtures/istio/inventory-copy.ts';

const TAGS = ['--tags', 'metallb,istio,cert-manager,nginx-ingress,seldon,serving'];
const MINUTES = 60_000;
// The production inventory's path, its selfSigned issuer only (see above).
const VARS = { cert_manager_cluster_issuers: [{ name: 'ml-selfsigned', self_signed: true }], serving_wait_timeout: 300 };
const SELDON = 'mlops.seldon.io/v1alpha1';

const task = (tasks: readonly TaskEvent[], name: string) => tasks.find((t) => t.task === name);
const failed = (tasks: readonly TaskEvent[]) => tasks.filter((t) => t.status === 'failed').map((t) => `${t.role}/${t.task}: ${t.msg}`);

export function servingRealSuite(major: HelmMajor): void {
  describe(`helm ${major}: the serving path on the real control plane`, () => {
    const lab = useRealLab(major, VARS);
    const { c } = lab;
    let controllers: StandIn | undefined;
    beforeAll(() => { controllers = startServingControllers(c().cluster); });
    afterAll(async () => { await controllers?.stop(); });

    it('from empty: installs the charts, creates the issuer, certificate, ingresses, models and experiment, each Ready, routes verified', async () => {
      const r = await lab.play(TAGS);
      expect(failed(r.tasks)).toEqual([]);
      expect(r.code, r.stderr).toBe(0);
      // The cert-manager and nginx-ingress roles (their suites on the real plane: installed from empty here).
      expect(Object.keys(await lab.revisions())).toEqual(expect.arrayContaining(['cert-manager/cert-manager', 'ingress-nginx/ingress-nginx']));
      expect(statuses(r.tasks)).toMatchObject({ 'cert-manager/cert-manager ready': 'ok', 'nginx-ingress/ingress-nginx controller ready': 'ok' });
      const nginx = await c().get('v1', 'Service', 'ingress-nginx', 'ingress-nginx-controller');
      expect(nginx.status.loadBalancer.ingress).toEqual([expect.objectContaining({ ip: '192.168.1.241' })]);
      expect(nginx.spec.ports.map((p: { port: number; nodePort: number }) => [p.port, p.nodePort])).toEqual([[80, 30080], [443, 30443]]);
      const ready = task(r.tasks, 'serving ready')!;
      expect(ready.status).toBe('ok');
      // Issued by cert-manager's real controller: its own condition message, and the Secret's certificate.
      expect(ready.msg).toMatch(/certificate istio-gateway\/ml-tls-cert +Ready=True \(Ready\): Certificate is up to date and has not expired, notAfter \d{4}-/);
      expect(ready.msg).toMatch(/clusterissuer ml-selfsigned +Ready=True \(IsReady\)/);
      expect(ready.msg).toMatch(/experiment seldon-mesh\/financial-ab-test-experiment +Ready=True \(StandIn\): marked Ready by the Seldon stand-in/);
      expect(ready.msg).toMatch(/model seldon-mesh\/financial-predictor-b +Ready=True \(StandIn\)/);
      expect(ready.msg).toMatch(/ingress seldon-mesh\/financial-mlops-ingress +address 192\.168\.1\.241/);
      const secret = await c().get('v1', 'Secret', 'istio-gateway', 'ml-tls-cert');
      const cert = new X509Certificate(Buffer.from(secret.data['tls.crt'], 'base64'));
      expect(cert.subjectAltName).toBe('DNS:financial-predictor.local');
      expect(cert.verify(cert.publicKey), 'selfSigned: signed with its own key').toBe(true);
      expect(cert.issuer).toBe(cert.subject);
      expect(new Date(cert.validTo).getTime() - Date.now()).toBeGreaterThan(80 * 86400_000); // duration 2160h
      // The Ingress's issuer annotation: cert-manager's ingress-shim made that Certificate and issued it too.
      const shim = await c().get('cert-manager.io/v1', 'Certificate', 'seldon-mesh', 'financial-predictor-nginx-tls');
      expect(shim?.metadata.ownerReferences?.[0]).toMatchObject({ kind: 'Ingress', name: 'financial-mlops-ingress' });
      expect((await c().get(SELDON, 'Experiment', 'seldon-mesh', 'financial-ab-test-experiment')).spec.candidates)
        .toEqual([{ name: 'financial-predictor-a', weight: 50 }, { name: 'financial-predictor-b', weight: 50 }]);
      const routes = task(r.tasks, 'serving routes')!;
      expect(routes.status, routes.msg).toBe('ok');
      expect(routes.msg).toMatch(/route ingress seldon-mesh\/financial-mlops-ingress financial-predictor\.local\/v2 .*address 192\.168\.1\.241, → seldon-mesh\/seldon-mesh:80 with endpoints +ok/);
      expect(routes.msg).toMatch(/route virtualservice seldon-mesh\/seldon-vs financial-predictor\.local\/ .*gateway istio-gateway\/ml-gateway, → seldon-mesh\/seldon-mesh:80 with endpoints +ok/);
      expect(routes.msg).toMatch(/endpoints seldon-mesh\/seldon-mesh-nodeport +>= 1 ready +1 ready: 10\.\d+\.\d+\.\d+:9000 +ok/);
      expect(routes.msg).toMatch(/path \/v2\/health\/ready +routed +by ingress seldon-mesh\/financial-mlops-ingress, ingress seldon-mesh\/financial-mlops-canary, virtualservice seldon-mesh\/seldon-vs +ok/);
    }, 25 * MINUTES);

    it('rerun: every task ok, no new Helm revision, 0 writes by capstan in the audit log (the run lock apart)', async () => {
      const before = await lab.revisions();
      const mark = await c().auditMark();
      const r = await lab.play(TAGS);
      const writes = await c().auditWritesSince(mark);
      console.log(`serving path helm ${major} no-op rerun: ${writes.length} audit writes by capstan, ${persisted(writes).length} outside the run lock`);
      expect(failed(r.tasks)).toEqual([]);
      expect(r.code, r.stderr).toBe(0);
      expect(persisted(writes), 'a no-op rerun of the serving path writes nothing').toEqual([]);
      const notOk = Object.entries(statuses(r.tasks)).filter(([, s]) => s !== 'ok' && s !== 'skipped');
      expect(notOk).toEqual([]);
      expect(await lab.revisions()).toEqual(before);
    }, 15 * MINUTES);
  });
}
