// capstan's ApplySet is the one kubectl computes: `kubectl apply --prune --applyset=configmap/...`
// (real kubectl 1.33, against the Kubernetes API simulator) labels its parent and members with the
// same id as lib/objects/applyset.ts, and records the same annotations capstan writes.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, expect, it } from 'vitest';
import { APPLYSET_GROUP_KINDS, APPLYSET_ID, APPLYSET_NAMESPACES, APPLYSET_PART_OF, applySetId } from '../../../lib/objects/applyset.ts';
import { kubeBinaries } from '../../../lib/lab/helm-bin.ts';
import { startSimulator } from '../../../lib/lab/kube-sim/index.ts';

const run = promisify(execFile);
const dir = mkdtempSync(join(tmpdir(), 'capstan-applyset-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

it('kubectl --applyset computes the same id and writes the same labels and annotations', async () => {
  const sim = await startSimulator();
  try {
    const kc = join(dir, 'kubeconfig');
    await sim.writeKubeconfig(kc);
    writeFileSync(join(dir, 'cm.yaml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: probe, namespace: kube-system}\ndata: {a: b}\n');
    // execFile, not execFileSync: the simulator answers from this process's event loop.
    await run(kubeBinaries(4).kubectl, ['--kubeconfig', kc, 'apply', '-n', 'kube-system', '--server-side', '--prune', '--applyset=configmap/capstan-objects', '-f', join(dir, 'cm.yaml')],
      { env: { ...process.env, KUBECTL_APPLYSET: 'true' } });
    const id = applySetId({ name: 'capstan-objects', namespace: 'kube-system' });
    const parent = sim.store.get('v1', 'ConfigMap', 'kube-system', 'capstan-objects');
    expect(parent.metadata.labels[APPLYSET_ID]).toBe(id);
    expect(parent.metadata.annotations[APPLYSET_GROUP_KINDS]).toBe('ConfigMap');
    expect(parent.metadata.annotations[APPLYSET_NAMESPACES]).toBe('');
    expect(sim.store.get('v1', 'ConfigMap', 'kube-system', 'probe').metadata.labels[APPLYSET_PART_OF]).toBe(id);
  } finally {
    await sim.close();
  }
}, 60_000);
