/**
 * OpenSSH client config (`~/.ssh/config`, then `/etc/ssh/ssh_config`) looked up for one host, as
 * `ssh` does: Host and Match blocks (the `ssh-config` package parses and matches them: it is
 * the maintained parser of this format, with Match host/originalhost/user/localuser/all/final),
 * the first value of each option winning across the blocks and files, IdentityFile accumulating.
 * `Include` is expanded here (the package does not): globs, relative to ~/.ssh for the user's
 * file and to the system file's folder for the system's. `Match exec` is never run (false).
 */
import { globSync, readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import SSHConfig from 'ssh-config';

export type SshOptions = Map<string, string[]>;

const parsed = new Map<string, { stamp: string; config: SSHConfig }>();

function stampOf(file: string): string | undefined {
  try {
    const s = statSync(file);
    return s.isFile() ? `${s.mtimeMs}:${s.size}` : undefined;
  } catch {
    return undefined;
  }
}

/** The file's text with each `Include` line replaced by the included files' text (bounded depth). */
function expandIncludes(file: string, base: string, home: string, depth = 0): string {
  const text = readFileSync(file, 'utf8');
  if (depth > 8) throw new Error(`${file}: Include nested more than 8 deep`);
  return text.split('\n').map((line) => {
    const m = /^\s*include\s*(?:=\s*|\s+)(.+)$/i.exec(line);
    if (!m) return line;
    return m[1]!.trim().split(/\s+/).flatMap((pattern) => {
      const p = pattern.replace(/^~(?=\/)/, home);
      const files = globSync(isAbsolute(p) ? p : join(base, p)).sort();
      return files.filter((f) => stampOf(f) !== undefined).map((f) => expandIncludes(f, base, home, depth + 1));
    }).join('\n');
  }).join('\n');
}

function load(file: string, base: string, home: string): SSHConfig | undefined {
  const stamp = stampOf(file);
  if (stamp === undefined) return undefined;
  const hit = parsed.get(file);
  if (hit?.stamp === stamp) return hit.config;
  let config: SSHConfig;
  try {
    config = SSHConfig.parse(expandIncludes(file, base, home));
  } catch (err) {
    throw new Error(`cannot read ssh config ${file}: ${(err as Error).message}`, { cause: err });
  }
  parsed.set(file, { stamp, config });
  return config;
}

export interface SshConfigSource {
  readonly file: string;
  /** Where relative Include paths start (~/.ssh for the user's file, the folder of a system file). */
  readonly base?: string;
}

/**
 * The options for `host` (what ssh is given: ansible_host, or the inventory name) from the
 * files in order; `user` is the login already given on the command line (it wins, and Match user sees it).
 */
export function lookupSshConfig(host: string, user: string | undefined, sources: readonly SshConfigSource[], home: string): SshOptions {
  const out: SshOptions = new Map();
  for (const source of sources) {
    const config = load(source.file, source.base ?? dirname(source.file), home);
    if (!config) continue;
    const computed = config.compute({ Host: host, ...(user !== undefined ? { User: user } : {}) }, { ignoreCase: true, matchExec: false });
    for (const [key, value] of Object.entries(computed as Record<string, string | string[]>)) {
      if (key === 'host') continue;
      const values = Array.isArray(value) ? value : [value];
      const had = out.get(key);
      if (key === 'identityfile' || key === 'certificatefile') out.set(key, [...(had ?? []), ...values]);
      else if (!had) out.set(key, values);
    }
  }
  return out;
}
