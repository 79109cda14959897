// The cert-manager and nginx-ingress roles (cluster add-ons after k3s) against the real control
// plane (this file's own cluster: the charts install CRDs and NodePorts) with real helm 3 and the
// real charts from /work/shared/charts: installed and ready (kwok runs their pods), the ingress
// controller on the load balancers' NodePorts, a rerun all ok, and both skipped with their reason
// when disabled; the rerun persists no write by user capstan (audit log; the run lock's Lease apart).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { playMain } from '../../../lib/cli/play.ts';
import { kubeBinaries } from '../../../lib/lab/helm-bin.ts';
import { SHARED_CHARTS } from '../../../lib/lab/shared-dir.ts';
import { isLockRequest } from '../../../lib/lock/lease.ts';
import { useCluster } from '../../support/cluster.ts';

const projectDir = resolve(import.meta.dirname, '../../..');
const c = useCluster();
let dir: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'capstan-k3s-addons-'));
  writeFileSync(join(dir, 'hosts'), '[server]\ncontroller ansible_connection=local\n');
  writeFileSync(join(dir, 'addons.ts'), `import { play, playbook } from ${JSON.stringify(join(projectDir, 'lib/playbook.ts'))};
export default playbook('addons', [play('cluster add-ons', 'server[0]', ['cert-manager', 'nginx-ingress'])]);\n`);
});
afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

async function play(vars: Record<string, unknown>): Promise<{ code: number; out: string }> {
  writeFileSync(join(dir, 'vars.yml'), stringify({
    kubeconfig: c().kubeconfig, helm_binary: kubeBinaries(3).helm, helm_chart_dir: SHARED_CHARTS, ...vars,
  }));
  let out = '';
  const sink = { write: (s: string) => { out += s; return true; } };
  const code = await playMain(['--inventory', join(dir, 'hosts'), '--playbook', join(dir, 'addons.ts'), '-e', `@${join(dir, 'vars.yml')}`],
    { stdout: sink, stderr: sink, projectDir, cwd: projectDir, env: process.env });
  return { code, out };
}

describe('cert-manager and nginx-ingress roles on the real control plane (helm 3)', () => {
  it('disabled (the default): both skipped with the reason, nothing installed', async () => {
    const r = await play({});
    expect(r.code, r.out).toBe(0);
    expect(r.out).toMatch(/enable_cert_manager is false/);
    expect(r.out).toMatch(/enable_ingress_nginx is false/);
    expect(await c().list('apps/v1', 'Deployment', 'cert-manager')).toEqual([]);
    expect(await c().list('apps/v1', 'Deployment', 'ingress-nginx')).toEqual([]);
  }, 60_000);

  it('enabled: releases installed and ready, ingress-nginx on its NodePorts; a rerun is all ok', async () => {
    const vars = { enable_cert_manager: true, enable_ingress_nginx: true, ingress_nginx_http_nodeport: 30180 };
    const r = await play(vars);
    expect(r.code, r.out).toBe(0);
    for (const name of ['cert-manager', 'cert-manager-cainjector', 'cert-manager-webhook']) {
      const d = await c().get('apps/v1', 'Deployment', 'cert-manager', name);
      expect(d?.spec?.replicas, name).toBeGreaterThan(0);
      expect(d?.status?.readyReplicas, name).toBe(d?.spec?.replicas);
    }
    expect(await c().get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', undefined, 'certificates.cert-manager.io')).toBeDefined();
    const svc = await c().get('v1', 'Service', 'ingress-nginx', 'ingress-nginx-controller');
    expect(svc.spec.type).toBe('NodePort');
    expect(Object.fromEntries(svc.spec.ports.map((p: { name: string; nodePort: number }) => [p.name, p.nodePort]))).toMatchObject({ http: 30180, https: 30443 });
    const mark = await c().auditMark();
    const again = await play(vars);
    expect(again.code, again.out).toBe(0);
    expect(again.out).toMatch(/controller +: ok=4 +changed=0/);
    const writes = (await c().auditWritesSince(mark)).filter((w) => !w.dryRun && !isLockRequest(w.uri.split('?')[0]!));
    expect(writes.map((w) => `${w.verb} ${w.uri}`), 'a no-op rerun of cert-manager and nginx-ingress writes nothing').toEqual([]);
  }, 300_000);
});
