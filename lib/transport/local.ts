/**
 * The local transport: commands run on this machine through zx (the command text is already
 * quoted by `sh`), files are written atomically (temp file in the same directory + rename).
 * Become uses sudo unless we already are the become user.
 */
import { chown, mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { userInfo } from 'node:os';
import { dirname } from 'node:path';
import { $ } from 'zx/core';
import { raw, sh } from '../shell.ts';
import type { Cmd } from '../shell.ts';
import { ownerSpec, tempPathFor } from './temp-file.ts';
import { mustOf } from './must.ts';
import { withPrefetch } from './prefetch.ts';
import type { CommandResult, ConnectionSpec, PutOptions, RunOptions, Transport } from './types.ts';

export interface LocalOptions {
  /** The inventory host name (default `localhost`). */
  host?: string;
  become?: boolean;
  becomeUser?: string;
  becomePassword?: string;
}

export function localOptionsFromSpec(spec: ConnectionSpec): LocalOptions {
  return { host: spec.host, become: spec.become, becomeUser: spec.becomeUser, becomePassword: spec.becomePassword };
}

function needsSudo(user: string): boolean {
  return userInfo().username !== user;
}

/** The argv that runs `text` through bash, with sudo when become applies. */
function argv(text: string, become: boolean, user: string, password: string | undefined): string[] {
  const bash = ['bash', '-c', text];
  if (!become || !needsSudo(user)) return bash;
  return password === undefined ? ['sudo', '-n', '-H', '-u', user, '--', ...bash] : ['sudo', '-S', '-p', '', '-H', '-u', user, '--', ...bash];
}

export function localTransport(options: LocalOptions = {}): Transport {
  const host = options.host ?? 'localhost';
  const becomeUser = options.becomeUser ?? 'root';
  const withSudoPassword = (become: boolean, stdin: string | Buffer | undefined): string | Buffer | undefined => {
    if (!become || !needsSudo(becomeUser) || options.becomePassword === undefined) return stdin;
    return Buffer.concat([Buffer.from(`${options.becomePassword}\n`), Buffer.from(stdin ?? '')]);
  };

  async function run(cmd: Cmd, o: RunOptions = {}): Promise<CommandResult> {
    const become = o.become ?? options.become ?? false;
    const started = Date.now();
    const input = withSudoPassword(become, o.stdin);
    const p = $({
      nothrow: true, quiet: true,
      env: { ...process.env, ...o.env },
      ...(o.timeoutMs !== undefined ? { timeout: o.timeoutMs } : {}),
      ...(input !== undefined ? { input } : {}),
      ...(o.signal ? { signal: o.signal } : {}),
    })`${argv(cmd.text, become, becomeUser, options.becomePassword)}`;
    if (o.onStdout) p.stdout.on('data', (d: Buffer) => o.onStdout!(String(d)));
    if (o.onStderr) p.stderr.on('data', (d: Buffer) => o.onStderr!(String(d)));
    const out = await p;
    const killed = out.exitCode === null;
    return {
      code: out.exitCode, stdout: out.stdout, stderr: out.stderr,
      timedOut: killed && o.timeoutMs !== undefined && !o.signal?.aborted,
      durationMs: Date.now() - started,
    };
  }

  const must = mustOf(host, run);

  async function put(path: string, content: string | Buffer, o: PutOptions = {}): Promise<void> {
    const mode = o.mode ?? 0o644;
    const tmp = tempPathFor(path);
    if ((o.become ?? options.become) && needsSudo(becomeUser)) {
      const spec = ownerSpec(o);
      const owner = spec ? sh`&& chown -- ${spec} ${tmp}` : raw('');
      // as the SSH transport does: a failed step removes the temp file, nothing is left half-written
      await must(sh`umask 077 && cat > ${tmp} && chmod -- ${mode.toString(8)} ${tmp} ${owner} && mv -f -- ${tmp} ${path} || { rm -f -- ${tmp}; exit 1; }`, { become: true, stdin: content });
      return;
    }
    await mkdir(dirname(path), { recursive: true });
    try {
      await writeFile(tmp, content, { mode, flag: 'wx' });
      if (o.owner || o.group) await chown(tmp, ...(await ids(o.owner, o.group)));
      await rename(tmp, path);
    } catch (err) {
      await rm(tmp, { force: true });
      throw err;
    }
  }

  async function ids(owner: string | undefined, group: string | undefined): Promise<[number, number]> {
    const r = await must(sh`id -u ${owner ?? userInfo().username} && getent group ${group ?? owner ?? userInfo().username} | cut -d: -f3`, {});
    const [uid, gid] = r.stdout.trim().split('\n').map(Number);
    return [uid ?? -1, gid ?? -1];
  }

  async function get(path: string, o: { become?: boolean } = {}): Promise<Buffer | undefined> {
    if ((o.become ?? options.become) && needsSudo(becomeUser)) {
      const r = await must(sh`if test -e ${path}; then base64 -w0 < ${path}; else echo -n ABSENT; fi`, { become: true });
      return r.stdout === 'ABSENT' ? undefined : Buffer.from(r.stdout, 'base64');
    }
    try {
      return await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  return withPrefetch({ host, kind: 'local', run, put, get, close: async () => {} });
}
