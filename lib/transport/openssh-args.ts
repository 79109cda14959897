/**
 * What capstan takes from `ansible_ssh_common_args` / `ansible_ssh_extra_args` / `ansible_ssh_args`
 * (OpenSSH command-line fragments): `-o Key=Value` (or `-oKey=Value`, `-o 'Key Value'`), `-J`,
 * `-i`, `-p`, `-l`, `-F`. Options are collected as OpenSSH does, the first value of each winning
 * (IdentityFile accumulates); ssh-target.ts applies the ones in HONOURED; every other option is
 * named in `ignored`, for the run's warning. Pure: no I/O.
 */
import { shellWords } from '../shell-words.ts';

export interface JumpSpec {
  user?: string;
  address: string;
  port: number;
}

/** Options capstan applies (lower-case names), from the command line or ssh_config. */
export const HONOURED = new Set([
  'hostname', 'user', 'port', 'identityfile', 'identitiesonly', 'proxyjump', 'userknownhostsfile', 'globalknownhostsfile',
  'stricthostkeychecking', 'serveraliveinterval', 'serveralivecountmax', 'connecttimeout', 'batchmode',
]);

/** Options that only tune OpenSSH's own connection sharing: capstan keeps one connection per host anyway. */
export const SHARING = new Set(['controlmaster', 'controlpersist', 'controlpath', 'compression']);

export interface SshArgs {
  /** Honoured options, lower-case names, first value wins (identityfile: every value, in order). */
  options: Map<string, string[]>;
  /** `-F file`: read this ssh_config instead of ~/.ssh/config (and not /etc/ssh/ssh_config), as ssh -F does. */
  configFile?: string;
  /** Options given that capstan does not apply: OpenSSH names (`ControlPersist`, `-C`, ...). */
  ignored: string[];
  /** ProxyJump, parsed (empty when none or `none`). */
  jumps: JumpSpec[];
  /** UserKnownHostsFile values (whitespace-separated list). */
  knownHostsFiles: string[];
  /** 'yes' (refuse unknown keys), 'accept-new' ('no' and 'off' also mean accept-new: changed keys stay refused). */
  strictHostKeyChecking?: 'yes' | 'accept-new';
}

/** `[user@]host[:port]`, also `[user@][v6addr]:port`, comma lists for several hops. */
export function parseJump(value: string): JumpSpec[] {
  if (value.toLowerCase() === 'none') return [];
  return value.split(',').map((hop) => {
    const m = /^(?:ssh:\/\/)?(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hop.trim());
    if (!m) throw new Error(`cannot read ProxyJump hop "${hop}" (expected [user@]host[:port])`);
    const address = m[2]!.replace(/^\[|\]$/g, '');
    return { ...(m[1] ? { user: m[1] } : {}), address, port: m[3] ? Number(m[3]) : 22 };
  });
}

/** StrictHostKeyChecking as capstan applies it: yes/ask refuse unknown keys; no/off/accept-new record them. */
export function strictness(value: string): 'yes' | 'accept-new' {
  return ['yes', 'ask'].includes(value.toLowerCase()) ? 'yes' : 'accept-new';
}

function setOption(out: SshArgs, key: string, value: string): void {
  const name = key.toLowerCase();
  if (!HONOURED.has(name)) {
    out.ignored.push(key);
    return;
  }
  const values = out.options.get(name);
  if (name === 'identityfile') out.options.set(name, [...(values ?? []), value]);
  else if (!values) out.options.set(name, [value]);
}

function applyOption(out: SshArgs, option: string): void {
  const m = /^([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/.exec(option.trim());
  if (!m) {
    out.ignored.push(option);
    return;
  }
  setOption(out, m[1]!, m[2]!);
}

const FLAG_OPTION: Readonly<Record<string, string>> = { '-J': 'ProxyJump', '-i': 'IdentityFile', '-p': 'Port', '-l': 'User' };

function finish(out: SshArgs): SshArgs {
  const first = (name: string) => out.options.get(name)?.[0];
  const jump = first('proxyjump');
  const known = first('userknownhostsfile');
  const strict = first('stricthostkeychecking');
  return {
    ...out,
    jumps: jump ? parseJump(jump) : [],
    knownHostsFiles: known ? known.split(/\s+/).filter(Boolean) : [],
    ...(strict ? { strictHostKeyChecking: strictness(strict) } : {}),
  };
}

export function parseSshArgs(text: string | undefined): SshArgs {
  const out: SshArgs = { options: new Map(), ignored: [], jumps: [], knownHostsFiles: [] };
  let words: string[];
  try {
    words = shellWords(text ?? '');
  } catch (err) {
    throw new Error(`${(err as Error).message} in ssh args: ${text}`);
  }
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const flag = w.slice(0, 2);
    if (flag === '-o' || flag === '-F' || flag in FLAG_OPTION) {
      const value = w.length > 2 ? w.slice(2) : words[++i];
      if (value === undefined) throw new Error(`${w} needs a value in ssh args: ${text}`);
      if (flag === '-o') applyOption(out, value);
      else if (flag === '-F') out.configFile ??= value;
      else setOption(out, FLAG_OPTION[flag]!, value);
    } else {
      out.ignored.push(w);
    }
  }
  return finish(out);
}
