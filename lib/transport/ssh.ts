/**
 * The SSH transport (ssh2; the only module tree that imports it): one connection per host, kept
 * for the run; every command is a channel on it, every file goes through one SFTP session.
 * See docs/ssh.md for auth, host keys, become and jump hosts.
 */
import pLimit from 'p-limit';
import { ConnectionError } from '../errors.ts';
import type { Cmd } from '../shell.ts';
import { connectSsh, type SshConnectOptions } from './ssh-connect.ts';
import { profile } from '../report/profile.ts';
import { execOnChannel, remoteCommand, shellCommand, sudoHandshake, type BecomeSettings } from './ssh-exec.ts';
import { shellPool } from './ssh-shell.ts';
import { tunnelOps } from './ssh-tunnel.ts';
import { makeFileOps } from './ssh-files.ts';
import { withPrefetch } from './prefetch.ts';
import type { CommandResult, ConnectionSpec, RunOptions, Transport } from './types.ts';

export type SshTransportOptions = Pick<SshConnectOptions, 'acceptNewHostKeys' | 'connectTimeoutMs' | 'signal' | 'retries' | 'system' | 'askPassphrase'>;

/**
 * Channels open at once per connection. OpenSSH's default MaxSessions is 10 (the SFTP session
 * and tunnels count too), so commands beyond this wait; with the persistent shells and SFTP that stays under 10.
 */
const MAX_CHANNELS = 6;
/** Persistent shells per host (ssh-shell.ts); commands beyond them use one exec channel each. */
const SHELLS = 3;

export async function openSshTransport(spec: ConnectionSpec, options: SshTransportOptions = {}): Promise<Transport> {
  const { client, jumps } = await profile.time('ssh connect', () => connectSsh(spec, options));
  let dead: ConnectionError | undefined;
  let closing = false;
  const deathWatchers = new Set<(err: ConnectionError) => void>();
  const markDead = (why: string) => {
    if (dead) return;
    dead = new ConnectionError(spec.host, closing ? 'connection closed' : `connection lost: ${why}`, {
      hint: 'the host went away or sshd stopped; it is marked unreachable for the rest of the run',
    });
    for (const fn of deathWatchers) fn(dead);
    deathWatchers.clear();
  };
  client.on('error', (err: Error) => markDead(err.message));
  client.on('end', () => markDead('the server closed the connection'));
  client.on('close', () => markDead('the connection closed'));

  const become: BecomeSettings = { user: spec.user, becomeUser: spec.becomeUser };
  const limit = pLimit(MAX_CHANNELS);
  const deps = {
    client, host: spec.host,
    dead: () => dead,
    onDeath(fn: (err: ConnectionError) => void) {
      deathWatchers.add(fn);
      return () => { deathWatchers.delete(fn); };
    },
  };

  const shells = shellPool(deps, SHELLS);
  const remoteOptions = (o: RunOptions, useBecome: boolean) => ({
    become: useBecome,
    ...(o.env ? { env: o.env } : {}),
    ...(o.timeoutMs !== undefined ? { timeoutMs: o.timeoutMs } : {}),
  });
  const needsSudo = (b: boolean | undefined) => (b ?? spec.become) && spec.becomeUser !== spec.user;
  function run(cmd: Cmd, o: RunOptions = {}): Promise<CommandResult> {
    if (dead) return Promise.reject(dead);
    const useBecome = o.become ?? spec.become;
    const handshake = needsSudo(o.become) && spec.becomePassword !== undefined ? sudoHandshake(spec.becomePassword) : undefined;
    const text = remoteCommand(cmd, { ...remoteOptions(o, useBecome), ...(handshake ? { handshake } : {}) }, become);
    if (o.stdin !== undefined || handshake) return limit(() => profile.time('remote command', () => execOnChannel(deps, text, o, handshake)));
    return limit(() => profile.time('remote command', async () => {
      const shell = await shells.acquire();
      if (!shell) return execOnChannel(deps, text, o);
      // hostTimeout false: no `timeout` on the host; the shell's own deadline gives up (ssh-shell.ts)
      const { timeoutMs: _, ...untimed } = o;
      return shell.run(shellCommand(cmd, remoteOptions(o.hostTimeout === false ? untimed : o, useBecome), become), o);
    }));
  }

  const files = makeFileOps({ ...deps, run, needsSudo });
  const tunnels = tunnelOps(client, spec.host, () => dead);

  async function close(): Promise<void> {
    if (closing) return;
    closing = true;
    await tunnels.closeAll();
    files.close();
    shells.closeAll();
    client.end();
    for (const j of jumps) j.end();
  }

  return withPrefetch({ host: spec.host, kind: 'ssh', run, put: files.put, get: files.get, forward: tunnels.forward, close });
}
