// KUBECONFIG with several files, merged as kubectl merges them: missing files skipped, the first
// current-context and the first definition of each name win, relative paths resolved against
// their own file; cluster access then uses one private merged kubeconfig (0600), removed on close.
// (test/lib/kube/kubeconfig-kubectl.int.test.ts compares the merge with kubectl's own.)
import { mkdtempSync, readFileSync, rmSync, statSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { openAccess } from '../../../lib/kube/access.ts';
import { mergeKubeconfigs } from '../../../lib/kube/kubeconfig-merge.ts';
import { clusterSettings } from '../../../lib/kube/vars.ts';
import { clearSecretsForTest, mask } from '../../../lib/secrets.ts';
import { writeKubeconfigFiles } from '../../support/kubeconfig-fixture.ts';

const tmp = mkdtempSync(join(tmpdir(), 'capstan-kubeconfig-'));
const files = writeKubeconfigFiles(tmp);
const savedEnv = process.env['KUBECONFIG'];
afterEach(() => { process.env['KUBECONFIG'] = savedEnv; clearSecretsForTest(); });
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('mergeKubeconfigs', () => {
  it('follows kubectl: first current-context, first of each name, missing files skipped, paths per file', () => {
    const { doc, used } = mergeKubeconfigs(files);
    expect(used).toEqual([files[0], files[2]]);
    expect(doc['current-context']).toBe('work');
    expect(doc.clusters!.map((c) => c.name)).toEqual(['work', 'lab']);
    expect(doc.clusters![0]).toEqual({ name: 'work', cluster: { server: 'https://work.invalid:6443', 'certificate-authority': join(tmp, 'a', 'ca.crt') } });
    expect(doc.users!.find((u) => u.name === 'alice')).toEqual({ name: 'alice', user: { 'client-certificate': join(tmp, 'a', 'certs/alice.crt'), 'client-key': join(tmp, 'keys', 'alice.key') } });
    expect(doc.contexts!.map((c) => c.name)).toEqual(['work', 'lab']);
  });

  it('says which files it looked for when none exists', () => {
    expect(() => mergeKubeconfigs([join(tmp, 'x'), join(tmp, 'y')])).toThrow(/none of the KUBECONFIG files exists: .*x, .*y/);
  });
});

describe('cluster access with KUBECONFIG=a:missing:b', () => {
  const noTransport = async () => { throw new Error('no transport in this test'); };
  it('uses one private merged kubeconfig, with the context asked for, and masks its tokens', async () => {
    process.env['KUBECONFIG'] = files.join(':');
    const access = await openAccess(clusterSettings({ kube_context: 'lab' }), { shared: new Map(), transport: noTransport, verbose: () => {} });
    try {
      expect(access.via).toBe(`KUBECONFIG ${files[0]}:${files[2]} (merged as kubectl merges)`);
      expect(access.context).toBe('lab');
      expect(statSync(access.kubeconfigPath).mode & 0o777).toBe(0o600);
      expect(parse(readFileSync(access.kubeconfigPath, 'utf8')).contexts.map((c: { name: string }) => c.name)).toEqual(['work', 'lab']);
      expect(mask('token lab-token-123456')).toBe('token ********');
    } finally {
      await access.close();
    }
    expect(existsSync(access.kubeconfigPath)).toBe(false);
  });

  it('one existing file is used as it is', async () => {
    process.env['KUBECONFIG'] = `${join(tmp, 'nope')}:${files[0]}`;
    const access = await openAccess(clusterSettings({}), { shared: new Map(), transport: noTransport, verbose: () => {} });
    expect(access.kubeconfigPath).toBe(files[0]);
  });
});
