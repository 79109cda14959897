// Which kubeconfig openCluster uses (lib/kube/access.ts): the k3s role's, the var, KUBECONFIG,
// ~/.kube/config; the tunnel rewrite of a k3s.yaml. (SSH end to end: test/roles/k3s/cluster-ssh.int.test.ts.)
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { KubeError } from '../lib/errors.ts';
import { openAccess, pointAtTunnel } from '../lib/kube/access.ts';
import { expandHome } from '../lib/paths.ts';
import { clusterSettings } from '../lib/kube/vars.ts';
import { isSecret } from '../lib/secrets.ts';

const dir = mkdtempSync(join(tmpdir(), 'capstan-access-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const file = (name: string) => {
  const p = join(dir, name);
  writeFileSync(p, 'apiVersion: v1\nkind: Config\n');
  return p;
};
const noTransport = () => Promise.reject(new Error('no transport'));
const open = (vars: Record<string, unknown>, shared = new Map<string, unknown>()) =>
  openAccess(clusterSettings(vars), { shared, transport: noTransport, verbose: () => {} });

describe('kubeconfig choice', () => {
  it("prefers the k3s role's kubeconfig from shared state", async () => {
    const a = await open({ kubeconfig: file('var.yaml') }, new Map([['kubeconfig', file('k3s.yaml')]]));
    expect(a.kubeconfigPath).toBe(join(dir, 'k3s.yaml'));
    expect(a.via).toBe('kubeconfig from the k3s role');
  });

  it('writes shared content to a private temporary file (its credentials masked), removed at close', async () => {
    const a = await open({}, new Map([['kubeconfig', { content: 'apiVersion: v1\nusers:\n- name: u\n  user:\n    token: k3s-secret-token-123\n' }]]));
    expect(isSecret('k3s-secret-token-123')).toBe(true);
    const { statSync, existsSync } = await import('node:fs');
    expect(statSync(a.kubeconfigPath).mode & 0o777).toBe(0o600);
    await a.close();
    expect(existsSync(a.kubeconfigPath)).toBe(false);
  });

  it('then the kubeconfig var with its context, then KUBECONFIG, then ~/.kube/config', async () => {
    expect(await open({ kubeconfig: file('var.yaml'), kube_context: 'prod' })).toMatchObject({ kubeconfigPath: join(dir, 'var.yaml'), context: 'prod' });
    vi.stubEnv('KUBECONFIG', `${file('env.yaml')}:/elsewhere`);
    expect((await open({})).kubeconfigPath).toBe(join(dir, 'env.yaml'));
    vi.stubEnv('KUBECONFIG', '');
    vi.stubEnv('HOME', dir); // a home without .kube/config
    const err = await open({}).catch((e: unknown) => e);
    expect(err instanceof KubeError ? err.message : err).toBe(`kubeconfig ${dir}/.kube/config does not exist`);
    vi.unstubAllEnvs();
  });

  it('says what to do when the file is missing', async () => {
    const err = await open({ kubeconfig: join(dir, 'nope.yaml') }).catch((e: unknown) => e) as KubeError;
    expect(err.message).toBe(`kubeconfig ${join(dir, 'nope.yaml')} does not exist`);
    expect(err.hint).toMatch(/cluster_access: ssh/);
  });

  it('expands ~', () => {
    expect(expandHome('~/.kube/config')).toBe(`${homedir()}/.kube/config`);
    expect(expandHome('/etc/x')).toBe('/etc/x');
  });
});

describe('tunnel rewrite', () => {
  const doc = (server: string) => ({
    clusters: [{ name: 'default', cluster: { server, 'certificate-authority-data': 'Q0E=' } as Record<string, unknown> }],
    contexts: [{ name: 'default', context: { cluster: 'default', user: 'default' } }],
    'current-context': 'default',
  });
  it('points the current cluster at the local end of the tunnel', () => {
    const d = pointAtTunnel(doc('https://127.0.0.1:6443'), 'k3s.yaml', 40123);
    expect(d.clusters![0]!.cluster).toEqual({ server: 'https://127.0.0.1:40123', 'certificate-authority-data': 'Q0E=' });
  });
  it('keeps TLS verification against a DNS name, not against an IP', () => {
    expect(pointAtTunnel(doc('https://k3s.lab.example:6443'), 'k3s.yaml', 1).clusters![0]!.cluster['tls-server-name']).toBe('k3s.lab.example');
    expect(pointAtTunnel(doc('https://10.0.0.5:6443'), 'k3s.yaml', 1).clusters![0]!.cluster['tls-server-name']).toBeUndefined();
  });
  it('refuses a kubeconfig without a server', () => {
    expect(() => pointAtTunnel({ clusters: [] }, 'node1:/etc/rancher/k3s/k3s.yaml', 1)).toThrow('node1:/etc/rancher/k3s/k3s.yaml: no cluster server in the kubeconfig');
  });
});
