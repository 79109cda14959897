// capstan's ApplySet is the one kubectl computes: `kubectl apply --prune --applyset=configmap/...`
// (real kubectl 1.33, against the real control plane: the run's shared cluster, a namespace of
// this file's own) labels its parent and members with the same id as lib/objects/applyset.ts, and
// records the same annotations capstan writes.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { APPLYSET_GROUP_KINDS, APPLYSET_ID, APPLYSET_NAMESPACES, APPLYSET_PART_OF, applySetId } from '../../../lib/objects/applyset.ts';
import { kubeBinaries } from '../../../lib/lab/helm-bin.ts';
import { useCluster } from '../../support/cluster.ts';

const run = promisify(execFile);
const c = useCluster({ shared: true });
const NS = `applyset-${process.pid}`;
const dir = mkdtempSync(join(tmpdir(), 'capstan-applyset-'));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  await c().cluster.api.call('DELETE', `/api/v1/namespaces/${NS}`);
});

it('kubectl --applyset computes the same id and writes the same labels and annotations', async () => {
  await c().create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } });
  writeFileSync(join(dir, 'cm.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: probe, namespace: ${NS}}\ndata: {a: b}\n`);
  await run(kubeBinaries(4).kubectl, ['--kubeconfig', c().kubeconfig, 'apply', '-n', NS, '--server-side', '--prune', '--applyset=configmap/capstan-objects', '-f', join(dir, 'cm.yaml')],
    { env: { ...process.env, KUBECTL_APPLYSET: 'true' } });
  const id = applySetId({ name: 'capstan-objects', namespace: NS });
  const parent = await c().get('v1', 'ConfigMap', NS, 'capstan-objects');
  expect(parent.metadata.labels[APPLYSET_ID]).toBe(id);
  expect(parent.metadata.annotations[APPLYSET_GROUP_KINDS]).toBe('ConfigMap');
  expect(parent.metadata.annotations[APPLYSET_NAMESPACES]).toBe('');
  expect((await c().get('v1', 'ConfigMap', NS, 'probe')).metadata.labels[APPLYSET_PART_OF]).toBe(id);
}, 60_000);
