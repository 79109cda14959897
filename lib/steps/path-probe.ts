/**
 * The file steps' probe of a path: its type, mode, owner and group (`stat`), with the sha256 of
 * a regular file when asked (`sha256sum`): two processes on the host per path. In one prefetch
 * the probes of many paths merge (Transport.prefetch's ReadMerge) into one `stat` and one
 * `sha256sum` for all of them, and the output splits back into exactly what each probe prints
 * alone; when it cannot (a path vanished between the test and the stat, a file it may not read),
 * no probe is answered and each runs on its own, saying what went wrong as it would have.
 */
import { sh, type Cmd } from '../shell.ts';
import type { CommandResult, ReadMerge } from '../transport/types.ts';

/** A read-only command, with the become it runs with. */
export type CmdRead = { readonly cmd: Cmd; readonly become?: boolean; readonly merge?: ReadMerge };

interface PathItem {
  path: string;
  checksum: boolean;
}

function probeCmd({ path, checksum }: PathItem): Cmd {
  const sum = checksum ? sh`; if test -f ${path}; then sha256sum -- ${path}; fi` : sh``;
  return sh`if test -e ${path} || test -L ${path}; then stat -c '%F|%a|%U|%G' -- ${path}${sum}; else echo absent; fi`;
}

/**
 * One command for many paths: a line of one flag per path (a: absent; n: there; with a checksum
 * asked, f: a regular file, o: something else), then one `stat` line per path that is there, then
 * one `sha256sum` line per f, in order. Tests are shell builtins: two processes in all.
 */
function mergedCmd(items: readonly PathItem[]): Cmd {
  const each = items.map(({ path, checksum }) => checksum
    ? sh`if test -e ${path} || test -L ${path}; then s+=(${path}); if test -f ${path}; then h+=(${path}); t+=f; else t+=o; fi; else t+=a; fi`
    : sh`if test -e ${path} || test -L ${path}; then s+=(${path}); t+=n; else t+=a; fi`);
  const tests = each.reduce((a, c) => sh`${a}; ${c}`, sh`s=(); h=(); t=`);
  return sh`${tests}; printf '%s\\n' "$t"; if [ \${#s[@]} -gt 0 ]; then stat -c '%F|%a|%U|%G' -- "\${s[@]}" || exit; fi; if [ \${#h[@]} -gt 0 ]; then sha256sum -- "\${h[@]}"; fi`;
}

/** Each path's own probe output from the merged one; none when anything is not as expected. */
export function splitMerged(items: readonly PathItem[], r: CommandResult): (CommandResult | undefined)[] {
  const none = items.map(() => undefined);
  if (r.code !== 0 || r.stderr !== '' || !r.stdout.endsWith('\n')) return none;
  const [flags = '', ...lines] = r.stdout.slice(0, -1).split('\n');
  const stats = [...flags].filter((f) => f !== 'a').length;
  const sums = [...flags].filter((f) => f === 'f').length;
  if (flags.length !== items.length || !/^[anfo]*$/.test(flags) || lines.length !== stats + sums) return none;
  let s = 0;
  let h = stats;
  return [...flags].map((f) => {
    const stdout = f === 'a' ? 'absent\n' : `${lines[s++]}\n${f === 'f' ? `${lines[h++]}\n` : ''}`;
    return { code: 0, stdout, stderr: '', timedOut: false, durationMs: 0 };
  });
}

const merge = (item: PathItem): ReadMerge => ({
  key: 'lib/steps path probe',
  data: item,
  combine: (data) => {
    const items = data as PathItem[];
    return { cmd: mergedCmd(items), split: (r) => splitMerged(items, r) };
  },
});

/** Mode, owner, group and (with checksum) the sha256 of what is at `path`. */
export function pathProbe(path: string, o: { become?: boolean; checksum?: boolean } = {}): CmdRead {
  const item = { path, checksum: o.checksum === true };
  return { cmd: probeCmd(item), merge: merge(item), ...(o.become === undefined ? {} : { become: o.become }) };
}
