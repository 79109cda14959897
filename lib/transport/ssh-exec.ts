/**
 * One command on one SSH channel. The command text (a Cmd, quoted by `sh`) is wrapped for the
 * remote login shell as `exec /bin/bash -c '<text>'` (single-quoted as a whole: any login shell
 * passes it to bash untouched), with env vars exported inside and sudo in front for become.
 */
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { Client, ClientChannel } from 'ssh2';
import { ConnectionError } from '../errors.ts';
import { posixQuote, type Cmd } from '../shell.ts';
import type { CommandResult, RunOptions } from './types.ts';

export interface BecomeSettings {
  /** Login user (no sudo needed when it is the become user). */
  user: string;
  becomeUser: string;
}

/** Exit status of `timeout -s KILL` when it killed the command (128 + SIGKILL). */
export const KILLED_BY_TIMEOUT = 137;
const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** The exact string sent in the SSH exec request. */
/**
 * With a become password, sudo prompts with a random prompt string on stderr (only then is the
 * password written to stdin), and the command prints a random marker once sudo let it run
 * (only then does the caller's stdin follow). The password is never part of the command text.
 */
export interface SudoHandshake {
  prompt: string;
  marker: string;
  password: string;
}

export function sudoHandshake(password: string): SudoHandshake {
  const id = randomBytes(8).toString('hex');
  return { prompt: `[capstan-sudo-${id}] password: `, marker: `capstan-become-ok-${id}`, password };
}

export interface RemoteOptions {
  env?: Record<string, string>;
  become?: boolean;
  timeoutMs?: number;
  handshake?: SudoHandshake;
}

/** The command text with the env exports in front (names checked). */
function withEnv(cmd: Cmd, env: Record<string, string> | undefined): string {
  const entries = Object.entries(env ?? {});
  if (!entries.length) return cmd.text;
  const bad = entries.find(([k]) => !ENV_NAME.test(k));
  if (bad) throw new Error(`invalid environment variable name ${JSON.stringify(bad[0])}`);
  return `${entries.map(([k, v]) => `export ${k}=${posixQuote(v)}`).join('; ')}; ${cmd.text}`;
}

export function remoteCommand(cmd: Cmd, options: RemoteOptions, b: BecomeSettings): string {
  let text = withEnv(cmd, options.env);
  const sudo = options.become && b.becomeUser !== b.user;
  if (sudo && options.handshake) text = `printf '%s\\n' ${posixQuote(options.handshake.marker)}; ${text}`;
  // coreutils timeout kills the command's whole process group (sshd ignores signal requests here)
  const limit = options.timeoutMs !== undefined ? `timeout -s KILL ${(options.timeoutMs / 1000).toFixed(3)}s ` : '';
  const bash = `${limit}/bin/bash -c ${posixQuote(text)}`;
  if (!sudo) return `exec ${bash}`;
  const how = options.handshake ? `sudo -S -p ${posixQuote(options.handshake.prompt)}` : 'sudo -n';
  return `exec ${how} -H -u ${posixQuote(b.becomeUser)} -- ${bash}`;
}

/**
 * The same command for the host's persistent bash (ssh-shell.ts): run in a subshell so `exit`,
 * `cd` and exports stay inside; the text goes through `eval` of one quoted word, so even a
 * command with a syntax error cannot leave the persistent shell waiting for more input.
 */
export function shellCommand(cmd: Cmd, options: Omit<RemoteOptions, 'handshake'>, b: BecomeSettings): string {
  const plain = !(options.become && b.becomeUser !== b.user) && options.timeoutMs === undefined;
  return plain ? `( eval ${posixQuote(withEnv(cmd, options.env))} )` : `( ${remoteCommand(cmd, options, b)} )`;
}

export interface ExecDeps {
  client: Client;
  host: string;
  /** Set once the connection is gone: every new and pending command fails with it. */
  dead(): ConnectionError | undefined;
  /** Register a callback run when the connection dies; returns an unregister function. */
  onDeath(fn: (err: ConnectionError) => void): () => void;
}

/**
 * Open the channel and hand it over inside ssh2's callback: data and the exit status may arrive
 * in the same read as the channel confirmation, so listeners must be attached synchronously.
 */
export function openChannel(d: ExecDeps, text: string, onOpen: (stream: ClientChannel) => void, onError: (err: Error) => void): void {
  const fail = (err: Error) => onError(d.dead() ?? new ConnectionError(d.host, `cannot open a channel: ${err.message}`, { cause: err }));
  try {
    d.client.exec(text, (err, stream) => (err ? fail(err) : onOpen(stream)));
  } catch (err) {
    // ssh2 throws "Not connected" synchronously once the socket is gone
    fail(err as Error);
  }
}

/** Collects one output stream, passing text on as it arrives. */
export function collector(onText?: (s: string) => void) {
  const dec = new StringDecoder('utf8');
  const c = {
    text: '',
    add(s: string) {
      c.text += s;
      if (s && onText) onText(s);
    },
    write: (chunk: Buffer) => dec.write(chunk),
    end: () => c.add(dec.end()),
  };
  return c;
}

/** Run one command; resolves with its result, rejects only with ConnectionError (or on abort). */
export function execOnChannel(d: ExecDeps, text: string, o: RunOptions, handshake?: SudoHandshake): Promise<CommandResult> {
  const gone = d.dead();
  if (gone) return Promise.reject(gone);
  return new Promise<CommandResult>((resolve, reject) => {
    openChannel(d, text, (stream) => watchChannel(d, stream, o, handshake, resolve, reject), reject);
  });
}

/** Wire one open channel: output, exit status, stdin, timeout backstop, abort, connection death. */
function watchChannel(d: ExecDeps, stream: ClientChannel, o: RunOptions, handshake: SudoHandshake | undefined,
  resolve: (r: CommandResult) => void, reject: (e: Error) => void): void {
  const started = Date.now();
  const out = collector(o.onStdout);
  const err = collector(o.onStderr);
  let code: number | null = null;
  let exitSignal: string | undefined;
  let timedOut = false;
  let settled = false;
  const kill = () => {
    stream.signal('KILL');
    stream.close();
  };
  // the remote `timeout` ends the command; this backstop closes the channel if the host does not
  const timer = o.timeoutMs !== undefined ? setTimeout(() => { timedOut = true; kill(); }, o.timeoutMs + 2_000) : undefined;
  o.signal?.addEventListener('abort', kill, { once: true });
  const sendStdin = () => (o.stdin !== undefined ? stream.end(o.stdin) : stream.end());
  const sudo = handshake ? sudoFilter(handshake, stream, out, err, sendStdin) : undefined;
  const finish = (failure?: Error) => {
    if (settled) return;
    settled = true;
    if (timer) clearTimeout(timer);
    o.signal?.removeEventListener('abort', kill);
    unregister();
    if (failure) return reject(failure);
    if (o.signal?.aborted) return reject(o.signal.reason instanceof Error ? o.signal.reason : new Error('aborted'));
    sudo?.flush();
    out.end();
    err.end();
    const durationMs = Date.now() - started;
    if (o.timeoutMs !== undefined && durationMs >= o.timeoutMs && (code === KILLED_BY_TIMEOUT || exitSignal === 'KILL' || exitSignal === 'SIGKILL')) timedOut = true;
    resolve({ code: timedOut ? null : code, stdout: out.text, stderr: err.text, timedOut, durationMs });
  };
  const unregister = d.onDeath((e) => finish(e));
  stream.on('data', (chunk: Buffer) => (sudo ? sudo.stdout(out.write(chunk)) : out.add(out.write(chunk))));
  stream.stderr.on('data', (chunk: Buffer) => (sudo ? sudo.stderr(err.write(chunk)) : err.add(err.write(chunk))));
  stream.on('exit', (exitCode: number | null, signalName?: string) => {
    code = typeof exitCode === 'number' ? exitCode : null;
    exitSignal = signalName ?? undefined;
  });
  // a channel closed by a dropping connection: the client's end/close mark it dead first or right after
  stream.on('close', () => setImmediate(() => finish(d.dead())));
  if (!sudo) sendStdin();
}

export type Collector = ReturnType<typeof collector>;

/** Answers sudo's prompt once, strips prompt and marker, and releases stdin after the marker. */
function sudoFilter(h: SudoHandshake, stream: ClientChannel, out: Collector, err: Collector, sendStdin: () => void) {
  let waiting = true;
  let pendingOut = '';
  let pendingErr = '';
  let answered = false;
  return {
    stdout(s: string) {
      if (!waiting) return out.add(s);
      pendingOut += s;
      const at = pendingOut.indexOf(`${h.marker}\n`);
      if (at < 0) return;
      waiting = false;
      out.add(pendingOut.slice(0, at) + pendingOut.slice(at + h.marker.length + 1));
      pendingOut = '';
      err.add(pendingErr.split(h.prompt).join(''));
      pendingErr = '';
      sendStdin();
    },
    stderr(s: string) {
      if (!waiting) return err.add(s);
      pendingErr += s;
      if (!pendingErr.includes(h.prompt)) return;
      if (answered) {
        err.add('sudo asked for the password again: ansible_become_password was not accepted\n');
        stream.close();
        return;
      }
      answered = true;
      pendingErr = pendingErr.split(h.prompt).join('');
      stream.write(`${h.password}\n`);
    },
    flush() {
      out.add(pendingOut);
      err.add(pendingErr.split(h.prompt).join(''));
      pendingOut = pendingErr = '';
    },
  };
}
