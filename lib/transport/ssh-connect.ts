/**
 * Opening one authenticated ssh2 connection (through ProxyJump hops when the inventory names
 * them), with host keys verified against known_hosts before any credential is sent.
 * Transient network failures are retried (p-retry, bounded); host-key and authentication
 * failures are not. Every failure is a ConnectionError naming the host and what to do.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import pRetry, { AbortError } from 'p-retry';
import ssh2, { type AnyAuthMethod, type ConnectConfig, type Client } from 'ssh2';
import { ConnectionError } from '../errors.ts';
import { posixQuote } from '../shell.ts';
import {
  fingerprint, keyTypeOf, knownHostName, knownHostsLine, knownKeyTypes, readKnownHosts, recordHostKey, verifyHostKey,
} from './known-hosts.ts';
import { parseSshArgs, type JumpSpec, type SshArgs } from './ssh-args.ts';
import type { ConnectionSpec } from './types.ts';

export interface SshConnectOptions {
  /** Record the key of a host not in known_hosts (never a changed key). */
  acceptNewHostKeys?: boolean;
  /** Handshake timeout per attempt (default 10 s). */
  connectTimeoutMs?: number;
  signal?: AbortSignal;
  /** Attempts after the first for transient failures (default 2). */
  retries?: number;
}

export interface SshConnection {
  client: Client;
  /** Clients of the jump hosts, closed together with the target. */
  jumps: Client[];
}

/** Prefer curve25519-sha256: OpenSSH 9.2's default (sntrup761x25519) costs ~70 ms more per handshake. */
const KEX = ['curve25519-sha256', 'curve25519-sha256@libssh.org', 'ecdh-sha2-nistp256', 'ecdh-sha2-nistp384', 'diffie-hellman-group14-sha256'];

interface Hop {
  label: string;
  address: string;
  port: number;
  user: string;
}

/** The known_hosts files: the spec's, else UserKnownHostsFile from the ssh args, else ~/.ssh/known_hosts. */
export function knownHostsFilesFor(spec: ConnectionSpec, args: SshArgs = parseSshArgs(spec.sshCommonArgs)): string[] {
  if (spec.knownHostsFile) return [spec.knownHostsFile];
  const fromArgs = args.knownHostsFiles;
  return fromArgs.length ? fromArgs : [`${homedir()}/.ssh/known_hosts`];
}

function authMethods(spec: ConnectionSpec, user: string): AnyAuthMethod[] {
  const methods: AnyAuthMethod[] = [];
  if (spec.privateKeyFile) {
    let key: Buffer;
    try {
      key = readFileSync(spec.privateKeyFile);
    } catch (err) {
      throw new ConnectionError(spec.host, `cannot read private key ${spec.privateKeyFile}: ${(err as Error).message}`, { hint: 'fix ansible_ssh_private_key_file' });
    }
    const parsed = ssh2.utils.parseKey(key, spec.privateKeyPassphrase);
    if (parsed instanceof Error) {
      throw new ConnectionError(spec.host, `cannot use private key ${spec.privateKeyFile}: ${parsed.message}`, {
        hint: 'an encrypted key needs capstan_ssh_private_key_passphrase (put it in a vault), or load the key into ssh-agent',
      });
    }
    methods.push({ type: 'publickey' as const, username: user, key, ...(spec.privateKeyPassphrase ? { passphrase: spec.privateKeyPassphrase } : {}) });
  }
  if (process.env.SSH_AUTH_SOCK) methods.push({ type: 'agent' as const, username: user, agent: process.env.SSH_AUTH_SOCK });
  if (spec.password !== undefined) methods.push({ type: 'password' as const, username: user, password: spec.password });
  if (methods.length === 0) {
    throw new ConnectionError(spec.host, 'no way to authenticate', { hint: 'set ansible_ssh_private_key_file, start ssh-agent (SSH_AUTH_SOCK), or set ansible_password' });
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
function handshake(spec: ConnectionSpec, hop: Hop, options: SshConnectOptions, files: string[], sock?: NodeJS.ReadableStream): Promise<Client> {
  const client = new ssh2.Client();
  let refused: ConnectionError | undefined;
  const entries = files.flatMap(readKnownHosts);
  const preferred = knownKeyTypes(entries, knownHostName(hop.address, hop.port));
  const config: ConnectConfig = {
    host: hop.address, port: hop.port, username: hop.user,
    readyTimeout: options.connectTimeoutMs ?? 10_000,
    keepaliveInterval: 5_000, keepaliveCountMax: 3,
    authHandler: authMethods(spec, hop.user),
    algorithms: { kex: { prepend: KEX } as never, ...(preferred.length ? { serverHostKey: { prepend: preferred } as never } : {}) },
    hostVerifier: (key: Buffer) => {
      refused = checkHostKey(spec.host, hop, files, options.acceptNewHostKeys ?? false, key);
      return refused === undefined;
    },
    ...(sock ? { sock: sock as never } : {}),
  };
  return new Promise((resolve, reject) => {
    client.once('ready', () => {
      // commands are small request/response exchanges: without this, Nagle + delayed ACK add ~40 ms each
      client.setNoDelay(true);
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

function hopsFor(spec: ConnectionSpec, args: SshArgs): Hop[] {
  const jumps: JumpSpec[] = args.jumps;
  const hops: Hop[] = jumps.map((j, i) => ({ label: `jump host ${i + 1} ${j.address}`, address: j.address, port: j.port, user: j.user ?? spec.user }));
  hops.push({ label: spec.host, address: spec.address, port: spec.port, user: spec.user });
  return hops;
}

/** Connect to the host (through its jump hosts), retrying transient failures a bounded number of times. */
export async function connectSsh(spec: ConnectionSpec, options: SshConnectOptions = {}): Promise<SshConnection> {
  const args = parseSshArgs(spec.sshCommonArgs);
  const files = knownHostsFilesFor(spec, args);
  const strict = args.strictHostKeyChecking;
  const opts = { ...options, acceptNewHostKeys: options.acceptNewHostKeys || strict === 'accept-new' };
  const attempt = async (): Promise<SshConnection> => {
    const clients: Client[] = [];
    try {
      let sock: NodeJS.ReadableStream | undefined;
      for (const hop of hopsFor(spec, args)) {
        if (clients.length) sock = await forwardThrough(clients[clients.length - 1]!, hop, spec.host);
        clients.push(await handshake(spec, hop, opts, files, sock));
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
