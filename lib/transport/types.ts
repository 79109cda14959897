/**
 * The transport interface: the same for SSH (ssh2, lib/transport/ssh.ts) and local (zx,
 * lib/transport/local.ts), so a role never knows where it runs.
 */
import type { Cmd } from '../shell.ts';

export interface RunOptions {
  /** Kill the command after this long; the result then has code null and timedOut true. */
  timeoutMs?: number;
  /**
   * false: the command bounds every wait itself (the host lock's scripts: `flock -w`), so the
   * host needs no `timeout` process around it (two processes less on the host); after timeoutMs
   * the transport only stops waiting (SSH: the persistent shell is closed), with the same result.
   * Default true: the host's `timeout -s KILL` ends the command.
   */
  hostTimeout?: boolean;
  /** Extra environment variables for the command. */
  env?: Record<string, string>;
  /** Written to the command's stdin, then stdin is closed. */
  stdin?: string | Buffer;
  /** Run through become (sudo) with the host's ansible_become_* settings. */
  become?: boolean;
  /** Streamed output, as it arrives. */
  onStdout?: (chunk: string) => void;
  onStderr?: (chunk: string) => void;
  /** Abort the command (Ctrl-C, run cancelled). */
  signal?: AbortSignal;
  /**
   * The command only reads: it changes nothing on the host, so answers prefetched on this
   * transport stay valid, and the identical prefetched command answers it (prefetch.ts). Any
   * call without it counts as a possible change and drops every prefetched answer.
   */
  readOnly?: boolean;
}

/** One read for Transport.prefetch: a read-only command, or a file's content (as `get` returns it). */
export type PrefetchRead =
  | { readonly cmd: Cmd; readonly become?: boolean; readonly merge?: ReadMerge }
  | { readonly file: string; readonly become?: boolean };

/**
 * Reads of one kind that one command answers together (lib/steps' path probes: one `stat` and
 * one `sha256sum` for every path instead of two processes each). Reads with the same `key` and
 * become in one prefetch are merged: `combine` gets each one's `data`, in order, and returns the
 * command and how its result splits into each read's own — exactly what that read's command
 * prints alone, or undefined when it cannot be sure (then that read runs on its own later).
 */
export interface ReadMerge {
  readonly key: string;
  readonly data: unknown;
  combine(data: readonly unknown[]): { cmd: Cmd; split(r: CommandResult): readonly (CommandResult | undefined)[] };
}

export interface MustOptions extends RunOptions {
  /** What to do next, shown under the error when the command fails. */
  hint?: string;
}

export interface CommandResult {
  /** Exit code; null when killed by timeout or signal. */
  code: number | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
  durationMs: number;
}

export interface PutOptions {
  /** File mode, e.g. 0o644. Default 0o644. */
  mode?: number;
  owner?: string;
  group?: string;
  /** Use become for the final rename/chown. */
  become?: boolean;
}

export interface Transport {
  /** The inventory host name. */
  readonly host: string;
  /** 'ssh' or 'local'. */
  readonly kind: 'ssh' | 'local';
  /** Run a command. Never throws for a non-zero exit; throws ConnectionError when the host is gone. */
  run(cmd: Cmd, options?: RunOptions): Promise<CommandResult>;
  /** Run a command that must succeed: a non-zero exit or timeout throws CommandError (lib/transport/must.ts). */
  must(cmd: Cmd, options?: MustOptions): Promise<CommandResult>;
  /** Write a file atomically (temp file in the same directory + rename), with mode and owner. */
  put(remotePath: string, content: string | Buffer, options?: PutOptions): Promise<void>;
  /** Read a file; undefined when it does not exist. */
  get(remotePath: string, options?: { become?: boolean }): Promise<Buffer | undefined>;
  /**
   * SSH only: a local TCP listener on 127.0.0.1 (ephemeral port) whose connections are forwarded
   * through this host's SSH connection to remoteHost:remotePort as seen from the host (the tunnel
   * to a k3s server's API port).
   */
  forward?(remoteHost: string, remotePort: number): Promise<{ port: number; close(): Promise<void> }>;
  /**
   * Run these reads as one remote command and keep each answer for the identical `run`/`must`
   * (with readOnly) or `get` that follows, once, until anything else runs or is put
   * (lib/transport/prefetch.ts). Optional: without it, each call reads for itself.
   */
  prefetch?(reads: readonly PrefetchRead[]): Promise<void>;
  /** Drop every prefetched answer now (the runner: another host of the play changed, and may be this machine). */
  forgetPrefetched?(): void;
  /**
   * How many calls that may change the host went through so far (every `run` without readOnly,
   * `put`, `close`): the runner compares it across a task to know whether any host changed.
   */
  changeCount?(): number;
  /** Close the connection (idempotent). */
  close(): Promise<void>;
}

/** Connection settings resolved from the inventory's ansible_* vars for one host. */
export interface ConnectionSpec {
  host: string;
  connection: 'ssh' | 'local';
  address: string;
  port: number;
  user: string;
  privateKeyFile?: string;
  /** Passphrase of an encrypted privateKeyFile (e.g. capstan_ssh_private_key_passphrase from a vault). */
  privateKeyPassphrase?: string;
  password?: string;
  become: boolean;
  becomeUser: string;
  becomePassword?: string;
  /** ansible_ssh_common_args / ansible_ssh_extra_args as given (ProxyJump is honoured). */
  sshCommonArgs?: string;
  /** Known-hosts file to verify against (default ~/.ssh/known_hosts). */
  knownHostsFile?: string;
  /**
   * Settings no var gave (`user`: no ansible_user, `port`: no ansible_port): ~/.ssh/config may
   * set them, as OpenSSH lets it when ansible-playbook puts no `-o User=` / `-o Port=` on the line.
   */
  defaulted?: readonly ('user' | 'port')[];
  /** Handshake timeout (ansible_timeout / ansible.cfg timeout), ms. */
  connectTimeoutMs?: number;
}
