/**
 * File put/get over one SSH connection. Without become: SFTP (one subsystem channel per
 * connection, opened on first use), written to a temp file in the target directory, chmod, then
 * renamed over the target with OpenSSH's posix-rename (atomic). With become as another user:
 * the same temp+rename done by a command under sudo, content on stdin.
 */
import { dirname } from 'node:path';
import type { Client, SFTPWrapper } from 'ssh2';
import { ConnectionError } from '../errors.ts';
import { raw, sh, type Cmd } from '../shell.ts';
import { ownerSpec, tempPathFor } from './temp-file.ts';
import { mustOf } from './must.ts';
import type { CommandResult, PutOptions, RunOptions } from './types.ts';

const SFTP_NO_SUCH_FILE = 2;
/** SSH_FX_FAILURE: SFTP v3 has no code for ENOSPC, EROFS, EDQUOT...; OpenSSH's sftp-server sends this for all of them. */
const SFTP_FAILURE = 4;

/** What to do about the OS error a write probe reported (its strerror text), when there is a clear fix. */
const WRITE_FIXES: ReadonlyArray<[RegExp, (dir: string) => string]> = [
  [/No space left on device/, (dir) => `free space on the filesystem holding ${dir} (df -h ${dir})`],
  [/Read-only file system/, (dir) => `the filesystem holding ${dir} is mounted read-only: remount it read-write or choose another path`],
  [/Disk quota exceeded/, (dir) => `the login user's quota on ${dir} is used up (quota -s)`],
];

export interface FileDeps {
  client: Client;
  host: string;
  dead(): ConnectionError | undefined;
  run(cmd: Cmd, o?: RunOptions): Promise<CommandResult>;
  /** True when become applies for this call (become requested and the become user is not the login user). */
  needsSudo(become: boolean | undefined): boolean;
}

type Sftp = SFTPWrapper;

function sftpCall<T>(d: FileDeps, what: string, fn: (cb: (err: Error | null | undefined, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => {
    fn((err, value) => {
      if (!err) return resolve(value as T);
      const gone = d.dead();
      if (gone) return reject(gone);
      reject(Object.assign(new Error(`${d.host}: sftp ${what}: ${err.message}`), { code: (err as { code?: unknown }).code }));
    });
  });
}

export function makeFileOps(d: FileDeps) {
  const must = mustOf(d.host, d.run);
  let sftpPromise: Promise<Sftp> | undefined;
  const sftp = (): Promise<Sftp> => {
    sftpPromise ??= sftpCall<Sftp>(d, 'subsystem', (cb) => d.client.sftp(cb));
    sftpPromise.catch(() => { sftpPromise = undefined; });
    return sftpPromise;
  };

  async function putWithSudo(path: string, content: string | Buffer, o: PutOptions): Promise<void> {
    const tmp = tempPathFor(path);
    const owner = ownerSpec(o);
    const chown = owner ? sh`&& chown -- ${owner} ${tmp}` : raw('');
    await must(sh`umask 077 && mkdir -p -- ${dirname(path)} && cat > ${tmp} && chmod -- ${(o.mode ?? 0o644).toString(8)} ${tmp} ${chown} && mv -f -- ${tmp} ${path} || { rm -f -- ${tmp}; exit 1; }`, { become: true, stdin: content });
  }

  /**
   * SFTP says only "Failure" when a write hits a full disk, a read-only mount or a quota: write a
   * probe file of the same size in the same folder with a command, whose stderr carries the OS's own words.
   */
  async function explainWriteFailure(err: Error, path: string, size: number): Promise<Error> {
    if ((err as { code?: unknown }).code !== SFTP_FAILURE || d.dead()) return err;
    const dir = dirname(path);
    const probe = await d.run(sh`f=$(mktemp -p ${dir} .capstan-probe.XXXXXX) || exit 1; head -c ${String(Math.max(size, 1))} /dev/zero > "$f"; r=$?; rm -f -- "$f"; exit $r`)
      // a probe that cannot run (the connection went) explains nothing: the write's own error stands
      .catch(() => undefined);
    const said = probe?.stderr.trim().split('\n').pop()?.replace(/^.*: /, '');
    if (!probe || probe.code === 0 || !said) return err;
    const fix = WRITE_FIXES.find(([re]) => re.test(said))?.[1](dir);
    return Object.assign(new Error(`${d.host}: cannot write ${path}: ${said}${fix ? `; fix: ${fix}` : ''}`), { code: (err as { code?: unknown }).code });
  }

  async function writeTemp(s: Sftp, tmp: string, content: string | Buffer, mode: number): Promise<void> {
    await sftpCall<void>(d, `write ${tmp}`, (cb) => s.writeFile(tmp, content, { mode, flag: 'wx' }, (err) => cb(err)));
    await sftpCall<void>(d, `chmod ${tmp}`, (cb) => s.chmod(tmp, mode, (err) => cb(err)));
  }

  async function put(path: string, content: string | Buffer, o: PutOptions = {}): Promise<void> {
    if (d.needsSudo(o.become)) return putWithSudo(path, content, o);
    const s = await sftp();
    const tmp = tempPathFor(path);
    const mode = o.mode ?? 0o644;
    try {
      try {
        await writeTemp(s, tmp, content, mode);
      } catch (err) {
        if ((err as { code?: unknown }).code !== SFTP_NO_SUCH_FILE) throw err;
        await must(sh`mkdir -p -- ${dirname(path)}`);
        await writeTemp(s, tmp, content, mode);
      }
      const owner = ownerSpec(o);
      if (owner) await must(sh`chown -- ${owner} ${tmp}`);
      await sftpCall<void>(d, `rename ${tmp} ${path}`, (cb) => s.ext_openssh_rename(tmp, path, (err) => cb(err)));
    } catch (err) {
      // best effort: the write's own error (rethrown below) is what the user needs to see
      if (!d.dead()) await sftpCall<void>(d, `unlink ${tmp}`, (cb) => s.unlink(tmp, (e) => cb(e))).catch(() => undefined);
      throw await explainWriteFailure(err as Error, path, Buffer.byteLength(content));
    }
  }

  async function get(path: string, o: { become?: boolean } = {}): Promise<Buffer | undefined> {
    if (d.needsSudo(o.become)) {
      const r = await must(sh`if test -e ${path}; then base64 -w0 < ${path}; else printf ABSENT; fi`, { become: true });
      return r.stdout === 'ABSENT' ? undefined : Buffer.from(r.stdout, 'base64');
    }
    const s = await sftp();
    try {
      return await sftpCall<Buffer>(d, `read ${path}`, (cb) => s.readFile(path, (err, data) => cb(err, data)));
    } catch (err) {
      if ((err as { code?: unknown }).code === SFTP_NO_SUCH_FILE) return undefined;
      throw err;
    }
  }

  const close = () => {
    // an SFTP session that never opened has nothing to end; its error went to the caller then
    void sftpPromise?.then((s) => s.end()).catch(() => undefined);
  };
  return { put, get, close };
}
