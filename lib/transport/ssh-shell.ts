/**
 * Persistent remote shells: one SSH session running `bash --noprofile --norc` that reads
 * commands on stdin. Each command runs in a subshell, then the shell prints a random end marker
 * with the exit code on stdout and the marker on stderr. Compared with one exec channel per
 * command this saves the channel round trips, sshd's fork for the session, the login shell and
 * an exec of bash on the host: a command costs one fork there.
 *
 * Used for commands without stdin and without a sudo password; the rest go through exec
 * channels (ssh-exec.ts). A shell runs one command at a time; the pool opens a few per host.
 */
import { randomBytes } from 'node:crypto';
import type { ClientChannel } from 'ssh2';
import type { ConnectionError } from '../errors.ts';
import { collector, KILLED_BY_TIMEOUT, openChannel, type ExecDeps } from './ssh-exec.ts';
import type { CommandResult, RunOptions } from './types.ts';

interface Pending {
  marker: string;
  out: string;
  err: string;
  code?: number | null;
  errDone: boolean;
  o: RunOptions;
  started: number;
  timedOut: boolean;
  timer?: NodeJS.Timeout;
  done(r: CommandResult | Error): void;
}

/** Text up to the marker line, and what follows (exit code) once the marker has arrived. */
function splitAt(buffer: string, marker: string): { before: string; after: string } | undefined {
  const at = buffer.indexOf(marker);
  if (at < 0) return undefined;
  return { before: buffer.slice(0, at), after: buffer.slice(at + marker.length) };
}

class RemoteShell {
  private pending: Pending | undefined;
  private ended = false;
  /** Handed out by the pool, not yet given its command. */
  claimed = false;
  private readonly stream: ClientChannel;
  private readonly onEnd: (s: RemoteShell) => void;

  constructor(stream: ClientChannel, d: ExecDeps, onEnd: (s: RemoteShell) => void) {
    this.stream = stream;
    this.onEnd = onEnd;
    const out = collector();
    const err = collector();
    stream.on('data', (chunk: Buffer) => this.stdout(out.write(chunk)));
    stream.stderr.on('data', (chunk: Buffer) => this.stderr(err.write(chunk)));
    stream.on('close', () => setImmediate(() => this.end(d.dead())));
  }

  get busy(): boolean {
    return this.claimed || this.pending !== undefined || this.ended;
  }

  run(line: string, o: RunOptions): Promise<CommandResult> {
    const marker = `__capstan_end_${randomBytes(9).toString('hex')}__`;
    this.claimed = false;
    return new Promise((resolve, reject) => {
      const p: Pending = {
        marker, out: '', err: '', errDone: false, o, started: Date.now(), timedOut: false,
        done: (r) => {
          if (p.timer) clearTimeout(p.timer);
          o.signal?.removeEventListener('abort', abort);
          if (o.signal?.aborted) reject(o.signal.reason instanceof Error ? o.signal.reason : new Error('aborted'));
          else if (r instanceof Error) reject(r);
          else resolve(r);
        },
      };
      // the remote `timeout` ends the command; if the host does not answer, give up on this shell
      // (at once when there is no remote `timeout`: hostTimeout false)
      if (o.timeoutMs !== undefined) {
        const grace = o.hostTimeout === false ? 0 : 2_000;
        p.timer = setTimeout(() => { p.timedOut = true; this.close(); }, o.timeoutMs + grace);
      }
      const abort = () => this.close();
      o.signal?.addEventListener('abort', abort, { once: true });
      this.pending = p;
      this.stream.write(`${line} </dev/null; printf '\\n%s %d\\n' ${marker} $?; printf '\\n%s\\n' ${marker} >&2\n`);
    });
  }

  private stdout(text: string): void {
    const p = this.pending;
    if (!p) return;
    p.out += text;
    const hit = splitAt(p.out, `\n${p.marker} `);
    if (!hit) return this.flushStream(p, 'out', false);
    const nl = hit.after.indexOf('\n');
    if (nl < 0) return;
    p.code = Number(hit.after.slice(0, nl));
    p.out = hit.before;
    this.flushStream(p, 'out', true);
    this.settle();
  }

  private stderr(text: string): void {
    const p = this.pending;
    if (!p) return;
    p.err += text;
    const hit = splitAt(p.err, `\n${p.marker}\n`);
    if (!hit) return this.flushStream(p, 'err', false);
    p.err = hit.before;
    p.errDone = true;
    this.flushStream(p, 'err', true);
    this.settle();
  }

  /** How much of the current command's output went to onStdout/onStderr. */
  private streamed = { out: 0, err: 0 };

  /** Stream what cannot be part of the marker (a marker-sized tail waits until the end). */
  private flushStream(p: Pending, which: 'out' | 'err', final: boolean): void {
    const cb = which === 'out' ? p.o.onStdout : p.o.onStderr;
    if (!cb) return;
    const text = which === 'out' ? p.out : p.err;
    const upto = final ? text.length : Math.max(this.streamed[which], text.length - p.marker.length - 2);
    if (upto > this.streamed[which]) cb(text.slice(this.streamed[which], upto));
    this.streamed[which] = upto;
  }

  private settle(): void {
    const p = this.pending;
    if (!p || p.code === undefined || !p.errDone) return;
    this.pending = undefined;
    this.streamed = { out: 0, err: 0 };
    const durationMs = Date.now() - p.started;
    const timedOut = p.o.timeoutMs !== undefined && durationMs >= p.o.timeoutMs && p.code === KILLED_BY_TIMEOUT;
    p.done({ code: timedOut ? null : p.code, stdout: p.out, stderr: p.err, timedOut, durationMs });
  }

  end(err?: ConnectionError): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd(this);
    const p = this.pending;
    this.pending = undefined;
    if (!p) return;
    if (err) return p.done(err);
    const note = p.timedOut ? '' : 'capstan: the remote shell ended during the command\n';
    p.done({ code: null, stdout: p.out, stderr: `${p.err}${note}`, timedOut: p.timedOut, durationMs: Date.now() - p.started });
  }

  close(): void {
    this.end();
    this.stream.end();
  }
}

export interface ShellPool {
  /** An idle shell (opened on demand), or undefined when all are busy. */
  acquire(): Promise<RemoteShell | undefined>;
  closeAll(): void;
}

/** Up to `size` persistent shells on one connection. */
export function shellPool(d: ExecDeps, size: number): ShellPool {
  const shells = new Set<RemoteShell>();
  let opening = 0;
  const open = () => new Promise<RemoteShell>((resolve, reject) => {
    openChannel(d, 'exec /bin/bash --noprofile --norc', (stream) => {
      const shell = new RemoteShell(stream, d, (s) => shells.delete(s));
      shells.add(shell);
      resolve(shell);
    }, reject);
  });
  return {
    async acquire() {
      for (const s of shells) {
        if (s.busy) continue;
        s.claimed = true;
        return s;
      }
      if (shells.size + opening >= size) return undefined;
      opening++;
      try {
        const s = await open();
        s.claimed = true;
        return s;
      } finally {
        opening--;
      }
    },
    closeAll() {
      for (const s of shells) s.close();
    },
  };
}

export type { RemoteShell };
