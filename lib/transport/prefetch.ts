/**
 * Facts read in one round trip: `prefetch(reads)` runs many read-only commands (and file reads)
 * as ONE remote command, and keeps each answer for the identical call that follows — a
 * `run`/`must` of the same command text with `readOnly: true` and the same `become`, or a `get`
 * of the same path — so a role reads all its facts at once and lib/steps' probes, unchanged,
 * take them from there instead of a round trip each.
 *
 *   await t.prefetch([{ cmd: sh`stat -c %a /etc/x` , become: true }, { file: '/etc/y', become: true }]);
 *   await t.must(sh`stat -c %a /etc/x`, { become: true, readOnly: true }); // answered, no round trip
 *
 * An answer is used once (a read listed twice answers twice). Every answer is dropped as soon as
 * anything else runs or is put through this transport (it may have changed what was read), and
 * by the next prefetch and by forgetPrefetched(); a prefetch that overlapped such a change keeps
 * nothing. changeCount() counts those calls (not the answered or read-only ones). A command's
 * answer is its exit code, stdout and stderr, whatever the code; a file that could not be read
 * (a directory, no permission) keeps nothing: the caller's own `get` reads it and says why.
 * Reads that carry the same ReadMerge key run as one part of the batch (lib/steps' path probes:
 * one `stat` for all paths), split back into each read's own answer.
 */
import { randomBytes } from 'node:crypto';
import { sh, type Cmd } from '../shell.ts';
import { mustOf } from './must.ts';
import type { CommandResult, PrefetchRead, RunOptions, Transport } from './types.ts';

type Answer = { kind: 'cmd'; result: CommandResult } | { kind: 'file'; content: Buffer | undefined };

const cmdKey = (text: string, become: boolean | undefined) => `cmd\0${String(become)}\0${text}`;
const fileKey = (path: string, become: boolean | undefined) => `file\0${String(become)}\0${path}`;
const keyOf = (r: PrefetchRead) => 'cmd' in r ? cmdKey(r.cmd.text, r.become) : fileKey(r.file, r.become);

/** What a file read runs (the same test as the transports' own get under sudo). */
const fileCmd = (path: string): Cmd => sh`if test -e ${path}; then base64 -w0 < ${path}; else printf ABSENT; fi`;

/**
 * The one remote command: each part in its own subshell (the command substitution that captures
 * its stderr: an `exit` or `cd` in it stays there), run by `eval` of one quoted word as the
 * persistent shell runs commands, its stdout framed by a random nonce, then its exit code and stderr.
 */
export function batchCommand(reads: readonly (PrefetchRead | Cmd)[], nonce: string): Cmd {
  const parts = reads.map((r, i) => {
    const text = 'text' in r ? r.text : 'cmd' in r ? r.cmd.text : fileCmd(r.file).text;
    return sh`printf '%s %d\n' ${nonce} ${String(i)}; { e=$( { eval ${text} 1>&3 3>&-; } 2>&1 ); c=$?; } 3>&1; printf '\n%s rc %d\n%s\n%s end\n' ${nonce} "$c" "$e" ${nonce}`;
  });
  return parts.reduce((a, c) => sh`${a}; ${c}`, sh`true`);
}

/** One part of the batch: its command, and the reads its result answers (by key). */
interface Part {
  cmd: Cmd;
  answers(result: CommandResult): [string, Answer | undefined][];
}

/** The batch's parts: reads of one merge key (two or more) as one part, every other read its own. */
export function batchParts(reads: readonly PrefetchRead[]): Part[] {
  const parts: Part[] = [];
  const merged = new Map<string, Extract<PrefetchRead, { cmd: Cmd }>[]>();
  for (const r of reads) {
    if ('cmd' in r && r.merge) merged.set(r.merge.key, [...(merged.get(r.merge.key) ?? []), r]);
  }
  for (const r of reads) {
    const group = 'cmd' in r && r.merge ? merged.get(r.merge.key)! : undefined;
    if (group && group.length > 1) {
      if (group[0] !== r) continue;
      const { cmd, split } = group[0]!.merge!.combine(group.map((g) => g.merge!.data));
      parts.push({ cmd, answers: (result) => { const each = split(result); return group.map((g, i) => [keyOf(g), each[i] && { kind: 'cmd', result: each[i] }]); } });
    } else {
      parts.push({ cmd: 'cmd' in r ? r.cmd : fileCmd(r.file), answers: (result) => [[keyOf(r), toAnswer(r, result)]] });
    }
  }
  return parts;
}

/** The answers in `out`, by read index; a read whose frame is missing or malformed has none. */
export function parseBatch(out: string, count: number, nonce: string): (CommandResult | undefined)[] {
  const answers: (CommandResult | undefined)[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    const head = `${nonce} ${i}\n`;
    const start = out.indexOf(head, at);
    const rcAt = start < 0 ? -1 : out.indexOf(`\n${nonce} rc `, start + head.length);
    const endAt = rcAt < 0 ? -1 : out.indexOf(`\n${nonce} end\n`, rcAt);
    if (endAt < 0) { answers.push(undefined); continue; }
    const afterRc = out.slice(rcAt + nonce.length + 5, endAt);
    const nl = afterRc.indexOf('\n');
    const code = Number(afterRc.slice(0, nl));
    const stderr = afterRc.slice(nl + 1);
    answers.push(Number.isInteger(code)
      ? { code, stdout: out.slice(start + head.length, rcAt), stderr: stderr ? `${stderr}\n` : '', timedOut: false, durationMs: 0 }
      : undefined);
    at = endAt;
  }
  return answers;
}

function toAnswer(r: PrefetchRead, result: CommandResult): Answer | undefined {
  if ('cmd' in r) return { kind: 'cmd', result };
  if (result.code !== 0) return undefined;
  return { kind: 'file', content: result.stdout === 'ABSENT' ? undefined : Buffer.from(result.stdout, 'base64') };
}

/** `inner` with prefetch(): every other call passes through; see the file's comment for when an answer is used. */
export function withPrefetch(inner: Omit<Transport, 'must' | 'prefetch'>): Transport {
  let answers = new Map<string, Answer[]>();
  /** Bumped by every call that may change the host: a prefetch that saw it bump keeps nothing. */
  let generation = 0;
  /** Calls that may have changed the host (changeCount). */
  let changed = 0;
  const forget = () => { generation++; answers = new Map(); };
  const changes = () => { changed++; forget(); };
  const take = (key: string): Answer | undefined => {
    const queue = answers.get(key);
    const a = queue?.shift();
    if (queue && queue.length === 0) answers.delete(key);
    return a;
  };
  const answerable = (o: RunOptions) => o.readOnly === true && o.stdin === undefined && o.env === undefined && !o.onStdout && !o.onStderr;

  async function run(cmd: Cmd, o: RunOptions = {}): Promise<CommandResult> {
    if (!o.readOnly) {
      changes();
      return inner.run(cmd, o);
    }
    const a = answerable(o) ? take(cmdKey(cmd.text, o.become)) : undefined;
    if (a?.kind === 'cmd') return a.result;
    const { readOnly: _, ...rest } = o;
    return inner.run(cmd, rest);
  }

  async function prefetch(reads: readonly PrefetchRead[]): Promise<void> {
    answers = new Map();
    const byBecome = new Map<boolean | undefined, PrefetchRead[]>();
    for (const r of reads) byBecome.set(r.become, [...(byBecome.get(r.become) ?? []), r]);
    for (const [become, group] of byBecome) {
      const seen = generation;
      const parts = batchParts([...new Map(group.map((r) => [keyOf(r), r])).values()]);
      const nonce = `__capstan_facts_${randomBytes(9).toString('hex')}__`;
      const out = await inner.run(batchCommand(parts.map((p) => p.cmd), nonce), become === undefined ? {} : { become });
      if (out.code !== 0 || generation !== seen) continue;
      const parsed = parseBatch(out.stdout, parts.length, nonce);
      const byKey = new Map(parts.flatMap((p, i) => (parsed[i] ? p.answers(parsed[i]) : [])));
      for (const r of group) {
        const a = byKey.get(keyOf(r));
        if (a) answers.set(keyOf(r), [...(answers.get(keyOf(r)) ?? []), a]);
      }
    }
  }

  const t: Transport = {
    host: inner.host,
    kind: inner.kind,
    run,
    must: mustOf(inner.host, run),
    async put(path, content, o) {
      changes();
      return inner.put(path, content, o);
    },
    async get(path, o = {}) {
      const a = take(fileKey(path, o.become));
      if (a?.kind === 'file') return a.content;
      return inner.get(path, o);
    },
    prefetch,
    forgetPrefetched: forget,
    changeCount: () => changed,
    async close() {
      changes();
      return inner.close();
    },
  };
  if (inner.forward) t.forward = inner.forward.bind(inner);
  return t;
}
