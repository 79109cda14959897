/**
 * Shared pieces of the host steps: the file-state probe (one command returns mode, owner,
 * group and sha256 of a path), ownership/mode comparison, and unified diffs (the `diff` package).
 */
import { createHash } from 'node:crypto';
import type { TaskContext, TaskResult } from '../role.ts';
import { sh, type Cmd } from '../shell.ts';
import { ownerSpec } from '../transport/temp-file.ts';
import { pathProbe, runProbe } from './reads.ts';
import type { Transport } from '../transport/types.ts';

export interface Ownership {
  /** Octal mode, e.g. 0o644. */
  mode?: number;
  owner?: string;
  group?: string;
  /** Use become (sudo) for this step. */
  become?: boolean;
}

export interface PathState {
  kind: 'absent' | 'file' | 'directory' | 'other';
  mode?: number;
  owner?: string;
  group?: string;
  sha256?: string;
}

/** One round trip (none when prefetched): what is at `path` (with the sha256 of a regular file when asked). */
export async function probePath(t: Transport, path: string, o: { checksum?: boolean; become?: boolean } = {}): Promise<PathState> {
  const r = await runProbe(t, pathProbe(path, o), true);
  const [first = '', second] = r.stdout.split('\n');
  if (first === 'absent') return { kind: 'absent' };
  const [type = '', mode = '', owner = '', group = ''] = first.split('|');
  const kind = type === 'regular file' || type === 'regular empty file' ? 'file' : type === 'directory' ? 'directory' : 'other';
  return { kind, mode: parseInt(mode, 8), owner, group, ...(second ? { sha256: second.split(' ')[0]! } : {}) };
}

export function sha256(content: string | Buffer): string {
  return createHash('sha256').update(content).digest('hex');
}

/** What differs in mode/owner/group between what is and what is wanted ('' when nothing). */
export function ownershipChanges(state: PathState, want: Ownership): string[] {
  const changes: string[] = [];
  if (want.mode !== undefined && state.mode !== want.mode) changes.push(`mode ${fmtMode(state.mode)} → ${fmtMode(want.mode)}`);
  if (want.owner !== undefined && state.owner !== want.owner) changes.push(`owner ${state.owner} → ${want.owner}`);
  if (want.group !== undefined && state.group !== want.group) changes.push(`group ${state.group} → ${want.group}`);
  return changes;
}

export function fmtMode(mode: number | undefined): string {
  return mode === undefined ? '-' : `0${mode.toString(8).padStart(3, '0')}`;
}

/** chmod/chown the path as wanted (after the content is right). */
export async function applyOwnership(t: Transport, path: string, want: Ownership): Promise<void> {
  const owner = ownerSpec(want);
  const cmds: Cmd[] = [];
  if (want.mode !== undefined) cmds.push(sh`chmod ${want.mode.toString(8)} -- ${path}`);
  if (owner) cmds.push(sh`chown ${owner} -- ${path}`);
  if (cmds.length === 0) return;
  const joined = cmds.reduce((a, c) => sh`${a} && ${c}`);
  await t.must(joined, want.become === undefined ? {} : { become: want.become });
}

/** The result of a step, with the diff only when --diff asked for it. */
export function result(ctx: Pick<TaskContext, 'check' | 'diff'>, changes: string[], okMsg: string, diff?: () => string): TaskResult {
  if (changes.length === 0) return { status: 'ok', msg: okMsg };
  const msg = `${ctx.check ? 'would change' : 'changed'}: ${changes.join(', ')}`;
  return { status: 'changed', msg, ...(ctx.diff && diff ? { diff: diff() } : {}) };
}
