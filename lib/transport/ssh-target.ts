/**
 * Where and how to connect to one host, as `ansible-playbook` + OpenSSH would: Ansible puts the
 * inventory's connection vars on ssh's command line (`-o User=` only when ansible_user /
 * remote_user is set, `-o Port=` only when ansible_port is, `-o IdentityFile=`, then
 * ansible_ssh_common_args and ansible_ssh_extra_args), and OpenSSH takes the first value of each
 * option from the command line, then `~/.ssh/config`, then `/etc/ssh/ssh_config`. So inventory
 * vars win over ssh_config, and ssh_config fills in what they leave out (HostName, User, Port,
 * IdentityFile, ProxyJump, ...). Every system path comes from SshSystem (tests use temp ones).
 */
import { join } from 'node:path';
import { HONOURED, parseJump, parseSshArgs, strictness } from './openssh-args.ts';
import { lookupSshConfig, type SshConfigSource, type SshOptions } from './ssh-config.ts';
import type { SshSystem } from './openssh-files.ts';
import type { ConnectionSpec } from './types.ts';

export { sshSystem, type SshSystem } from './openssh-files.ts';

export interface SshHop {
  label: string;
  address: string;
  port: number;
  user: string;
  identityFiles: string[];
}

export interface SshTarget extends SshHop {
  /** Jump hosts, in order (each resolved through ssh_config too, as `ssh -J` does). */
  jumps: SshHop[];
  /** IdentitiesOnly: only the identity files, not the agent's keys. */
  identitiesOnly: boolean;
  /** No identity file was named anywhere: try ~/.ssh/id_ed25519, id_ecdsa, id_rsa (as ssh does). */
  defaultKeys: string[];
  /** Files read to verify host keys; unknown keys are recorded in the first. */
  knownHostsFiles: string[];
  strictHostKeyChecking?: 'yes' | 'accept-new';
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  connectTimeoutMs?: number;
  /** BatchMode yes: never ask for a passphrase. */
  batchMode: boolean;
  /** Options of the ssh args that capstan does not apply, by OpenSSH name. */
  ignored: string[];
}

/** OpenSSH's percent tokens in paths and HostName: %% %d %h %n %p %r %u, and a leading ~. */
function expand(value: string, t: { home: string; host: string; original: string; port: number; user: string; localUser: string }): string {
  const tokens: Record<string, string> = { '%': '%', d: t.home, h: t.host, n: t.original, p: String(t.port), r: t.user, u: t.localUser };
  return value.replace(/^~(?=\/|$)/, t.home).replace(/%([%dhnpru])/g, (_, k: string) => tokens[k]!);
}

const num = (v: string | undefined): number | undefined => (v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined);
const yes = (v: string | undefined): boolean => v?.toLowerCase() === 'yes';

function configSources(configFile: string | undefined, system: SshSystem): SshConfigSource[] {
  if (configFile) return [{ file: configFile.replace(/^~(?=\/)/, system.home), base: join(system.home, '.ssh') }];
  return [{ file: system.userConfig, base: join(system.home, '.ssh') }, { file: system.systemConfig }];
}

/** Command line first (vars, then the ssh args), then the config files: the first value wins. */
function merged(cmd: SshOptions, conf: SshOptions): (name: string) => string[] | undefined {
  return (name) => (name === 'identityfile' ? [...(cmd.get(name) ?? []), ...(conf.get(name) ?? [])] : cmd.get(name) ?? conf.get(name));
}

function hop(label: string, host: string, given: { user?: string; port?: number }, sources: SshConfigSource[], system: SshSystem, fallbackUser: string): SshHop {
  const conf = lookupSshConfig(host, given.user, sources, system.home);
  const user = given.user ?? conf.get('user')?.[0] ?? fallbackUser;
  const port = given.port ?? num(conf.get('port')?.[0]) ?? 22;
  const t = { home: system.home, host, original: host, port, user, localUser: system.localUser };
  const address = expand(conf.get('hostname')?.[0] ?? host, t);
  const identityFiles = (conf.get('identityfile') ?? []).map((f) => expand(f, { ...t, host: address }));
  return { label, address, port, user, identityFiles };
}

export function resolveTarget(spec: ConnectionSpec, system: SshSystem): SshTarget {
  const args = parseSshArgs(spec.sshCommonArgs);
  const cmd: SshOptions = new Map();
  const defaulted = new Set(spec.defaulted ?? []);
  if (!defaulted.has('user')) cmd.set('user', [spec.user]);
  if (!defaulted.has('port')) cmd.set('port', [String(spec.port)]);
  if (spec.privateKeyFile) cmd.set('identityfile', [spec.privateKeyFile]);
  if (spec.knownHostsFile) cmd.set('userknownhostsfile', [spec.knownHostsFile]);
  for (const [k, v] of args.options) if (HONOURED.has(k)) cmd.set(k, k === 'identityfile' ? [...(cmd.get(k) ?? []), ...v] : cmd.get(k) ?? v);
  const sources = configSources(args.configFile, system);
  const conf = lookupSshConfig(spec.address, cmd.get('user')?.[0], sources, system.home);
  const get = merged(cmd, conf);
  const user = get('user')?.[0] ?? spec.user;
  const port = num(get('port')?.[0]) ?? 22;
  const t = { home: system.home, host: spec.address, original: spec.address, port, user, localUser: system.localUser };
  const address = expand(get('hostname')?.[0] ?? spec.address, t);
  const tt = { ...t, host: address };
  const identityFiles = [...new Set(get('identityfile')!.map((f) => expand(f, tt)))];
  const jumpValue = get('proxyjump')?.[0];
  const jumps = (jumpValue ? parseJump(jumpValue) : []).map((j, i) =>
    hop(`jump host ${i + 1} ${j.address}`, j.address, { ...(j.user ? { user: j.user } : {}), ...(j.port !== 22 ? { port: j.port } : {}) }, sources, system, user));
  const userKnown = get('userknownhostsfile')?.flatMap((v) => v.split(/\s+/)).filter(Boolean).map((f) => expand(f, tt));
  const globalKnown = get('globalknownhostsfile')?.flatMap((v) => v.split(/\s+/)).filter(Boolean).map((f) => expand(f, tt));
  const strict = get('stricthostkeychecking')?.[0];
  const alive = num(get('serveraliveinterval')?.[0]);
  const count = num(get('serveralivecountmax')?.[0]);
  const timeout = num(get('connecttimeout')?.[0]);
  return {
    label: spec.host, address, port, user, identityFiles, jumps,
    identitiesOnly: yes(get('identitiesonly')?.[0]),
    defaultKeys: identityFiles.length ? [] : ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((k) => join(system.home, '.ssh', k)),
    knownHostsFiles: [...(userKnown ?? [join(system.home, '.ssh/known_hosts'), join(system.home, '.ssh/known_hosts2')]), ...(globalKnown ?? system.systemKnownHosts)],
    ...(strict ? { strictHostKeyChecking: strictness(strict) } : {}),
    ...(alive ? { keepaliveIntervalMs: alive * 1000 } : {}),
    ...(count ? { keepaliveCountMax: count } : {}),
    ...(timeout ? { connectTimeoutMs: timeout * 1000 } : {}),
    batchMode: yes(get('batchmode')?.[0]),
    ignored: args.ignored,
  };
}
