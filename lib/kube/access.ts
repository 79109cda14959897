/**
 * Cluster access: which kubeconfig helm and the client use. In order: a kubeconfig the k3s role
 * put in shared state, else by `cluster_access`: `kubeconfig` (the `kubeconfig` var, else every
 * file of $KUBECONFIG merged as kubectl merges them, else ~/.kube/config) or `ssh` (the server's
 * k3s.yaml fetched over SFTP, its API port tunnelled through the SSH connection, and a private
 * temporary kubeconfig pointing at the tunnel).
 */
import { existsSync } from 'node:fs';
import { isIP } from 'node:net';
import { homedir } from 'node:os';
import { expandHome } from '../paths.ts';
import { parse, stringify } from 'yaml';
import { ConnectionError, KubeError } from '../errors.ts';
import { registerSecret } from '../secrets.ts';
import type { Transport } from '../transport/types.ts';
import { kubeconfigPaths, mergeKubeconfigs } from './kubeconfig-merge.ts';
import { writePrivateTemp } from './tempfile.ts';
import type { ClusterSettings } from './vars.ts';

export interface Access {
  /** The kubeconfig file helm and client-node use. */
  readonly kubeconfigPath: string;
  readonly context: string | undefined;
  /** How it was reached, for -v output. */
  readonly via: string;
  close(): Promise<void>;
}

export interface AccessOptions {
  shared: Map<string, unknown>;
  transport: () => Promise<Transport>;
  verbose: (m: string) => void;
}

function fileAccess(path: string, context: string | undefined, via: string): Access {
  if (!existsSync(path)) {
    throw new KubeError(`kubeconfig ${path} does not exist`, undefined, {
      hint: 'set the `kubeconfig` var (or KUBECONFIG), or use `cluster_access: ssh` to reach a k3s server over SSH',
    });
  }
  return { kubeconfigPath: path, context, via, close: async () => {} };
}

/** The kubeconfig shared by the k3s role: a path, or { path } / { content }. */
function sharedAccess(value: unknown): Access | undefined {
  if (typeof value === 'string') return fileAccess(expandHome(value), undefined, 'kubeconfig from the k3s role');
  const v = value as { path?: unknown; content?: unknown } | undefined;
  if (typeof v?.path === 'string') return fileAccess(expandHome(v.path), undefined, 'kubeconfig from the k3s role');
  if (typeof v?.content === 'string') {
    registerUserSecrets(parse(v.content) as KubeconfigDoc);
    const tmp = writePrivateTemp('kubeconfig', v.content);
    return { kubeconfigPath: tmp.path, context: undefined, via: 'kubeconfig from the k3s role', close: () => tmp.remove() };
  }
  return undefined;
}

export async function openAccess(s: ClusterSettings, o: AccessOptions): Promise<Access> {
  const shared = o.shared.get('kubeconfig');
  if (shared !== undefined) {
    const a = sharedAccess(shared);
    if (a) return a;
  }
  if (s.cluster_access === 'ssh') return sshAccess(s.k3s_remote_kubeconfig, await o.transport(), o.verbose);
  if (s.kubeconfig) {
    const path = expandHome(s.kubeconfig);
    return fileAccess(path, s.kube_context, `kubeconfig ${path}`);
  }
  const files = kubeconfigPaths(process.env['KUBECONFIG']);
  if (files.length <= 1) {
    const path = files[0] ?? `${homedir()}/.kube/config`;
    return fileAccess(path, s.kube_context, `kubeconfig ${path}`);
  }
  return mergedAccess(files, s.kube_context);
}

/** KUBECONFIG with several files: merged as kubectl does, into a private temporary kubeconfig. */
function mergedAccess(files: readonly string[], context: string | undefined): Access {
  const { doc, used } = mergeKubeconfigs(files);
  if (used.length === 1) return fileAccess(used[0]!, context, `kubeconfig ${used[0]}`);
  registerUserSecrets(doc as KubeconfigDoc);
  const tmp = writePrivateTemp('kubeconfig', stringify(doc));
  return { kubeconfigPath: tmp.path, context, via: `KUBECONFIG ${used.join(':')} (merged as kubectl merges)`, close: () => tmp.remove() };
}

interface KubeconfigDoc {
  clusters?: { name: string; cluster: Record<string, unknown> & { server?: string } }[];
  contexts?: { name: string; context: { cluster: string; user: string } }[];
  users?: { name: string; user: Record<string, unknown> }[];
  'current-context'?: string;
}

/** Client keys, certificates and tokens are masked wherever they might be printed. */
function registerUserSecrets(doc: KubeconfigDoc | null): void {
  for (const u of doc?.users ?? []) for (const v of Object.values(u.user ?? {})) if (typeof v === 'string') registerSecret(v);
}

/** The current context's cluster entry of a kubeconfig document. */
export function currentCluster(doc: KubeconfigDoc, where: string): { cluster: Record<string, unknown>; server: URL } {
  const ctx = doc.contexts?.find((c) => c.name === doc['current-context']) ?? doc.contexts?.[0];
  const entry = doc.clusters?.find((c) => c.name === ctx?.context.cluster) ?? doc.clusters?.[0];
  if (!entry?.cluster.server) throw new KubeError(`${where}: no cluster server in the kubeconfig`);
  return { cluster: entry.cluster, server: new URL(entry.cluster.server) };
}

/** Rewrites a kubeconfig so its current cluster is reached at 127.0.0.1:port (keeping TLS names). */
export function pointAtTunnel(doc: KubeconfigDoc, where: string, localPort: number): KubeconfigDoc {
  const { cluster, server } = currentCluster(doc, where);
  const host = server.hostname.replace(/^\[|\]$/g, '');
  // A DNS name must still verify against the certificate; an IP needs nothing, since k3s's
  // serving certificate always lists 127.0.0.1 (and an IP is not a valid TLS server name).
  if (!isIP(host) && host !== 'localhost' && cluster['tls-server-name'] === undefined) cluster['tls-server-name'] = host;
  cluster.server = `https://127.0.0.1:${localPort}`;
  return doc;
}

async function sshAccess(remotePath: string, t: Transport, verbose: (m: string) => void): Promise<Access> {
  const where = `${t.host}:${remotePath}`;
  if (!t.forward) throw new ConnectionError(t.host, 'cluster_access: ssh needs an SSH connection to the server (this host is local)');
  const raw = await t.get(remotePath, { become: true });
  if (!raw) throw new KubeError(`${where} does not exist`, undefined, { hint: 'is k3s installed on this server? run the k3s role first' });
  const text = raw.toString('utf8');
  const doc = parse(text) as KubeconfigDoc;
  registerUserSecrets(doc);
  const { server } = currentCluster(doc, where);
  const port = Number(server.port || 443);
  const tunnel = await t.forward(server.hostname.replace(/^\[|\]$/g, ''), port);
  verbose(`tunnel 127.0.0.1:${tunnel.port} -> ${t.host} -> ${server.host}`);
  const tmp = writePrivateTemp('kubeconfig', stringify(pointAtTunnel(doc, where, tunnel.port)));
  return {
    kubeconfigPath: tmp.path,
    context: undefined,
    via: `SSH tunnel to ${t.host} (${server.host})`,
    async close() {
      await tunnel.close();
      await tmp.remove();
    },
  };
}
