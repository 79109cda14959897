/**
 * Opening one authenticated ssh2 connection (through ProxyJump hops when the inventory names
 * them), with host keys verified against known_hosts before any credential is sent.
 * Transient network failures are retried (p-retry, bounded); host-key and authentication
 * failures are not. Every failure is a ConnectionError naming the host and what to do.
 */
import { readFileSync } from 'node:fs';
import pRetry, { AbortError } from 'p-retry';
import ssh2, { type AnyAuthMethod, type ConnectConfig, type Client } from 'ssh2';
import { ConnectionError } from '../errors.ts';
import { posixQuote } from '../shell.ts';
import {
  fingerprint, keyTypeOf, knownHostName, knownHostsLine, knownKeyTypes, readKnownHosts, recordHostKey, verifyHostKey,
} from './known-hosts.ts';
import { registerSecret } from '../secrets.ts';
import { sshSocket } from './ssh-socket.ts';
import { resolveTarget, sshSystem, type SshHop, type SshSystem, type SshTarget } from './ssh-target.ts';
import type { ConnectionSpec } from './types.ts';

export interface SshConnectOptions {
  /** Record the key of a host not in known_hosts (never a changed key). */
  acceptNewHostKeys?: boolean;
  /** Handshake timeout per attempt (default: ConnectTimeout from ssh config / ansible_timeout, else 10 s). */
  connectTimeoutMs?: number;
  signal?: AbortSignal;
  /** Attempts after the first for transient failures (default 2). */
  retries?: number;
  /** The machine's SSH files and agent (default: sshSystem(process.env)). */
  system?: SshSystem;
  /** Asks for the passphrase of an encrypted key (on a terminal); undefined when nobody can answer. */
  askPassphrase?: (keyFile: string) => Promise<string | undefined>;
}

export interface SshConnection {
  client: Client;
  /** Clients of the jump hosts, closed together with the target. */
  jumps: Client[];
}

/** Prefer curve25519-sha256: OpenSSH 9.2's default (sntrup761x25519) costs ~70 ms more per handshake. */
const KEX = ['curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256', 'ecdh-sha2-nistp384', 'diffie-hellman-group14-sha256'];

type Hop = SshHop;

/** The known_hosts files read for a host (user's, then the system's), as resolveTarget finds them. */
export function knownHostsFilesFor(spec: ConnectionSpec, system: SshSystem = sshSystem()): string[] {
  return resolveTarget(spec, system).knownHostsFiles;
}

interface KeyContext { spec: ConnectionSpec; options: SshConnectOptions; batchMode: boolean }

/** A key file's publickey method; undefined for a default key that is missing or cannot be decrypted. */
async function keyMethod(file: string, user: string, ctx: KeyContext, isDefault: boolean): Promise<AnyAuthMethod | undefined> {
  const { spec } = ctx;
  let key: Buffer;
  try {
    key = readFileSync(file);
  } catch (err) {
    if (isDefault && (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ConnectionError(spec.host, `cannot read private key ${file}: ${(err as Error).message}`, { hint: 'fix ansible_ssh_private_key_file (or IdentityFile in ~/.ssh/config)' });
  }
  let passphrase = spec.privateKeyPassphrase;
  let parsed = ssh2.utils.parseKey(key, passphrase);
  if (parsed instanceof Error && passphrase === undefined && !ctx.batchMode && ctx.options.askPassphrase) {
    passphrase = await ctx.options.askPassphrase(file);
    if (passphrase !== undefined) {
      registerSecret(passphrase);
      parsed = ssh2.utils.parseKey(key, passphrase);
    }
  }
  if (parsed instanceof Error) {
    if (isDefault) return undefined;
    throw new ConnectionError(spec.host, `cannot use private key ${file}: ${parsed.message}`, {
      hint: 'an encrypted key needs capstan_ssh_private_key_passphrase (put it in a vault), a terminal to ask on, or ssh-agent',
    });
  }
  return { type: 'publickey' as const, username: user, key, ...(passphrase ? { passphrase } : {}) };
}

/** Keys named anywhere (vars, ssh args, ssh_config), else the default keys; the agent unless IdentitiesOnly; the password. */
async function authMethods(target: SshTarget, hop: Hop, ctx: KeyContext): Promise<AnyAuthMethod[]> {
  const { spec } = ctx;
  const methods: AnyAuthMethod[] = [];
  const named = hop === target ? target.identityFiles : [...hop.identityFiles, ...target.identityFiles];
  for (const file of [...new Set(named)]) methods.push((await keyMethod(file, hop.user, ctx, false))!);
  if (named.length === 0) {
    for (const file of target.defaultKeys) {
      const m = await keyMethod(file, hop.user, ctx, true);
      if (m) methods.push(m);
    }
  }
  const agent = (ctx.options.system ?? sshSystem()).agentSock;
  if (agent && !target.identitiesOnly) methods.push({ type: 'agent' as const, username: hop.user, agent });
  if (spec.password !== undefined) methods.push({ type: 'password' as const, username: hop.user, password: spec.password });
  if (methods.length === 0) {
    throw new ConnectionError(spec.host, 'no way to authenticate', {
      hint: 'set ansible_ssh_private_key_file (or IdentityFile in ~/.ssh/config), create ~/.ssh/id_ed25519, start ssh-agent (SSH_AUTH_SOCK), or set ansible_password',
    });
  }
  return methods;
}

/** A ConnectionError for a refused host key, or undefined when the key is accepted. */
function checkHostKey(host: string, hop: Hop, files: string[], acceptNew: boolean, key: Buffer): ConnectionError | undefined {
  const name = knownHostName(hop.address, hop.port);
  const verdict = verifyHostKey(files.flatMap(readKnownHosts), name, key);
  const fp = `${keyTypeOf(key)} ${fingerprint(key)}`;
  const file = files[0]!;
  if (verdict.kind === 'match') return undefined;
  if (verdict.kind === 'unknown') {
    if (acceptNew) {
      recordHostKey(file, name, key);
      return undefined;
    }
    return new ConnectionError(host, `host key of ${hop.label} (${name}) is not known: ${fp} (not in ${files.join(', ')})`, {
      hint: `check that fingerprint with the host's owner (on the host: ssh-keygen -lf /etc/ssh/ssh_host_${keyTypeOf(key).replace(/^ssh-/, '')}_key.pub), then accept it:\n` +
        `  echo ${posixQuote(knownHostsLine(name, key))} >> ${posixQuote(file)}\n  or run again with --accept-new-host-keys`,
    });
  }
  const why = verdict.kind === 'revoked' ? 'is marked @revoked' : `differs from the ${verdict.knownType} key on line ${verdict.line}`;
  return new ConnectionError(host, `HOST KEY CHANGED for ${hop.label} (${name}): the server presented ${fp}, which ${why} of ${files.join(', ')}. ` +
    'Someone may be intercepting the connection; capstan refuses to connect.', {
    hint: `if the host was really reinstalled, remove the old key with: ssh-keygen -R ${posixQuote(name)} -f ${posixQuote(file)}`,
  });
}

const TRANSIENT = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EAI_AGAIN']);

/** One handshake to one hop; `sock` is the stream through the previous hop, if any. */
async function handshake(target: SshTarget, hop: Hop, ctx: KeyContext, sock?: NodeJS.ReadableStream): Promise<Client> {
  const { spec, options } = ctx;
  const files = target.knownHostsFiles;
  const authHandler = await authMethods(target, hop, ctx);
  const client = new ssh2.Client();
  let refused: ConnectionError | undefined;
  const entries = files.flatMap(readKnownHosts);
  const preferred = knownKeyTypes(entries, knownHostName(hop.address, hop.port));
  const config: ConnectConfig = {
    host: hop.address, port: hop.port, username: hop.user,
    readyTimeout: options.connectTimeoutMs ?? spec.connectTimeoutMs ?? target.connectTimeoutMs ?? 10_000,
    keepaliveInterval: target.keepaliveIntervalMs ?? 5_000, keepaliveCountMax: target.keepaliveCountMax ?? 3,
    authHandler,
    algorithms: { kex: { prepend: KEX } as never, ...(preferred.length ? { serverHostKey: { prepend: preferred } as never } : {}) },
    hostVerifier: (key: Buffer) => {
      refused = checkHostKey(spec.host, hop, files, options.acceptNewHostKeys ?? false, key);
      return refused === undefined;
    },
    // a jump host's forwarded stream, or a socket that sends what one tick writes as one segment
    sock: (sock ?? sshSocket(hop.address, hop.port)) as never,
  };
  return new Promise((resolve, reject) => {
    client.once('ready', () => {
      client.removeAllListeners('error');
      resolve(client);
    });
    client.once('error', (err: Error & { level?: string; code?: string }) => {
      client.end();
      if (refused) return reject(new AbortError(refused));
      const where = `${hop.label} (${hop.user}@${hop.address}:${hop.port})`;
      if (err.level === 'client-authentication') {
        return reject(new AbortError(new ConnectionError(spec.host, `authentication failed at ${where}: ${err.message}`, {
          hint: 'check ansible_user, ansible_ssh_private_key_file / ssh-agent / ansible_password and the authorized_keys on the host',
        })));
      }
      const transient = err.level === 'client-timeout' || (err.code !== undefined && TRANSIENT.has(err.code)) || /before handshake|Connection lost/.test(err.message);
      const wrapped = new ConnectionError(spec.host, `cannot connect to ${where}: ${err.message}`, { cause: err, hint: 'is the host up and sshd running? check ansible_host and ansible_port' });
      reject(transient ? wrapped : new AbortError(wrapped));
    });
    // Ctrl-C while connecting: drop the handshake at once (p-retry stops retrying on the same signal)
    const signal = options.signal;
    const onAbort = () => {
      client.end();
      reject(new AbortError(signal?.reason instanceof Error ? signal.reason : new Error(`connecting to ${hop.label} was interrupted`)));
    };
    if (signal?.aborted) return onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    client.once('ready', () => signal?.removeEventListener('abort', onAbort));
    client.once('close', () => signal?.removeEventListener('abort', onAbort));
    // TCP_NODELAY from the first byte (sshSocket), not once ready: the handshake and the
    // authentication are small request/response exchanges too, and with Nagle + delayed ACK each of
    // their ~5 round trips waited ~40 ms (a connect took ~240 ms on the lab, ~75 ms with this).
    client.connect(config);
  });
}

function forwardThrough(via: Client, hop: Hop, host: string): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, hop.address, hop.port, (err, stream) => {
      if (err) reject(new ConnectionError(host, `jump host cannot reach ${hop.address}:${hop.port}: ${err.message}`));
      else resolve(stream);
    });
  });
}

/** Connect to the host (through its jump hosts), retrying transient failures a bounded number of times. */
export async function connectSsh(spec: ConnectionSpec, options: SshConnectOptions = {}): Promise<SshConnection> {
  const target = resolveTarget(spec, options.system ?? sshSystem());
  const opts = { ...options, acceptNewHostKeys: options.acceptNewHostKeys || target.strictHostKeyChecking === 'accept-new' };
  const ctx: KeyContext = { spec, options: opts, batchMode: target.batchMode };
  const attempt = async (): Promise<SshConnection> => {
    const clients: Client[] = [];
    try {
      let sock: NodeJS.ReadableStream | undefined;
      for (const hop of [...target.jumps, target]) {
        if (clients.length) sock = await forwardThrough(clients[clients.length - 1]!, hop, spec.host);
        clients.push(await handshake(target, hop, ctx, sock));
      }
      const client = clients.pop()!;
      return { client, jumps: clients };
    } catch (err) {
      for (const c of clients) c.end();
      throw err;
    }
  };
  try {
    return await pRetry(attempt, { retries: options.retries ?? 2, minTimeout: 150, factor: 2, ...(options.signal ? { signal: options.signal } : {}) });
  } catch (err) {
    if (err instanceof ConnectionError) throw err;
    throw new ConnectionError(spec.host, `cannot connect: ${(err as Error).message}`, { cause: err });
  }
}
