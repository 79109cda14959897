/**
 * File steps: put a file (content or a rendered template), ensure a directory, ensure a line.
 * Each reads first (one round trip on a no-op), writes only what differs, and in check mode
 * writes nothing. Files are written atomically by the transport (temp file + rename).
 */
import { renderString } from '../render/index.ts';
import type { TaskContext, TaskResult } from '../role.ts';
import { sh } from '../shell.ts';
import { unifiedDiff } from '../diff.ts';
import { lineProbe, runProbe } from './reads.ts';
import { applyOwnership, fmtMode, ownershipChanges, probePath, result, sha256, type Ownership } from './common.ts';

export interface PutFileArgs extends Ownership {
  path: string;
  /** The file's content; or give `template`. */
  content?: string | Buffer;
  /** A handlebars template (strict) and its data; `name` labels errors. */
  template?: { source: string; data: unknown; name: string };
}

function contentOf(args: PutFileArgs): string | Buffer {
  if (args.content !== undefined) return args.content;
  if (args.template) return renderString(args.template.source, args.template.data, args.template.name);
  throw new Error(`putFile ${args.path}: give content or template`);
}

/** Text of a file for a diff: small text files only. */
async function currentText(ctx: TaskContext, path: string, become: boolean | undefined): Promise<string> {
  const t = await ctx.transport();
  const buf = await t.get(path, become === undefined ? {} : { become });
  if (!buf) return '';
  return buf.length > 256 * 1024 || buf.includes(0) ? '(binary or large file)\n' : buf.toString('utf8');
}

export async function putFile(ctx: TaskContext, args: PutFileArgs): Promise<TaskResult> {
  const t = await ctx.transport();
  const content = contentOf(args);
  const want: Ownership = { ...args, mode: args.mode ?? 0o644 };
  const become = args.become === undefined ? {} : { become: args.become };
  const state = await probePath(t, args.path, { checksum: true, ...become });
  if (state.kind !== 'absent' && state.kind !== 'file') throw new Error(`${t.host}: ${args.path} exists and is not a regular file (${state.kind})`);
  const contentChanged = state.sha256 !== sha256(content);
  const changes = contentChanged ? [state.kind === 'absent' ? `created ${args.path}` : `content of ${args.path}`] : [];
  const owner = state.kind === 'absent' ? [] : ownershipChanges(state, want);
  changes.push(...owner);
  const before = contentChanged && ctx.diff && state.kind === 'file' ? await currentText(ctx, args.path, args.become) : '';
  if (changes.length && !ctx.check) {
    if (contentChanged) await t.put(args.path, content, { mode: want.mode!, ...(args.owner ? { owner: args.owner } : {}), ...(args.group ? { group: args.group } : {}), ...become });
    else await applyOwnership(t, args.path, want);
  }
  return result(ctx, changes, `${args.path} up to date`, () => unifiedDiff(args.path, before, Buffer.isBuffer(content) ? '(binary)\n' : content));
}

export interface DirectoryArgs extends Ownership {
  path: string;
}

export async function ensureDirectory(ctx: TaskContext, args: DirectoryArgs): Promise<TaskResult> {
  const t = await ctx.transport();
  const become = args.become === undefined ? {} : { become: args.become };
  const state = await probePath(t, args.path, become);
  if (state.kind !== 'absent' && state.kind !== 'directory') throw new Error(`${t.host}: ${args.path} exists and is not a directory (${state.kind})`);
  const changes = state.kind === 'absent' ? [`created ${args.path}${args.mode !== undefined ? ` (${fmtMode(args.mode)})` : ''}`] : ownershipChanges(state, args);
  if (changes.length && !ctx.check) {
    if (state.kind === 'absent') await t.must(sh`mkdir -p -- ${args.path}`, become);
    await applyOwnership(t, args.path, args);
  }
  return result(ctx, changes, `${args.path} present`);
}

export interface LineArgs extends Ownership {
  path: string;
  /** The line that must be in the file. */
  line: string;
  /** Replace the last line matching this (lineinfile's regexp); without it, the exact line is looked for. */
  regexp?: RegExp;
  /** Create the file when missing (default true). */
  create?: boolean;
}

/** Pure: the file's new text (unchanged when the line is already right). lineinfile semantics. */
export function withLine(text: string, line: string, regexp?: RegExp): string {
  const lines = text === '' ? [] : text.replace(/\n$/, '').split('\n');
  const matchAt = regexp ? lines.map((l, i) => (regexp.test(l) ? i : -1)).filter((i) => i >= 0).pop() : undefined;
  if (matchAt !== undefined) {
    if (lines[matchAt] === line) return text;
    lines[matchAt] = line;
  } else if (lines.includes(line)) {
    return text;
  } else {
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

export async function ensureLine(ctx: TaskContext, args: LineArgs): Promise<TaskResult> {
  const t = await ctx.transport();
  const become = args.become === undefined ? {} : { become: args.become };
  const r = await runProbe(t, lineProbe(args.path, args), true);
  const nl = r.stdout.indexOf('\n');
  const head = r.stdout.slice(0, nl);
  const absent = head === 'absent';
  if (absent && args.create === false) throw new Error(`${t.host}: ${args.path} does not exist (create: false)`);
  const before = absent ? '' : r.stdout.slice(nl + 1);
  const after = withLine(before, args.line, args.regexp);
  const [mode = '', owner, group] = head.split('|');
  const state = absent ? undefined : { kind: 'file' as const, mode: parseInt(mode, 8), ...(owner ? { owner } : {}), ...(group ? { group } : {}) };
  const changes = after !== before ? [absent ? `created ${args.path}` : `line in ${args.path}`] : [];
  if (state) changes.push(...ownershipChanges(state, args));
  if (changes.length && !ctx.check) {
    const mode = args.mode ?? state?.mode ?? 0o644;
    if (after !== before) await t.put(args.path, after, { mode, ...(args.owner ? { owner: args.owner } : {}), ...(args.group ? { group: args.group } : {}), ...become });
    else await applyOwnership(t, args.path, args);
  }
  return result(ctx, changes, `${args.path} has the line`, () => unifiedDiff(args.path, before, after));
}
