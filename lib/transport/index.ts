/**
 * Opening a transport from a ConnectionSpec: local (zx), or SSH (ssh2, lib/transport/ssh.ts,
 * imported only when an SSH host is actually used, so offline paths never load ssh2).
 */
import { localOptionsFromSpec, localTransport } from './local.ts';
import type { ConnectionSpec, Transport } from './types.ts';

export interface OpenTransportOptions {
  /** Trust and record the key of a host not yet in known_hosts (--accept-new-host-keys). Never for a changed key. */
  acceptNewHostKeys?: boolean;
  /** Abort connecting (Ctrl-C). */
  signal?: AbortSignal;
}

export async function openTransport(spec: ConnectionSpec, options: OpenTransportOptions = {}): Promise<Transport> {
  if (spec.connection === 'local') return localTransport(localOptionsFromSpec(spec));
  const { openSshTransport } = await import('./ssh.ts');
  return openSshTransport(spec, options);
}

export { connectionSpec } from './connection.ts';
export { localTransport } from './local.ts';
