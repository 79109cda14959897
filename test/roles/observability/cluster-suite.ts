/**
 * The shared part of cluster-helm{3,4}.int.test.ts (one file per Helm major, each with its own
 * REAL control plane: lib/lab/cluster via test/support/cluster.ts — etcd, kube-apiserver,
 * controllers, scheduler, kwok): `--tags observability` of playbooks/site.ts through a copy of
 * inventory/production, with real helm and the real charts from ../shared/charts. kwok simulates
 * the pods: Deployments, the StatefulSet and the DaemonSet become available, but no Prometheus,
 * Grafana, Kiali or Jaeger process runs and kwok has no port-forward rule for their pods here, so
 * the verify table's live rows say they could not reach a process (warn); with stand-ins behind
 * kwok's port-forward they are checked in dashboard-forward.int.test.ts.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { playInProcess } from '../../support/play-in-process.ts';
import { kubeBinaries, type HelmMajor } from '../../../lib/lab/helm-bin.ts';
import { connectKube, loadKubeConfig } from '../../../lib/kube/client.ts';
import { isLockRequest } from '../../../lib/lock/lease.ts';
import { inventoryCopy, type TaskEvent } from '../../fixtures/istio/inventory-copy.ts';
import { useCluster } from '../../support/cluster.ts';

/** Written as a plain var (the lab switch allows it); a vaulted one is masked the same way (test/lib/secrets). */
const PASSWORD = 'grafana-Admin-pw-7f3k2q';
const RELEASES = ['istio-system/grafana', 'istio-system/kiali-server', 'istio-system/prometheus'];

interface Run { code: number; tasks: TaskEvent[]; out: string; err: string; writes: string[] }

export function observabilityClusterSuite(major: HelmMajor): void {
  describe(`helm ${major}: observability on the real control plane`, () => {
    const c = useCluster({ lbIps: false });
    let dir: string;
    let inv: string;

    async function play(args: string[]): Promise<Run> {
      const mark = c().requests.length;
      const { code, out, err } = await playInProcess(['--inventory', inv, '--tags', 'observability', ...args], c().kubeconfig);
      const tasks = out.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { type: string })
        .filter((e): e is TaskEvent => e.type === 'task_result' && (e as TaskEvent).role === 'observability');
      const writes = c().writesSince(mark).filter((w) => !isLockRequest(w.split(' ')[1]!.split('?')[0]!));
      return { code, tasks, out, err, writes };
    }
    const failed = (r: Run) => r.tasks.filter((t) => t.status === 'failed').map((t) => `${t.task}: ${t.msg}`);
    const releases = async () => {
      const secrets = await connectKube(loadKubeConfig(c().directKubeconfig)).list('v1', 'Secret', { labelSelector: 'owner=helm' });
      return [...new Set(secrets.items.map((s: any) => `${s.metadata.namespace}/${s.metadata.labels.name}`))].sort();
    };

    beforeAll(() => {
      dir = mkdtempSync(join(tmpdir(), `capstan-observability-h${major}-`));
      inv = inventoryCopy(dir, c().kubeconfig, kubeBinaries(major).helm, {
        helm_timeout: 120, prometheus_persistence: false, grafana_admin_password: PASSWORD, capstan_allow_plain_secrets: true,
      });
    });
    afterAll(() => { if (dir) rmSync(dir, { recursive: true, force: true }); });

    it('from empty: the three releases and Jaeger installed, everything available, the verify table all ok', async () => {
      const r = await play(['--json', '-v']);
      expect(failed(r), r.err).toEqual([]);
      expect(r.code, r.err).toBe(0);
      expect(await releases()).toEqual(RELEASES);
      for (const d of ['prometheus', 'grafana', 'kiali', 'jaeger']) {
        expect((await c().get('apps/v1', 'Deployment', 'istio-system', d))?.status?.availableReplicas, d).toBeGreaterThanOrEqual(1);
      }
      const secret = await c().get('v1', 'Secret', 'istio-system', 'grafana-admin');
      expect(Buffer.from(secret.data['admin-password'], 'base64').toString()).toBe(PASSWORD);
      const rules = await c().get('v1', 'ConfigMap', 'istio-system', 'prometheus');
      expect(rules.data['alerting_rules.yml']).toMatch(/alert: MeshServiceErrorRate[\s\S]*alert: ModelServerDown/);
      const verify = r.tasks.find((t) => t.task === 'observability verify')!;
      expect(verify.status).toBe('ok');
      // The object rows reach the API server; the live rows would reach a process through kwok's
      // port-forward, which has no rule for these pods here: warn rows that say so (not a failure).
      const rows = verify.data!['verify'] as { check: string; result: string; actual: string }[];
      expect(rows.filter((row) => row.result === 'ok').map((row) => row.check.split(' ')[0])).toEqual(Array(4).fill(['deploy', 'svc']).flat());
      expect(rows.filter((row) => row.result !== 'ok').map((row) => [row.check, row.result])).toEqual([
        ['prometheus targets', 'warn'], ['grafana datasource prometheus', 'warn'], ['kiali health', 'warn'], ['jaeger health', 'warn'],
      ]);
      // kwok's answer is its error stream's "no forward found for port"; when its data stream closes
      // first (under load) the client sees the connection end before that message: "other side closed"
      for (const row of rows.filter((x) => x.result === 'warn')) expect(row.actual).toMatch(/^not reachable here: .*(no forward found for port|other side closed)/);
      expect(r.out + r.err, 'the Grafana password in -v --json output').not.toContain(PASSWORD);
    }, 600_000);

    it('a rerun: every task ok and 0 write requests', async () => {
      const r = await play(['--json']);
      expect(r.code, r.err).toBe(0);
      expect(r.writes, 'a no-op rerun writes nothing').toEqual([]);
      expect(r.tasks.filter((t) => t.status !== 'ok' && t.status !== 'skipped').map((t) => `${t.task}: ${t.status}`)).toEqual([]);
    }, 300_000);

    it('--diff --check with a new password: the change is reported, the password is in no output', async () => {
      const r = await play(['--diff', '--check', '-v', '-e', JSON.stringify({ grafana_admin_password: `${PASSWORD}-new`, capstan_allow_plain_secrets: true })]);
      expect(r.code, r.err).toBe(0);
      expect(r.out).toMatch(/grafana admin secret/);
      expect(r.out + r.err).not.toContain(PASSWORD);
      expect(r.writes).toEqual([]);
    }, 300_000);

    it('an invalid password (too short) is refused before anything connects, without printing it', async () => {
      const r = await play(['-e', JSON.stringify({ grafana_admin_password: 'sh0rt!x', capstan_allow_plain_secrets: true })]);
      expect(r.code).toBe(5);
      expect(r.err).toMatch(/grafana_admin_password/);
      expect(r.out + r.err).not.toContain('sh0rt!x');
      expect(r.writes).toEqual([]);
    }, 120_000);
  });
}
