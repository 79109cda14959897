/**
 * The k3s STAND-IN program (capstan tests; NOT k3s). Installed into a lab host's /usr/local/bin
 * as `k3s` (a wrapper that runs this file). k3s cannot run on the test machine (no container
 * runtime); this does what the role can observe of k3s:
 *   k3s --version                 prints the stand-in's pinned version
 *   k3s server|agent [flags]      records its arguments, config and env; checks the token against
 *                                 the cluster's bootstrap record (refusing like k3s does); writes
 *                                 the token files and k3s.yaml (a server also relays 127.0.0.1:6443
 *                                 to the API server, as k3s serves its API there); registers its
 *                                 Node (kwok makes it Ready on the real control plane); answers
 *                                 HTTP on the configured NodePorts; runs until SIGTERM (the
 *                                 systemctl stand-in starts it)
 *   k3s standin-forget            deletes this node from the cluster (the uninstall script)
 * Env: K3S_STANDIN_VERSION, K3S_STANDIN_CONF (JSON: StandinConf in ./paths.ts).
 */
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { connect, createServer as createNetServer } from 'node:net';
import { hostname } from 'node:os';
import { parse } from 'yaml';
import { kubeAccessFrom, kubeCall, kubeRequest, type KubeAccess } from './kube-lite.ts';
import { K3S_API_PORT, STANDIN_STATE_DIR, type StandinConf } from './paths.ts';

const VERSION = process.env['K3S_STANDIN_VERSION'] ?? 'v0.0.0+k3s0';
const BOOTSTRAP = '/api/v1/namespaces/kube-system/secrets/k3s-standin-bootstrap';

function fatal(message: string): never {
  process.stderr.write(`level=fatal msg="${message}"\n`);
  process.exit(1);
}

function readConf(): StandinConf {
  const path = process.env['K3S_STANDIN_CONF'];
  if (!path) fatal('k3s stand-in: K3S_STANDIN_CONF is not set');
  return JSON.parse(readFileSync(path, 'utf8')) as StandinConf;
}

/** config.yaml merged with command-line flags (`--x=y`, `--x y`, `--flag`), CLI last. */
export function effectiveFlags(args: readonly string[], env: NodeJS.ProcessEnv): { flags: Record<string, unknown>; configFile: string } {
  const cli: Record<string, unknown> = {};
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) continue;
    const [name, value] = a.replace(/^--?/, '').split(/=(.*)/s, 2) as [string, string | undefined];
    if (value !== undefined) cli[name] = value;
    else if (args[i + 1] !== undefined && !args[i + 1]!.startsWith('-')) cli[name] = args[++i];
    else cli[name] = true;
  }
  const configFile = String(cli['config'] ?? cli['c'] ?? env['K3S_CONFIG_FILE'] ?? '/etc/rancher/k3s/config.yaml');
  const fromFile = existsSync(configFile) ? (parse(readFileSync(configFile, 'utf8')) as Record<string, unknown> ?? {}) : {};
  const flags: Record<string, unknown> = { ...fromFile, ...cli };
  if (env['K3S_TOKEN'] && flags['token'] === undefined) flags['token'] = env['K3S_TOKEN'];
  if (env['K3S_URL'] && flags['server'] === undefined) flags['server'] = env['K3S_URL'];
  if (env['K3S_NODE_NAME'] && flags['node-name'] === undefined) flags['node-name'] = env['K3S_NODE_NAME'];
  return { flags, configFile };
}

/** k3s's full token form: K10<ca hash>::server:<password>; a short token is the password itself. */
export function tokenPassword(token: string): string {
  const m = /^K10[0-9a-f]+::[^:]+:(.+)$/.exec(token);
  return m ? m[1]! : token;
}

function sha256(s: string): string {
  return createHash('sha256').update(s).digest('hex');
}

function writePrivate(path: string, content: string): void {
  mkdirSync(path.slice(0, path.lastIndexOf('/')), { recursive: true });
  writeFileSync(path, content, { mode: 0o600 });
}

interface Bootstrap { tokenHash: string; caHash: string }

async function readBootstrap(api: KubeAccess): Promise<Bootstrap | undefined> {
  const r = await kubeRequest(api, 'GET', BOOTSTRAP);
  if (r.status === 404) return undefined;
  if (r.status !== 200) fatal(`reading bootstrap data: HTTP ${r.status}`);
  const data = r.body.data as Record<string, string>;
  return { tokenHash: Buffer.from(data['tokenHash']!, 'base64').toString(), caHash: Buffer.from(data['caHash']!, 'base64').toString() };
}

/** The server side of k3s's token check: the datastore's bootstrap data is keyed by the token. */
async function bootstrapServer(api: KubeAccess, flags: Record<string, unknown>): Promise<{ password: string; caHash: string }> {
  const tokenFile = '/var/lib/rancher/k3s/server/token';
  const local = existsSync(tokenFile) ? tokenPassword(readFileSync(tokenFile, 'utf8').trim()) : undefined;
  const given = typeof flags['token'] === 'string' ? tokenPassword(flags['token']) : undefined;
  const joining = typeof flags['server'] === 'string';
  const password = given ?? local ?? (joining ? fatal('--token is required to join a server') : randomBytes(16).toString('hex'));
  const existing = await readBootstrap(api);
  if ((local !== undefined && local !== password) || (existing && existing.tokenHash !== sha256(password))) {
    fatal('starting kubernetes: preparing server: bootstrap data already found and encrypted with different token');
  }
  if (joining && !existing) fatal(`failed to get CA certs from ${String(flags['server'])}: no cluster answers there`);
  if (existing) return { password, caHash: existing.caHash };
  const caHash = sha256(randomBytes(16).toString('hex'));
  const enc = (s: string) => Buffer.from(s).toString('base64');
  await kubeCall(api, 'POST', '/api/v1/namespaces/kube-system/secrets', {
    apiVersion: 'v1', kind: 'Secret',
    metadata: { name: 'k3s-standin-bootstrap', namespace: 'kube-system', labels: { 'capstan.dev/k3s-standin': 'true' } },
    data: { tokenHash: enc(sha256(password)), caHash: enc(caHash) },
  }, [201]);
  return { password, caHash };
}

async function checkAgentToken(api: KubeAccess, flags: Record<string, unknown>): Promise<void> {
  const server = String(flags['server'] ?? fatal('--server is required for an agent'));
  const token = typeof flags['token'] === 'string' ? flags['token'] : fatal('--token is required for an agent');
  const existing = await readBootstrap(api);
  if (!existing || existing.tokenHash !== sha256(tokenPassword(token))) {
    fatal(`Failed to validate connection to cluster at ${server}: failed to get CA certs: 401 Unauthorized`);
  }
}

/** The labels a k3s node's kubelet sets (charts' nodeSelectors need kubernetes.io/os). */
function nodeLabels(name: string, kind: 'server' | 'agent'): Record<string, string> {
  const labels: Record<string, string> = {
    'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', 'kubernetes.io/arch': 'amd64',
    'beta.kubernetes.io/os': 'linux', 'beta.kubernetes.io/arch': 'amd64', 'node.kubernetes.io/instance-type': 'k3s',
  };
  if (kind === 'server') Object.assign(labels, { 'node-role.kubernetes.io/control-plane': 'true', 'node-role.kubernetes.io/master': 'true' });
  return labels;
}

/**
 * The Node as a kubelet registers it, for kwok to manage (the annotation its node selector
 * matches): kwok sets the conditions, renews its Lease and runs pods scheduled to it; the
 * stand-in only says who it is (nodeInfo with its version, its lab address).
 */
function nodeObject(name: string, kind: 'server' | 'agent', conf: StandinConf): any {
  const annotations: Record<string, string> = { 'capstan.dev/k3s-standin': 'this node is a k3s stand-in' };
  Object.assign(annotations, { 'kwok.x-k8s.io/node': 'fake', 'node.alpha.kubernetes.io/ttl': '0' });
  const resources = { cpu: '8', memory: '32Gi', pods: '110' };
  return {
    apiVersion: 'v1', kind: 'Node',
    metadata: { name, labels: nodeLabels(name, kind), annotations },
    spec: {},
    status: {
      capacity: resources, allocatable: resources,
      nodeInfo: { kubeletVersion: VERSION, kubeProxyVersion: VERSION, containerRuntimeVersion: 'k3s-standin://0', osImage: 'capstan lab host', operatingSystem: 'linux', architecture: 'amd64', kernelVersion: '', machineID: '', systemUUID: '', bootID: '' },
      addresses: [
        ...(conf.nodeIps?.[name] ? [{ type: 'InternalIP', address: conf.nodeIps[name]! }] : []),
        ...(conf.kubeletAddress ? [{ type: 'ExternalIP', address: conf.kubeletAddress }] : []),
        { type: 'Hostname', address: name },
      ],
    },
  };
}

async function registerNode(api: KubeAccess, name: string, kind: 'server' | 'agent', conf: StandinConf): Promise<void> {
  const node = nodeObject(name, kind, conf);
  const created = await kubeCall(api, 'POST', '/api/v1/nodes', node, [201, 409]);
  const path = `/api/v1/nodes/${encodeURIComponent(name)}`;
  if (created.status === 409) await kubeCall(api, 'PATCH', path, { metadata: node.metadata }, [200], 'application/merge-patch+json');
  await kubeCall(api, 'PATCH', `${path}/status`, { status: node.status }, [200], 'application/merge-patch+json');
}

/** k3s serves its API on 6443; the stand-in relays 127.0.0.1:6443 to the cluster's API server. */
function relayApi(target: string): Promise<void> {
  const at = target.lastIndexOf(':');
  const [host, port] = [target.slice(0, at).replace(/^\[|\]$/g, ''), Number(target.slice(at + 1))];
  // no Nagle (as lib/lab/cluster/forward.ts): small writes held back stall each request on a delayed ACK
  const server = createNetServer({ noDelay: true }, (client) => {
    const upstream = connect({ port, host, noDelay: true });
    client.pipe(upstream).pipe(client);
    const end = () => { client.destroy(); upstream.destroy(); };
    client.on('error', end);
    upstream.on('error', end);
  });
  return new Promise((resolve, reject) => {
    server.once('error', (e) => reject(new Error(`listen tcp 127.0.0.1:${K3S_API_PORT}: ${e.message}`)));
    server.listen(K3S_API_PORT, '127.0.0.1', () => resolve());
  });
}

function serveNodePorts(ports: readonly number[], name: string): void {
  for (const port of ports) {
    const server = createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain', 'x-k3s-standin': name });
      res.end(`k3s stand-in on ${name}: ${req.method} ${req.url} (port ${port})\n`);
    });
    server.on('error', (e) => process.stderr.write(`k3s stand-in: cannot listen on ${port}: ${e.message}\n`));
    server.listen(port, '0.0.0.0');
  }
}

async function run(kind: 'server' | 'agent', args: string[]): Promise<void> {
  const conf = readConf();
  const { flags, configFile } = effectiveFlags(args, process.env);
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => /^(K3S_|HTTP_PROXY|HTTPS_PROXY|NO_PROXY)/.test(k)));
  mkdirSync(STANDIN_STATE_DIR, { recursive: true });
  appendFileSync(`${STANDIN_STATE_DIR}/invocations.jsonl`, `${JSON.stringify({ kind, version: VERSION, args, configFile, flags, env, time: new Date().toISOString() })}\n`, { mode: 0o600 });
  const api = kubeAccessFrom(readFileSync(conf.kubeconfig, 'utf8'));
  const name = String(flags['node-name'] ?? hostname());
  if (kind === 'server') {
    const { password, caHash } = await bootstrapServer(api, flags);
    const full = `K10${caHash}::server:${password}\n`;
    for (const f of ['token', 'node-token', 'agent-token']) writePrivate(`/var/lib/rancher/k3s/server/${f}`, full);
    if (conf.apiRelay) await relayApi(conf.apiRelay);
    writePrivate('/etc/rancher/k3s/k3s.yaml', readFileSync(conf.k3sYaml ?? conf.kubeconfig, 'utf8'));
  } else {
    await checkAgentToken(api, flags);
  }
  await registerNode(api, name, kind, conf);
  serveNodePorts(conf.nodePorts ?? [], name);
  writeFileSync(`${STANDIN_STATE_DIR}/${kind === 'server' ? 'k3s' : 'k3s-agent'}.ready`, `${process.pid}\n`);
  process.stdout.write(`k3s stand-in ${VERSION} ${kind} ${name} running\n`);
  process.on('SIGTERM', () => process.exit(0));
  setInterval(() => undefined, 2 ** 31 - 1); // a service runs until stopped, also with no NodePorts to serve
}

async function forget(): Promise<void> {
  const conf = readConf();
  const api = kubeAccessFrom(readFileSync(conf.kubeconfig, 'utf8'));
  const calls = readFileSync(`${STANDIN_STATE_DIR}/invocations.jsonl`, 'utf8').trim().split('\n');
  const last = JSON.parse(calls.at(-1)!) as { flags: Record<string, unknown> };
  const name = String(last.flags['node-name'] ?? hostname());
  await kubeCall(api, 'DELETE', `/api/v1/nodes/${encodeURIComponent(name)}`, undefined, [200, 202, 404]);
  const nodes = await kubeCall(api, 'GET', '/api/v1/nodes?labelSelector=node-role.kubernetes.io%2Fcontrol-plane%3Dtrue');
  if ((nodes.body.items as unknown[]).length === 0) await kubeCall(api, 'DELETE', BOOTSTRAP, undefined, [200, 202, 404]);
}

const [command, ...rest] = process.argv.slice(2);
if (!import.meta.main) {
  // imported by a test for its helpers
} else if (command === '--version' || command === '-v' || command === 'version') {
  process.stdout.write(`k3s version ${VERSION} (k3s-standin)\ngo version go1.23 (capstan k3s stand-in, not k3s)\n`);
} else if (command === 'server' || command === 'agent') {
  run(command, rest).catch((e: Error) => fatal(e.message));
} else if (command === 'standin-forget') {
  forget().catch((e: Error) => fatal(e.message));
} else {
  fatal(`k3s stand-in: unsupported command ${String(command)} (supported: --version, server, agent)`);
}
