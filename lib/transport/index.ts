/**
 * Opening a transport from a ConnectionSpec: local (zx), or SSH (ssh2, lib/transport/ssh.ts,
 * imported only when an SSH host is actually used, so offline paths never load ssh2).
 */
import { localOptionsFromSpec, localTransport } from './local.ts';
import type { SshSystem } from './ssh-target.ts';
import type { ConnectionSpec, Transport } from './types.ts';

export interface OpenTransportOptions {
  /** Trust and record the key of a host not yet in known_hosts (--accept-new-host-keys). Never for a changed key. */
  acceptNewHostKeys?: boolean;
  /** Abort connecting (Ctrl-C). */
  signal?: AbortSignal;
  /** The machine's SSH client files and agent (ssh-target.ts; default: from HOME and /etc). */
  system?: SshSystem;
  /** Asks for an encrypted key's passphrase on a terminal (undefined: nobody can answer). */
  askPassphrase?: (keyFile: string) => Promise<string | undefined>;
}

export async function openTransport(spec: ConnectionSpec, options: OpenTransportOptions = {}): Promise<Transport> {
  if (spec.connection === 'local') return localTransport(localOptionsFromSpec(spec));
  const { openSshTransport } = await import('./ssh.ts');
  return openSshTransport(spec, options);
}

export { connectionSpec } from './connection.ts';
export { localTransport } from './local.ts';
