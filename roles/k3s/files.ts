/**
 * The node files the role owns (config.yaml, registries.yaml, the service env file): each put
 * only when its content or mode differs, with a unified diff for --diff (masked by the reporter).
 */
import { createTwoFilesPatch } from 'diff';
import { CommandError } from '../../lib/errors.ts';
import { sh, type Cmd } from '../../lib/shell.ts';
import type { Transport } from '../../lib/transport/types.ts';

export interface FileSpec {
  readonly path: string;
  readonly content: string;
  readonly mode: number;
}

export interface EnsureFilesResult {
  /** Paths written (or that would be, in check mode). */
  changed: string[];
  diff: string;
}

async function modeOf(t: Transport, path: string): Promise<number | undefined> {
  const r = await t.run(sh`stat -c %a ${path}`, { become: true });
  return r.code === 0 ? parseInt(r.stdout.trim(), 8) : undefined;
}

export async function ensureFiles(t: Transport, files: readonly FileSpec[], check: boolean): Promise<EnsureFilesResult> {
  const changed: string[] = [];
  const diffs: string[] = [];
  for (const f of files) {
    const before = (await t.get(f.path, { become: true }))?.toString('utf8');
    const sameContent = before === f.content;
    if (sameContent && (await modeOf(t, f.path)) === f.mode) continue;
    changed.push(f.path);
    if (!sameContent) diffs.push(createTwoFilesPatch(f.path, f.path, before ?? '', f.content, before === undefined ? '(absent)' : 'before', 'after'));
    if (!check) {
      const dir = f.path.slice(0, f.path.lastIndexOf('/')) || '/';
      await t.run(sh`mkdir -p ${dir}`, { become: true });
      await t.put(f.path, f.content, { mode: f.mode, become: true });
    }
  }
  return { changed, diff: diffs.join('') };
}

/** Run with become; a non-zero exit is a CommandError (with an optional hint). Returns stdout. */
export async function mustRun(t: Transport, cmd: Cmd, hint?: string): Promise<string> {
  const r = await t.run(cmd, { become: true });
  if (r.code !== 0) throw new CommandError(t.host, cmd.text, r.code, r.stderr || r.stdout, hint === undefined ? undefined : { hint });
  return r.stdout;
}
