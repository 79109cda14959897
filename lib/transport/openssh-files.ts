/**
 * The machine's SSH client files and agent, as OpenSSH finds them: ~/.ssh/config, /etc/ssh/ssh_config,
 * ~/.ssh/known_hosts and /etc/ssh/ssh_known_hosts, SSH_AUTH_SOCK. HOME and CAPSTAN_SYSCONFDIR
 * (replacing /etc) make every path injectable, so tests never read the machine's own.
 */
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';

/** The machine's SSH client files and agent. Defaults: sshSystem(process.env). */
export interface SshSystem {
  readonly home: string;
  readonly localUser: string;
  /** ~/.ssh/config */
  readonly userConfig: string;
  /** /etc/ssh/ssh_config */
  readonly systemConfig: string;
  /** /etc/ssh/ssh_known_hosts, /etc/ssh/ssh_known_hosts2 (GlobalKnownHostsFile's default). */
  readonly systemKnownHosts: readonly string[];
  /** SSH_AUTH_SOCK */
  readonly agentSock?: string;
}

/** The SshSystem of this machine: HOME, and `/etc` unless CAPSTAN_SYSCONFDIR points elsewhere (tests). */
export function sshSystem(env: Readonly<Record<string, string | undefined>> = process.env): SshSystem {
  const home = env.HOME || homedir();
  const etc = env.CAPSTAN_SYSCONFDIR || '/etc';
  let localUser = env.USER || '';
  try {
    localUser = userInfo().username;
  } catch { /* no passwd entry: keep $USER */ }
  return {
    home, localUser,
    userConfig: join(home, '.ssh/config'),
    systemConfig: join(etc, 'ssh/ssh_config'),
    systemKnownHosts: [join(etc, 'ssh/ssh_known_hosts'), join(etc, 'ssh/ssh_known_hosts2')],
    ...(env.SSH_AUTH_SOCK ? { agentSock: env.SSH_AUTH_SOCK } : {}),
  };
}

