/**
 * The k3s STAND-IN (capstan tests; k3s cannot run here: no container runtime). Serves the stand-in
 * install script and `k3s` wrapper over HTTP (URL mode), or writes the same files into an airgap
 * dir (air-gapped mode). Every HTTP request is recorded, so a test can assert that an air-gapped
 * run made none. The cluster its nodes join is the real control plane (lib/lab/cluster; see
 * ./lab-cluster.ts, which fills in the options below): kwok manages the Nodes it registers.
 *
 *   const standin = await startK3sStandin({ listenHost: lab.gatewayIp, kubeconfig: standinKubeconfigPath,
 *     k3sYaml: capstanKubeconfigOn6443, apiRelay: '10.7.0.1:41234' });
 *   inventory var k3s_install_script_url = standin.installUrl
 *   standin.writeAirgapDir(dir, 'v1.31.4+k3s1')
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StandinConf } from './paths.ts';
import { installScript, k3sWrapper, type ScriptEnv } from './scripts.ts';

export { STANDIN_STATE_DIR } from './paths.ts';

export interface K3sStandinOptions {
  /** Address the HTTP server listens on: the lab's gateway IP (what lab hosts can reach). */
  listenHost: string;
  /** Kubeconfig (path) the stand-in uses itself: registering Nodes, its bootstrap record. */
  kubeconfig: string;
  /** Kubeconfig (path) servers write as /etc/rancher/k3s/k3s.yaml (default: `kubeconfig`'s file). */
  k3sYaml?: string;
  /** host:port servers relay their 127.0.0.1:6443 to (as k3s serves its API there). */
  apiRelay?: string;
  /** Each Node's ExternalIP, where the API server reaches its kubelet (kwok's kubelet server). */
  kubeletAddress?: string;
  /** Ports every node answers HTTP on ("k3s stand-in on <node>"), e.g. the gateway NodePorts. */
  nodePorts?: number[];
  /** Node name → InternalIP recorded on the Node objects. */
  nodeIps?: Record<string, string>;
}

export interface StandinRequest {
  method: string;
  url: string;
  from: string;
}

export interface K3sStandin {
  /** What to set as k3s_install_script_url. */
  readonly installUrl: string;
  readonly baseUrl: string;
  /** Every HTTP request the stand-in's server answered, in order. */
  readonly requests: readonly StandinRequest[];
  /** Fill `dir` with what an air-gapped install needs: k3s, install.sh, k3s-airgap-images-amd64.tar.zst. */
  writeAirgapDir(dir: string, version: string): void;
  close(): Promise<void>;
}

export async function startK3sStandin(options: K3sStandinOptions): Promise<K3sStandin> {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-k3s-standin-'));
  const confPath = join(dir, 'standin.json');
  const conf: StandinConf = {
    kubeconfig: options.kubeconfig, nodePorts: options.nodePorts ?? [], nodeIps: options.nodeIps ?? {},
    ...(options.k3sYaml ? { k3sYaml: options.k3sYaml } : {}), ...(options.apiRelay ? { apiRelay: options.apiRelay } : {}),
    ...(options.kubeletAddress ? { kubeletAddress: options.kubeletAddress } : {}),
  };
  writeFileSync(confPath, JSON.stringify(conf, null, 2));
  const requests: StandinRequest[] = [];
  let env: ScriptEnv = { baseUrl: '', confPath };
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? '', url: req.url ?? '', from: req.socket.remoteAddress ?? '' });
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const release = /^\/releases\/([^/]+)\/k3s$/.exec(path);
    if (path === '/install.sh') return send(res, installScript(env));
    if (release) return send(res, k3sWrapper(release[1]!, env));
    res.writeHead(404).end(`k3s stand-in: no ${path}\n`);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, options.listenHost, () => resolve());
  });
  const address = server.address();
  if (!address || typeof address === 'string') throw new Error('k3s stand-in: no listen address');
  const baseUrl = `http://${options.listenHost}:${address.port}`;
  env = { baseUrl, confPath };
  return {
    installUrl: `${baseUrl}/install.sh`,
    baseUrl,
    requests,
    writeAirgapDir(target, version) {
      mkdirSync(target, { recursive: true });
      writeFileSync(join(target, 'k3s'), k3sWrapper(version, env), { mode: 0o755 });
      writeFileSync(join(target, 'install.sh'), installScript(env), { mode: 0o755 });
      writeFileSync(join(target, 'k3s-airgap-images-amd64.tar.zst'), `k3s stand-in images for ${version}\n`);
    },
    async close() {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

function send(res: import('node:http').ServerResponse, body: string): void {
  res.writeHead(200, { 'content-type': 'text/x-shellscript' }).end(body);
}
