/**
 * What capstan takes from `ansible_ssh_common_args` / `ansible_ssh_extra_args` (an OpenSSH
 * command-line fragment): ProxyJump (`-J` or `-o ProxyJump=`), UserKnownHostsFile and
 * StrictHostKeyChecking. Other options are reported as ignored. Pure: no I/O.
 */
import { expandHome } from '../paths.ts';
import { shellWords } from '../shell-words.ts';

export interface JumpSpec {
  user?: string;
  address: string;
  port: number;
}

export interface SshArgs {
  jumps: JumpSpec[];
  knownHostsFiles: string[];
  /** 'yes' (refuse unknown keys), 'accept-new' ('no' and 'off' also mean accept-new: changed keys stay refused). */
  strictHostKeyChecking?: 'yes' | 'accept-new';
  /** Options given that capstan does not apply (for a verbose note). */
  ignored: string[];
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

function applyOption(out: SshArgs, option: string): void {
  const m = /^([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/.exec(option.trim());
  if (!m) {
    out.ignored.push(option);
    return;
  }
  const [, key, value] = m as unknown as [string, string, string];
  switch (key.toLowerCase()) {
    case 'proxyjump':
      out.jumps = parseJump(value);
      break;
    case 'userknownhostsfile':
      out.knownHostsFiles = value.split(/\s+/).filter(Boolean).map(expandHome);
      break;
    case 'stricthostkeychecking':
      out.strictHostKeyChecking = ['yes', 'ask'].includes(value.toLowerCase()) ? 'yes' : 'accept-new';
      break;
    default:
      out.ignored.push(option);
  }
}

export function parseSshArgs(text: string | undefined): SshArgs {
  const out: SshArgs = { jumps: [], knownHostsFiles: [], ignored: [] };
  let words: string[];
  try {
    words = shellWords(text ?? '');
  } catch (err) {
    throw new Error(`${(err as Error).message} in ssh args: ${text}`);
  }
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-o' || w === '-J') {
      const value = words[++i];
      if (value === undefined) throw new Error(`${w} needs a value in ssh args: ${text}`);
      applyOption(out, w === '-J' ? `ProxyJump=${value}` : value);
    } else if (w.startsWith('-o')) {
      applyOption(out, w.slice(2));
    } else if (w.startsWith('-J')) {
      applyOption(out, `ProxyJump=${w.slice(2)}`);
    } else {
      out.ignored.push(w);
    }
  }
  return out;
}
