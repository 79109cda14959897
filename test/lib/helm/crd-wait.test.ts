// A release installed without helm's wait (istio-base: CRDs only) has the CRDs of its deployed manifest waited for by capstan's watch (lib/helm/crds.ts, release.ts), and one with helm's wait does not; helm fakes only (a FAKE exec and release store), no cluster.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { manifestCrds } from '../../../lib/helm/crds.ts';
import { helmRelease, type HelmDeps } from '../../../lib/helm/release.ts';
import type { HelmExec } from '../../../lib/helm/exec.ts';
import type { DeployedRelease, ReleaseStore } from '../../../lib/helm/state.ts';
import type { KubeApi } from '../../../lib/kube/client.ts';

const crd = (name: string) => `---\n# Source: base/templates/crds.yaml\napiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\nmetadata:\n  name: ${name}\nspec:\n  group: x.io\n`;
const MANIFEST = `${crd('gateways.networking.istio.io')}---\napiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: istio-reader\n---\n${crd('sidecars.networking.istio.io')}---\n# empty document\n`;

describe('manifestCrds', () => {
  it('names the CustomResourceDefinitions of a manifest, in order, and nothing else', () => {
    expect(manifestCrds(MANIFEST)).toEqual(['gateways.networking.istio.io', 'sidecars.networking.istio.io']);
    expect(manifestCrds('')).toEqual([]);
    expect(manifestCrds('apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n')).toEqual([]);
  });
});

const chartDir = mkdtempSync(join(tmpdir(), 'capstan-crd-wait-chart-'));
writeFileSync(join(chartDir, 'Chart.yaml'), 'apiVersion: v2\nname: base\nversion: 1.30.3\n');
afterAll(() => rmSync(chartDir, { recursive: true, force: true }));

function fakeDeps(waited: string[], fail?: string): { deps: HelmDeps; helmArgs: string[][] } {
  const helmArgs: string[][] = [];
  let installed: DeployedRelease | undefined;
  const exec: HelmExec = {
    where: 'controller',
    async run(args) {
      helmArgs.push(args);
      installed = { name: 'istio-base', namespace: 'istio-system', revision: 1, status: 'deployed', chart: { name: 'base', version: '1.30.3' }, values: {}, manifest: MANIFEST };
      return { code: 0, stdout: '', stderr: '' };
    },
    tempFile: async () => ({ path: '/dev/null', remove: async () => undefined }),
    major: async () => 3,
  };
  const store: ReleaseStore = { get: async () => undefined, history: async () => [], refresh: async () => installed };
  return {
    helmArgs,
    deps: {
      exec: () => exec, store, api: {} as KubeApi, chartDir: undefined, timeoutSeconds: 300,
      crdEstablished: async (name, o) => {
        expect(o.timeoutSeconds).toBe(120);
        if (name === fail) throw new Error(`crd ${name} not Established after ${o.timeoutSeconds}s`);
        waited.push(name);
      },
    },
  };
}

const spec = (wait: boolean) => ({ name: 'istio-base', namespace: 'istio-system', chart: { path: chartDir }, values: {}, state: 'present' as const, wait, timeoutSeconds: 120 });
const opts = (log: string[]) => ({ check: false, diff: false, log: (m: string) => log.push(m) });

describe('helmRelease without helm\'s wait', () => {
  it('runs helm without --wait, then waits for every CRD of the deployed manifest, saying so', async () => {
    const waited: string[] = [];
    const log: string[] = [];
    const { deps, helmArgs } = fakeDeps(waited);
    const r = await helmRelease(deps, spec(false), opts(log));
    expect(r.status).toBe('changed');
    expect(helmArgs).toHaveLength(1);
    expect(helmArgs[0]).not.toContain('--wait');
    expect(waited.sort()).toEqual(['gateways.networking.istio.io', 'sidecars.networking.istio.io']);
    expect(log.join('\n')).toMatch(/waiting up to 120s for 2 CRDs of istio-base to be Established/);
  });

  it('with helm\'s wait, leaves the waiting to helm', async () => {
    const waited: string[] = [];
    const { deps, helmArgs } = fakeDeps(waited);
    await helmRelease(deps, spec(true), opts([]));
    expect(helmArgs[0]).toContain('--wait');
    expect(waited).toEqual([]);
  });

  it('fails the release when a CRD never becomes Established, naming it', async () => {
    const { deps } = fakeDeps([], 'sidecars.networking.istio.io');
    await expect(helmRelease(deps, spec(false), opts([]))).rejects.toThrow(/crd sidecars\.networking\.istio\.io not Established after 120s/);
  });
});
