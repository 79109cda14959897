/**
 * The controller's kubeconfig for the cluster: k3s.yaml from the first server with the server
 * address rewritten to api_endpoint and cluster/context/user renamed to cluster_context; written
 * 0600 (atomically, only when it differs) and optionally merged into the user's kubeconfig.
 */
import { statSync } from 'node:fs';
import { expandHome } from '../../lib/paths.ts';
import { isAbsolute, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { readIfExists, writeFileAtomic } from '../../lib/lb/local-files.ts';

interface Named { name: string; [k: string]: unknown }
interface KubeconfigDoc {
  apiVersion?: string;
  kind?: string;
  clusters?: Named[];
  contexts?: Named[];
  users?: Named[];
  'current-context'?: string;
  [k: string]: unknown;
}

function readDoc(text: string, what: string): KubeconfigDoc {
  const doc: unknown = parse(text);
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc)) throw new Error(`${what} is not a kubeconfig (not a YAML mapping)`);
  return doc as KubeconfigDoc;
}

/** k3s.yaml → a kubeconfig with one cluster/context/user named `context`, server `apiUrl`. */
export function rewriteKubeconfig(k3sYaml: string, apiUrl: string, context: string): string {
  const doc = readDoc(k3sYaml, 'k3s.yaml');
  const cluster = doc.clusters?.[0];
  const user = doc.users?.[0];
  if (!cluster || !user) throw new Error('k3s.yaml has no cluster or no user entry');
  const clusterBody = { ...(cluster['cluster'] as Record<string, unknown>), server: apiUrl };
  const out: KubeconfigDoc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: context, cluster: clusterBody }],
    contexts: [{ name: context, context: { cluster: context, user: context } }],
    users: [{ name: context, user: user['user'] }],
    'current-context': context,
  };
  return stringify(out);
}

function replaceNamed(list: Named[] | undefined, entries: Named[] | undefined, remove: string): Named[] {
  return [...(list ?? []).filter((e) => e.name !== remove), ...(entries ?? [])];
}

/** `ours` (one context) merged into `existing`: same-named entries replaced, others kept. */
export function mergeKubeconfig(existing: string, ours: string, context: string): string {
  const base = readDoc(existing, 'the kubeconfig to merge into');
  const add = readDoc(ours, 'the cluster kubeconfig');
  const merged: KubeconfigDoc = {
    ...base,
    apiVersion: base.apiVersion ?? 'v1',
    kind: base.kind ?? 'Config',
    clusters: replaceNamed(base.clusters, add.clusters, context),
    contexts: replaceNamed(base.contexts, add.contexts, context),
    users: replaceNamed(base.users, add.users, context),
    'current-context': base['current-context'] || context,
  };
  return stringify(merged);
}

/** `existing` without the cluster, context and user named `context` (reset). */
export function removeFromKubeconfig(existing: string, context: string): string {
  const base = readDoc(existing, 'the kubeconfig');
  const out: KubeconfigDoc = {
    ...base,
    clusters: replaceNamed(base.clusters, [], context),
    contexts: replaceNamed(base.contexts, [], context),
    users: replaceNamed(base.users, [], context),
  };
  if (out['current-context'] === context) out['current-context'] = '';
  return stringify(out);
}

/** `~/x` and inventory-relative paths to absolute paths on the controller. */
export function controllerPath(path: string, inventoryDir: string): string {
  const expanded = expandHome(path);
  return isAbsolute(expanded) ? expanded : resolve(inventoryDir, expanded);
}

/** A file on the controller, or undefined when it does not exist. */
export const readLocal = readIfExists;

/** Writes `content` with mode 0600 (atomically) unless the file already holds it with that mode. True when written. */
export function writeLocalPrivate(path: string, content: string, check: boolean): boolean {
  const before = readLocal(path);
  if (before === content && (statSync(path).mode & 0o777) === 0o600) return false;
  if (!check) writeFileAtomic(path, content, 0o600);
  return true;
}
