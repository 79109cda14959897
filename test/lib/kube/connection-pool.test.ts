// lib/kube's connection pool: requests (gets, lists, a watch beside them) share TLS connections per
// cluster + user instead of one new handshake per request (client-node 2.0.1 builds a new undici
// Agent per request), and close() ends them. Against an HTTPS API STAND-IN on 127.0.0.1 that
// checks the client certificate and counts TLS connections.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:https';
import type { TLSSocket } from 'node:tls';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { makePki } from '../../../lib/lab/cluster/certs.ts';
import { connectKube, loadKubeConfig } from '../../../lib/kube/client.ts';

let dir: string;
let server: Server;
let kubeconfig: string;
const connections: TLSSocket[] = [];
const users: string[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'capstan-kube-pool-'));
  const pki = await makePki(dir, []);
  server = createServer({
    key: readFileSync(pki.serverKey), cert: readFileSync(pki.serverCert), ca: readFileSync(pki.ca), requestCert: true, rejectUnauthorized: true,
  }, (req, res) => {
    users.push(String((req.socket as TLSSocket).getPeerCertificate().subject?.CN ?? ''));
    const url = new URL(req.url ?? '/', 'https://stand-in');
    res.setHeader('Content-Type', 'application/json');
    if (url.searchParams.get('watch') === 'true') {
      // a watch: one event, then held open until the client goes
      res.write(`${JSON.stringify({ type: 'ADDED', object: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'apps', resourceVersion: '2' } } })}\n`);
      return;
    }
    if (url.pathname === '/api/v1') {
      // discovery, as client-node asks it before its first request for a kind
      res.end(JSON.stringify({ kind: 'APIResourceList', groupVersion: 'v1', resources: [{ name: 'namespaces', namespaced: false, kind: 'Namespace', verbs: ['get', 'list', 'watch'] }] }));
      return;
    }
    if (url.pathname === '/api/v1/namespaces') {
      res.end(JSON.stringify({ kind: 'NamespaceList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [{ metadata: { name: 'apps' } }] }));
      return;
    }
    const name = url.pathname.split('/').pop() ?? '';
    res.end(JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  });
  server.on('secureConnection', (s: TLSSocket) => connections.push(s));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  const user = pki.client('capstan');
  kubeconfig = join(dir, 'kubeconfig');
  writeFileSync(kubeconfig, stringify({
    apiVersion: 'v1', kind: 'Config', 'current-context': 'stand-in',
    clusters: [{ name: 'stand-in', cluster: { server: `https://127.0.0.1:${port}`, 'certificate-authority': pki.ca } }],
    contexts: [{ name: 'stand-in', context: { cluster: 'stand-in', user: 'capstan' } }],
    users: [{ name: 'capstan', user: { 'client-certificate': user.cert, 'client-key': user.key } }],
  }));
}, 60_000);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve));
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const open = () => connections.filter((s) => !s.destroyed).length;

describe('one connection pool per cluster + user', () => {
  it('20 gets one after another share a TLS connection, with the client certificate', async () => {
    const kc = loadKubeConfig(kubeconfig);
    const api = connectKube(kc);
    const before = connections.length;
    for (let i = 0; i < 20; i++) expect((await api.get(ns(`ns-${i}`)))?.metadata.name).toBe(`ns-${i}`);
    // one, rarely two (a request can start before the last one's connection is back in the pool); 21 without the pool
    expect(connections.length - before).toBeLessThanOrEqual(2);
    expect(kc.pools).toBe(1);
    expect(users.slice(-20)).toEqual(Array(20).fill('capstan'));
    await api.close();
  });

  it('concurrent requests open at most one connection each at first (discovery included), then reuse them', async () => {
    const api = connectKube(loadKubeConfig(kubeconfig));
    const before = connections.length;
    // each of the 5 first gets asks discovery for v1 too: at most 10 requests in flight
    await Promise.all(Array.from({ length: 5 }, (_, i) => api.get(ns(`c-${i}`))));
    const opened = connections.length - before;
    expect(opened).toBeGreaterThanOrEqual(1);
    expect(opened).toBeLessThanOrEqual(10);
    for (let round = 0; round < 4; round++) await Promise.all([api.list('v1', 'Namespace'), api.get(ns('a')), api.get(ns('b'))]);
    expect(connections.length - before).toBe(opened);
    await api.close();
  });

  it('a watch runs beside gets on the same pool; close() ends every connection', async () => {
    const api = connectKube(loadKubeConfig(kubeconfig));
    const before = connections.length;
    const ctl = new AbortController();
    const seen: string[] = [];
    const first = new Promise<void>((resolve) => {
      void api.watch('/api/v1/namespaces', {}, (e) => { seen.push(`${e.type} ${e.object.metadata.name}`); resolve(); }, ctl.signal);
    });
    await first;
    for (let i = 0; i < 3; i++) await api.get(ns(`w-${i}`));
    const warm = connections.length - before;
    for (let i = 0; i < 10; i++) expect((await api.get(ns(`w-${i}`)))?.metadata.name).toBe(`w-${i}`);
    expect(seen).toEqual(['ADDED apps']);
    // the watch holds one connection; the gets share the rest (one each without the pool: 14 in all)
    expect(warm).toBeLessThanOrEqual(3);
    expect(connections.length - before).toBe(warm);
    ctl.abort();
    await api.close();
    await expect.poll(() => open(), { timeout: 5_000 }).toBe(0);
  });
});
