/**
 * The node files the role owns (config.yaml, registries.yaml, the service env file), through
 * lib/steps' putFile: each written only when its content or mode differs, with a diff for --diff
 * (masked by the reporter: config.yaml holds the token).
 */
import type { TaskContext } from '../../lib/role.ts';
import { ensureDirectory, putFile, reads, type CmdRead } from '../../lib/steps/index.ts';
import { CONFIG_PATH, envFilePath, nodeConfig, REGISTRIES_PATH, renderEnvFile, renderYaml, yamlMapping } from './config.ts';
import type { NodeSetup } from './setup.ts';

export interface FileSpec {
  readonly path: string;
  readonly content: string | Buffer;
  readonly mode: number;
}

export interface EnsureFilesResult {
  /** Paths written (or that would be, in check mode). */
  changed: string[];
  diff: string;
}

/** The files the node gets, with the cluster token. */
export function nodeFiles(s: NodeSetup, token: string): { files: FileSpec[]; envFile: FileSpec } {
  const server = s.kind !== 'agent';
  const config = nodeConfig({
    kind: s.kind, topology: s.topology, token, nodeName: s.nodeName, tlsSan: s.vars.tls_san,
    disable: s.disable,
    extra: yamlMapping(server ? s.vars.server_config_yaml : s.vars.agent_config_yaml),
  });
  const files: FileSpec[] = [{ path: CONFIG_PATH, content: renderYaml(config), mode: 0o600 }];
  if (s.vars.registries_config_yaml !== undefined) {
    files.push({ path: REGISTRIES_PATH, content: renderYaml(yamlMapping(s.vars.registries_config_yaml)), mode: 0o600 });
  }
  return { files, envFile: { path: envFilePath(s.vars.systemd_dir, s.kind), content: renderEnvFile(s.vars.extra_service_envs), mode: 0o600 } };
}

/** One check per directory: config.yaml and registries.yaml share /etc/rancher/k3s. */
const dirsOf = (files: readonly { path: string }[]) => [...new Set(files.map((f) => f.path.slice(0, f.path.lastIndexOf('/')) || '/'))];

/** What ensureFiles reads before it decides (for one prefetch); paths only, so no token needed. */
export function fileReads(files: readonly { path: string }[]): CmdRead[] {
  return [
    ...dirsOf(files).flatMap((path) => reads.ensureDirectory({ path, become: true })),
    ...files.flatMap((f) => reads.putFile({ path: f.path, become: true })),
  ];
}

export async function ensureFiles(ctx: TaskContext, files: readonly FileSpec[]): Promise<EnsureFilesResult> {
  const changed: string[] = [];
  const diffs: string[] = [];
  for (const dir of dirsOf(files)) await ensureDirectory(ctx, { path: dir, become: true });
  for (const f of files) {
    const r = await putFile(ctx, { path: f.path, content: f.content, mode: f.mode, become: true });
    if (r.status === 'changed') changed.push(f.path);
    if (r.diff) diffs.push(r.diff);
  }
  return { changed, diff: diffs.join('\n') };
}

/** k3s's node commands run as root. */
export const BECOME = { become: true } as const;
