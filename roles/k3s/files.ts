/**
 * The node files the role owns (config.yaml, registries.yaml, the service env file), through
 * lib/steps' putFile: each written only when its content or mode differs, with a diff for --diff
 * (masked by the reporter: config.yaml holds the token).
 */
import type { TaskContext } from '../../lib/role.ts';
import { sh } from '../../lib/shell.ts';
import { ensureDirectory, putFile } from '../../lib/steps/index.ts';

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

export async function ensureFiles(ctx: TaskContext, files: readonly FileSpec[]): Promise<EnsureFilesResult> {
  const changed: string[] = [];
  const diffs: string[] = [];
  // one check per directory: config.yaml and registries.yaml share /etc/rancher/k3s
  for (const dir of new Set(files.map((f) => f.path.slice(0, f.path.lastIndexOf('/')) || '/'))) {
    await ensureDirectory(ctx, { path: dir, become: true });
  }
  for (const f of files) {
    const r = await putFile(ctx, { path: f.path, content: f.content, mode: f.mode, become: true });
    if (r.status === 'changed') changed.push(f.path);
    if (r.diff) diffs.push(r.diff);
  }
  return { changed, diff: diffs.join('\n') };
}

/** k3s's node commands run as root. */
export const BECOME = { become: true } as const;
