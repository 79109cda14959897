/**
 * One lab host: a network namespace with a veth on the lab bridge, a "holder" process that owns
 * the host's private mount namespace (bind mounts of per-host dirs over /etc/rancher,
 * /var/lib/rancher, /usr/local/bin, /opt, /run/lock and an empty /root), and an sshd started inside both.
 * Everything else (exec, spawn) enters the holder's namespaces with nsenter, so stopping sshd
 * leaves the host's files and background programs alone.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, openSync, closeSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import type { LabHostState } from './lab-state.ts';
import { mustExec, pollUntil } from './lab-sys.ts';

/** Host paths that each lab host gets privately (bind mounts of dirs under its fsDir). */
export const PRIVATE_DIRS = ['/etc/rancher', '/var/lib/rancher', '/usr/local/bin', '/opt', '/root', '/run/lock'] as const;

const SSHD = '/usr/sbin/sshd';
const SFTP_SERVER = '/usr/lib/openssh/sftp-server';

/** Create the netns and its veth into the bridge, with the host's address. */
export async function createNetns(h: LabHostState, bridge: string): Promise<void> {
  await mustExec(['ip', 'netns', 'add', h.netns]);
  await mustExec(['ip', 'link', 'add', h.veth, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', h.netns]);
  await mustExec(['ip', 'link', 'set', h.veth, 'master', bridge, 'up']);
  await mustExec(['ip', '-n', h.netns, 'addr', 'add', `${h.ip}/24`, 'dev', 'eth0']);
  await mustExec(['ip', '-n', h.netns, 'link', 'set', 'lo', 'up']);
  await mustExec(['ip', '-n', h.netns, 'link', 'set', 'eth0', 'up']);
}

/**
 * Start the holder: `ip netns exec` + `unshare --mount`, bind mounts, then `sleep infinity`
 * (exec keeps the PID). The mount targets are passed as arguments, never spliced into the script.
 */
export async function startHolder(h: LabHostState, privateDirs: readonly string[]): Promise<number> {
  const args: string[] = [];
  for (const target of privateDirs) {
    const source = join(h.fsDir, target);
    mkdirSync(source, { recursive: true, mode: target === '/root' ? 0o700 : 0o755 });
    args.push(source, target);
  }
  const script = 'set -e; while [ $# -gt 0 ]; do mkdir -p "$2"; mount --bind "$1" "$2"; shift 2; done; echo ready; exec sleep infinity';
  const child = spawn('ip', ['netns', 'exec', h.netns, 'unshare', '--mount', '--propagation', 'private', '/bin/sh', '-c', script, 'lab-holder', ...args], {
    detached: true, stdio: ['ignore', 'pipe', 'pipe'], cwd: '/',
  });
  const pid = child.pid;
  if (pid === undefined) throw new Error(`lab: could not start the namespace holder for ${h.name}`);
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => { stderr += d.toString(); });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => { if (d.toString().includes('ready')) resolve(); });
    child.once('exit', (code) => reject(new Error(`lab: namespace holder for ${h.name} exited ${code}: ${stderr.trim()}`)));
    child.once('error', reject);
  });
  child.stdout.destroy();
  child.stderr.destroy();
  child.unref();
  return pid;
}

export interface SshdFiles {
  hostKey: string;
  authorizedKeys: string;
  logFile: string;
}

/** sshd options: no config file, everything explicit. */
function sshdArgs(h: LabHostState, files: SshdFiles): string[] {
  const opts = [
    `HostKey=${files.hostKey}`, `ListenAddress=${h.ip}`, 'Port=22', 'PidFile=none',
    `AuthorizedKeysFile=${files.authorizedKeys}`, 'PermitRootLogin=prohibit-password', 'PubkeyAuthentication=yes',
    'PasswordAuthentication=no', 'KbdInteractiveAuthentication=no', 'UsePAM=no', 'StrictModes=no', 'UseDNS=no',
    'PrintMotd=no', 'PrintLastLog=no', `Subsystem=sftp ${SFTP_SERVER}`, 'MaxStartups=200', 'MaxSessions=200',
    'AllowTcpForwarding=yes', 'LogLevel=ERROR',
  ];
  return ['-D', '-f', '/dev/null', '-E', files.logFile, ...opts.flatMap((o) => ['-o', o])];
}

/** Start sshd inside the holder's namespaces and wait until it answers with an SSH banner. */
export async function startSshdIn(h: LabHostState, files: SshdFiles): Promise<number> {
  if (!h.holderPid) throw new Error(`lab: host ${h.name} has no namespace holder`);
  mkdirSync('/run/sshd', { recursive: true });
  const log = openSync(files.logFile, 'a');
  const child = spawn('nsenter', ['-t', String(h.holderPid), '-n', '-m', '--', SSHD, ...sshdArgs(h, files)], {
    detached: true, stdio: ['ignore', log, log], cwd: '/',
  });
  closeSync(log);
  const pid = child.pid;
  if (pid === undefined) throw new Error(`lab: could not start sshd for ${h.name}`);
  let exited: number | null | undefined;
  child.once('exit', (code) => { exited = code; });
  child.unref();
  await pollUntil(`sshd of ${h.name} (${h.ip}:22) to send its banner (log: ${files.logFile})`, async () => {
    if (exited !== undefined) throw new Error(`sshd exited ${exited}; see ${files.logFile}`);
    return (await sshBanner(h.ip, 22)) ? true : undefined;
  }, 15_000);
  return pid;
}

/** True when ip:port answers with "SSH-2.0" (one short attempt). */
export function sshBanner(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: ip, port, timeout: 1000 });
    const done = (ok: boolean) => { socket.destroy(); resolve(ok); };
    socket.once('data', (d) => done(d.toString().startsWith('SSH-')));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}
