/**
 * KUBECONFIG with several files, merged as kubectl merges them (client-go's loading rules):
 * files that do not exist are skipped; the first file to set `current-context` wins; for each
 * cluster, context and user name, the first file that defines it wins; relative paths inside a
 * file (certificate-authority, client-certificate, client-key, tokenFile, an exec command with a
 * slash) are relative to that file. One file is used as it is; several give one merged document.
 * (client-node's own loader lets the last file's current-context win and refuses duplicate names.)
 */
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, resolve } from 'node:path';
import { parse } from 'yaml';
import { KubeError } from '../errors.ts';

type Named = { name: string; [k: string]: unknown };
export interface KubeconfigDocument {
  apiVersion?: string;
  kind?: string;
  'current-context'?: string;
  clusters?: Named[];
  contexts?: Named[];
  users?: Named[];
  [k: string]: unknown;
}

/** KUBECONFIG's files in order (kubectl splits on the OS path delimiter, ':' here). */
export function kubeconfigPaths(value: string | undefined): string[] {
  return (value ?? '').split(delimiter).filter(Boolean);
}

function absolute(base: string, p: unknown): unknown {
  return typeof p === 'string' && p !== '' && !isAbsolute(p) ? resolve(base, p) : p;
}

/** One file's relative paths made absolute against its folder. */
function resolvePaths(doc: KubeconfigDocument, file: string): KubeconfigDocument {
  const base = dirname(file);
  const fix = (obj: unknown, keys: string[]): void => {
    if (!obj || typeof obj !== 'object') return;
    const o = obj as Record<string, unknown>;
    for (const k of keys) if (k in o) o[k] = absolute(base, o[k]);
  };
  for (const c of doc.clusters ?? []) fix(c['cluster'], ['certificate-authority']);
  for (const u of doc.users ?? []) {
    const user = u['user'] as Record<string, unknown> | undefined;
    fix(user, ['client-certificate', 'client-key', 'tokenFile']);
    const exec = user?.['exec'] as Record<string, unknown> | undefined;
    if (typeof exec?.['command'] === 'string' && exec['command'].includes('/')) fix(exec, ['command']);
  }
  return doc;
}

function read(file: string): KubeconfigDocument {
  try {
    return (parse(readFileSync(file, 'utf8')) as KubeconfigDocument | null) ?? {};
  } catch (err) {
    throw new KubeError(`kubeconfig ${file} is not YAML: ${err instanceof Error ? err.message : String(err)}`);
  }
}

/** The merged document of the files that exist, and which exist. Throws when none does. */
export function mergeKubeconfigs(files: readonly string[]): { doc: KubeconfigDocument; used: string[] } {
  const used = files.filter((f) => existsSync(f));
  if (used.length === 0) {
    throw new KubeError(`none of the KUBECONFIG files exists: ${files.join(', ')}`, undefined, {
      hint: 'set the `kubeconfig` var (or KUBECONFIG), or use `cluster_access: ssh` to reach a k3s server over SSH',
    });
  }
  const out: KubeconfigDocument = { apiVersion: 'v1', kind: 'Config', clusters: [], contexts: [], users: [] };
  for (const file of used) {
    const doc = resolvePaths(read(file), file);
    if (out['current-context'] === undefined && doc['current-context']) out['current-context'] = doc['current-context'];
    for (const list of ['clusters', 'contexts', 'users'] as const) {
      for (const entry of doc[list] ?? []) {
        if (!out[list]!.some((e) => e.name === entry.name)) out[list]!.push(entry);
      }
    }
    if (out['preferences'] === undefined && doc['preferences'] !== undefined) out['preferences'] = doc['preferences'];
  }
  return { doc: out, used };
}
