/**
 * Private chart repositories and OCI registries, as Helm users already have them: credentials
 * from Helm's own files (repositories.yaml, registry/config.json, found where helm looks:
 * HELM_REPOSITORY_CONFIG, HELM_REGISTRY_CONFIG, HELM_CONFIG_HOME, XDG_CONFIG_HOME, ~/.config/helm)
 * or from vault-backed vars (helm_repositories, helm_registries). No password is ever put on a
 * command line (other users could read it in the process list):
 * - a chart repository with credentials is used by name (`<repo>/<chart>`) from a repositories.yaml
 *   that holds them (the user's own, or a private temporary copy with the vars' entries added,
 *   HELM_REPOSITORY_CONFIG), after `helm repo update <repo>`;
 * - registry credentials from vars go into a private copy of the registry config
 *   (HELM_REGISTRY_CONFIG), where helm reads them for oci:// charts; the user's own logins stay.
 * Every other HELM_* variable reaches helm unchanged (docs/helm.md says which capstan overrides).
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { HelmError } from '../errors.ts';
import { registerSecret } from '../secrets.ts';
import { writePrivateTemp, type TempFile } from '../kube/tempfile.ts';
import type { ResolvedChart } from './chart.ts';
import { helmFailure, type HelmExec } from './exec.ts';

type Env = Readonly<Record<string, string | undefined>>;

/** A repositories.yaml entry (Helm's field names). */
export interface RepoEntry {
  name: string;
  url: string;
  username?: string;
  password?: string;
  caFile?: string;
  certFile?: string;
  keyFile?: string;
  insecure_skip_tls_verify?: boolean;
  pass_credentials_all?: boolean;
}

/** helm_repositories / helm_registries entries (vars, usually from vault). */
export interface RepoVar { url: string; username?: string | undefined; password?: string | undefined; ca_file?: string | undefined; cert_file?: string | undefined; key_file?: string | undefined; insecure_skip_tls_verify?: boolean | undefined }
export interface RegistryVar { host: string; username: string; password: string }

/** Where helm keeps its config, as helm computes it (Linux). */
export function helmConfigPaths(env: Env): { repositories: string; registry: string } {
  const home = env['HELM_CONFIG_HOME'] ?? join(env['XDG_CONFIG_HOME'] ?? join(env['HOME'] ?? homedir(), '.config'), 'helm');
  return {
    repositories: env['HELM_REPOSITORY_CONFIG'] ?? join(home, 'repositories.yaml'),
    registry: env['HELM_REGISTRY_CONFIG'] ?? join(home, 'registry', 'config.json'),
  };
}

const sameUrl = (a: string, b: string): boolean => a.replace(/\/+$/, '') === b.replace(/\/+$/, '');
const hasAuth = (e: RepoEntry): boolean => !!(e.username || e.password || e.caFile || e.certFile || e.keyFile || e.insecure_skip_tls_verify);

function readRepositories(path: string): RepoEntry[] {
  if (!existsSync(path)) return [];
  const doc = parse(readFileSync(path, 'utf8')) as { repositories?: RepoEntry[] } | null;
  return (doc?.repositories ?? []).filter((r) => r && typeof r.name === 'string' && typeof r.url === 'string');
}

function fromVar(v: RepoVar, i: number): RepoEntry {
  const e: RepoEntry = { name: `capstan-repo-${i + 1}`, url: v.url };
  if (v.username) e.username = v.username;
  if (v.password) { e.password = v.password; registerSecret(v.password); }
  if (v.ca_file) e.caFile = v.ca_file;
  if (v.cert_file) e.certFile = v.cert_file;
  if (v.key_file) e.keyFile = v.key_file;
  if (v.insecure_skip_tls_verify) e.insecure_skip_tls_verify = true;
  return e;
}

export interface HelmAuth {
  /** Environment for every helm command (HELM_REPOSITORY_CONFIG / HELM_REGISTRY_CONFIG when capstan made copies). */
  readonly env: Readonly<Record<string, string>>;
  /** The chart as helm should be given it: `<repo>/<chart>` when its repository needs credentials. */
  chart(c: ResolvedChart): ResolvedChart;
  /** `helm repo update <repo>` for the repositories chart() named, once each. */
  prepare(exec: HelmExec, signal?: AbortSignal): Promise<void>;
  close(): Promise<void>;
}

/** The credentials of a run: vars first, then Helm's own files. */
export function helmAuth(o: { repositories?: readonly RepoVar[]; registries?: readonly RegistryVar[]; env: Env }): HelmAuth {
  const paths = helmConfigPaths(o.env);
  const own = readRepositories(paths.repositories);
  const fromVars = (o.repositories ?? []).map(fromVar);
  const temps: TempFile[] = [];
  const env: Record<string, string> = {};
  if (fromVars.length) {
    const merged = [...fromVars, ...own.filter((e) => !fromVars.some((v) => v.name === e.name))];
    const tmp = writePrivateTemp('repositories.yaml', stringify({ apiVersion: '', generated: new Date(0).toISOString(), repositories: merged }));
    temps.push(tmp);
    env['HELM_REPOSITORY_CONFIG'] = tmp.path;
  }
  if (o.registries?.length) {
    const doc = existsSync(paths.registry) ? JSON.parse(readFileSync(paths.registry, 'utf8')) as { auths?: Record<string, unknown> } : {};
    const auths = { ...(doc.auths ?? {}) };
    for (const r of o.registries) {
      registerSecret(r.password);
      const auth = Buffer.from(`${r.username}:${r.password}`).toString('base64');
      registerSecret(auth);
      auths[r.host] = { auth };
    }
    const tmp = writePrivateTemp('config.json', JSON.stringify({ ...doc, auths }));
    temps.push(tmp);
    env['HELM_REGISTRY_CONFIG'] = tmp.path;
  }
  const entries = [...fromVars, ...own];
  const toUpdate = new Set<string>();
  const updated = new Map<string, Promise<void>>();
  return {
    env,
    chart(c) {
      const at = c.args.indexOf('--repo');
      if (at !== 1) return c;
      const url = c.args[2]!;
      const entry = entries.find((e) => sameUrl(e.url, url) && hasAuth(e));
      if (!entry) return c;
      toUpdate.add(entry.name);
      return { ...c, args: [`${entry.name}/${c.args[0]}`, ...c.args.slice(3)], from: `${c.from} (repository ${entry.name})` };
    },
    async prepare(exec, signal) {
      await Promise.all([...toUpdate].map((name) => {
        let p = updated.get(name);
        if (!p) {
          p = exec.run(['repo', 'update', name], signal).then((r) => {
            if (r.code !== 0) throw helmFailure(`helm repo update ${name}`, r, exec.where);
          });
          p.catch(() => updated.delete(name));
          updated.set(name, p);
        }
        return p;
      }));
    },
    async close() {
      await Promise.all(temps.map((t) => t.remove()));
    },
  };
}

/** The vars' credentials are for helm on the controller; helm on the node has its own files. */
export function refuseOnNode(o: { repositories?: readonly unknown[]; registries?: readonly unknown[] }): void {
  if (o.repositories?.length || o.registries?.length) {
    throw new HelmError('helm_repositories and helm_registries are for helm on the controller; with helm_on_node, log in on the node (helm repo add / helm registry login there)');
  }
}
