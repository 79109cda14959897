// Pure parts of lib/helm: the idempotence rule, helm 3/4 flags, chart identity, release decoding.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { resolveChart, localChartId, ociChartName } from '../lib/helm/chart.ts';
import { helmNotReady, waitProgress } from '../lib/helm/diagnose.ts';
import { helmFailure, helmMessage, parseHelmMajor } from '../lib/helm/exec.ts';
import { templateArgs, uninstallArgs, upgradeArgs } from '../lib/helm/flags.ts';
import { changedPaths, planRelease } from '../lib/helm/plan.ts';
import { decodeRelease, latestSecrets, type DeployedRelease } from '../lib/helm/state.ts';
import type { HelmReleaseSpec, KubeObject } from '../lib/kube/types.ts';
import { SHARED_CHARTS } from '../lib/lab/shared-dir.ts';

const charts = SHARED_CHARTS;
const spec: HelmReleaseSpec = { name: 'istiod', namespace: 'istio-system', chart: { repo: 'https://charts.example/istio', name: 'istiod', version: '1.30.3' }, values: { pilot: { replicaCount: 1 } } };
const deployed: DeployedRelease = { name: 'istiod', namespace: 'istio-system', revision: 2, status: 'deployed', chart: { name: 'istiod', version: '1.30.3' }, values: { pilot: { replicaCount: 1 } }, manifest: '' };
const want = { name: 'istiod', version: '1.30.3' };

describe('planRelease', () => {
  it.each([
    ['same chart, values and deployed', deployed, 'none', 'istiod 1.30.3 already deployed with these values'],
    ['not installed', undefined, 'install', 'istiod 1.30.3 is not installed'],
    ['a value changed', { ...deployed, values: { pilot: { replicaCount: 2 } } }, 'upgrade', 'values changed (pilot.replicaCount)'],
    ['chart version changed', { ...deployed, chart: { name: 'istiod', version: '1.30.2' } }, 'upgrade', 'chart istiod 1.30.2 -> istiod 1.30.3'],
    ['failed release', { ...deployed, status: 'failed' }, 'upgrade', 'release status is failed'],
    ['pending upgrade', { ...deployed, status: 'pending-upgrade' }, 'upgrade', 'release status is pending-upgrade'],
  ] as const)('%s', (_label, facts, action, reason) => {
    const plan = planRelease(spec, want, facts);
    expect(plan.action).toBe(action);
    expect(plan.reason).toContain(reason);
  });

  it('treats absent values and {} alike, and ignores undefined keys', () => {
    expect(planRelease({ ...spec, values: { a: undefined } as Record<string, unknown> }, want, { ...deployed, values: {} }).action).toBe('none');
  });

  it('uninstalls only when installed', () => {
    expect(planRelease({ ...spec, state: 'absent' }, undefined, deployed).action).toBe('uninstall');
    expect(planRelease({ ...spec, state: 'absent' }, undefined, undefined)).toEqual({ action: 'none', reason: 'release istio-system/istiod is not installed' });
  });

  it('lists changed value paths', () => {
    expect(changedPaths({ a: { b: 1, c: [1] }, d: 1 }, { a: { b: 2, c: [1, 2] }, e: 1 })).toEqual(['a.b', 'a.c', 'd', 'e']);
  });
});

describe('helm flags per major', () => {
  const o = { name: 'x', namespace: 'ns', chartArgs: ['/c'], valuesFile: '/v.yaml', timeoutSeconds: 60, wait: true, createNamespace: true };
  it('helm 3 waits with --wait --atomic', () => {
    expect(upgradeArgs(3, o)).toEqual(['upgrade', '--install', 'x', '/c', '--namespace', 'ns', '--create-namespace', '--values', '/v.yaml', '--timeout', '60s', '--wait', '--atomic', '--debug']);
  });
  it('helm 4 waits with --wait=watcher --rollback-on-failure', () => {
    expect(upgradeArgs(4, o).slice(-3)).toEqual(['--wait=watcher', '--rollback-on-failure', '--debug']);
    expect(upgradeArgs(4, { ...o, wait: false })).not.toContain('--rollback-on-failure');
  });
  it('clientSideApply: helm 4 gets --server-side=false (its default is server-side), helm 3 needs nothing', () => {
    expect(upgradeArgs(4, { ...o, clientSideApply: true })).toContain('--server-side=false');
    expect(upgradeArgs(4, o).some((a) => a.startsWith('--server-side'))).toBe(false);
    expect(upgradeArgs(3, { ...o, clientSideApply: true }).some((a) => a.startsWith('--server-side'))).toBe(false);
  });
  it('never uses --set; renders without hooks', () => {
    expect([...upgradeArgs(3, o), ...templateArgs(o)].some((a) => a.startsWith('--set'))).toBe(false);
    expect(templateArgs(o)).toContain('--no-hooks');
    expect(uninstallArgs(4, { name: 'x', namespace: 'ns', timeoutSeconds: 5, wait: true })).toContain('--wait=watcher');
  });
  it('parses versions', () => {
    expect(parseHelmMajor('v3.17.2')).toBe(3);
    expect(parseHelmMajor('v4.1.4\n')).toBe(4);
    expect(() => parseHelmMajor('v2.16.0')).toThrow(/helm 3 and helm 4/);
  });
});

describe('chart sources', () => {
  it('reads name and version from a directory and from a .tgz', () => {
    expect(localChartId(`${charts}/istio-base`)).toEqual({ name: 'base', version: '1.30.3' });
    expect(localChartId(`${charts}/metallb/charts/frr-k8s-0.0.25.tgz`)).toEqual({ name: 'frr-k8s', version: '0.0.25' });
  });
  it('builds helm arguments per source', () => {
    expect(resolveChart({ repo: 'https://r.example', name: 'metallb', version: '0.16.1' }).args).toEqual(['metallb', '--repo', 'https://r.example', '--version', '0.16.1']);
    expect(resolveChart({ oci: 'oci://r.example/charts/metallb', version: '0.16.1' }).id).toEqual({ name: 'metallb', version: '0.16.1' });
    expect(ociChartName('oci://r.example/a/b/gateway:1.0')).toBe('gateway');
  });
  it('takes charts from helm_chart_dir by Chart.yaml name and version', () => {
    expect(resolveChart({ repo: 'https://r.example', name: 'base', version: '1.30.3' }, charts).args).toEqual([`${charts}/istio-base`]);
    expect(() => resolveChart({ repo: 'https://r.example', name: 'base', version: '1.29.0' }, charts))
      .toThrow(/has no chart base 1.29.0; it has base 1.30.3/);
  });
  it('reads the charts whose file names fit first: a broken chart elsewhere in the folder is not read', () => {
    const dir = mkdtempSync(join(tmpdir(), 'capstan-chartdir-'));
    try {
      for (const [folder, text] of [['aaa-broken', 'name: [unclosed'], ['istio-base', 'name: base\nversion: 1.30.3\n'], ['zzz', 'name: other\nversion: 1.0.0\n']]) {
        mkdirSync(join(dir, folder!));
        writeFileSync(join(dir, folder!, 'Chart.yaml'), text!);
      }
      expect(resolveChart({ repo: 'https://r.example', name: 'base', version: '1.30.3' }, dir).args).toEqual([join(dir, 'istio-base')]);
      // a version no file has: every chart is read to say what there is, and the broken one is named
      expect(() => resolveChart({ repo: 'https://r.example', name: 'base', version: '9.9.9' }, dir)).toThrow(/aaa-broken/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('release Secrets', () => {
  const secret = (name: string, version: number, release: object): KubeObject => ({
    apiVersion: 'v1', kind: 'Secret',
    metadata: { name: `sh.helm.release.v1.${name}.v${version}`, namespace: 'ns', labels: { owner: 'helm', name, version: String(version) } },
    data: { release: Buffer.from(gzipSync(JSON.stringify(release)).toString('base64')).toString('base64') },
  });
  it('decodes helm storage (base64 of base64 of gzip JSON) and picks the latest revision', () => {
    const rel = { name: 'a', namespace: 'ns', version: 3, info: { status: 'deployed' }, chart: { metadata: { name: 'c', version: '1.0.0' } }, config: null, manifest: 'm' };
    const latest = latestSecrets([secret('a', 2, { ...rel, version: 2 }), secret('a', 3, rel), secret('b', 1, { ...rel, name: 'b' })]);
    expect([...latest.keys()]).toEqual(['ns/a', 'ns/b']);
    expect(decodeRelease(latest.get('ns/a')!)).toEqual({ name: 'a', namespace: 'ns', revision: 3, status: 'deployed', chart: { name: 'c', version: '1.0.0' }, values: {}, manifest: 'm' });
  });
});

describe('helm ended by a signal', () => {
  it('names the signal instead of "exit null"', () => {
    expect(helmFailure('helm upgrade --install gw', { code: null, signal: 'SIGTERM', stdout: '', stderr: '' }, 'controller').message)
      .toBe('helm upgrade --install gw failed: helm was ended by SIGTERM, which capstan did not send');
    expect(helmFailure('helm upgrade --install gw', { code: 1, stdout: '', stderr: '' }, 'controller').message).toBe('helm upgrade --install gw failed: exit 1');
  });
});

describe('helm failure output', () => {
  const h3 = [
    'upgrade.go:164: [debug] preparing upgrade for gw',
    'ready.go:303: [debug] Service does not have load balancer ingress IP address: ns/gw',
    'ready.go:303: [debug] Deployment is not ready: ns/gw2. 0 out of 1 expected pods are ready',
    'upgrade.go:476: [debug] warning: Upgrade "gw" failed: context deadline exceeded',
    'upgrade.go:494: [debug] Upgrade failed and atomic is set, rolling back to last successful release',
    'ready.go:303: [debug] Deployment is not ready: ns/gw. 0 out of 1 expected pods are ready',
    'Error: UPGRADE FAILED: release gw failed, and has been rolled back due to atomic being set: context deadline exceeded',
    'helm.sh/helm/v3/pkg/action.(*Upgrade).failRelease',
    '\thelm.sh/helm/v3/pkg/action/upgrade.go:494',
  ].join('\n');
  it('names what helm 3 waited on before the rollback, and only that', () => {
    expect(Object.fromEntries(helmNotReady(h3))).toEqual({
      'service ns/gw': 'no load balancer ingress IP address',
      'deployment ns/gw2': '0 out of 1 expected pods are ready',
    });
  });
  it('names what helm 4 reports', () => {
    expect([...helmNotReady('Error: UPGRADE FAILED: ...: resource Deployment/ns/gw2 not ready. status: InProgress, message: Available: 0/1\ncontext deadline exceeded')])
      .toEqual([['deployment ns/gw2', 'InProgress, message: Available: 0/1']]);
  });
  it("keeps helm's Error: line without the Go stack trace", () => {
    expect(helmMessage(h3)).toBe('Error: UPGRADE FAILED: release gw failed, and has been rolled back due to atomic being set: context deadline exceeded');
    expect(helmMessage('WARNING: x\nsomething broke\n')).toBe('something broke');
  });
});

describe('helm wait progress', () => {
  it('reports each change of what helm 3 waits for, across chunk boundaries', () => {
    const lines: string[] = [];
    let t = 1000;
    const feed = waitProgress((m) => lines.push(m), () => t);
    const line = 'ready.go:303: [debug] Deployment is not ready: istio-system/istiod. 0 out of 1 expected pods are ready\n';
    feed(line.slice(0, 40));
    t = 3000;
    feed(line.slice(40) + line);
    t = 15000;
    feed(line.replace('0 out', '1 out').replace('are ready', 'are ready'));
    feed('upgrade.go:494: [debug] Upgrade failed and atomic is set, rolling back to last successful release\n');
    expect(lines).toEqual([
      'deployment istio-system/istiod: 0 out of 1 expected pods are ready, 2s',
      'deployment istio-system/istiod: 1 out of 1 expected pods are ready, 14s',
      'helm is rolling back',
    ]);
  });
  it('reads helm 4 watcher debug lines', () => {
    const lines: string[] = [];
    const feed = waitProgress((m) => lines.push(m), () => 0);
    feed('level=DEBUG msg="waiting for resource" namespace=gw name=gw kind=Deployment expectedStatus=Current actualStatus=InProgress\n');
    expect(lines).toEqual(['deployment gw/gw: InProgress, 0s']);
  });
});
