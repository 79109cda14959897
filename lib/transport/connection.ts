/**
 * Connection settings from a host's ansible_* vars, as Ansible reads them: ansible_host,
 * ansible_port, ansible_user, ansible_ssh_private_key_file, ansible_password, ansible_become*,
 * ansible_connection (ssh/local; the host `localhost` is local unless told otherwise) and
 * ansible_ssh_args / ansible_ssh_common_args / ansible_ssh_extra_args, ansible_host_key_checking
 * (false: record unknown host keys; a changed key stays refused), ansible_timeout, plus
 * capstan_known_hosts_file and capstan_ssh_private_key_passphrase. What no var sets is left
 * for ~/.ssh/config (lib/transport/ssh-target.ts). Passwords and the passphrase are registered as secrets.
 */
import { userInfo } from 'node:os';
import { expandHome } from '../paths.ts';
import { InputError } from '../errors.ts';
import type { Problem } from '../errors.ts';
import { registerSecret } from '../secrets.ts';
import { hostOrIp, userName } from '../vars/types.ts';
import type { z } from 'zod';
import type { ConnectionSpec } from './types.ts';

type Vars = Readonly<Record<string, unknown>>;

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1']);
const SSH_PLUGINS = new Set(['ssh', 'smart', 'paramiko', 'paramiko_ssh']);

function str(vars: Vars, ...names: string[]): string | undefined {
  for (const n of names) {
    const v = vars[n];
    if (v !== undefined && v !== null && v !== '') return String(v);
  }
  return undefined;
}

/** Ansible booleans: true/yes/on/1 (any case). */
export function ansibleBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  return typeof v === 'string' && ['true', 'yes', 'on', '1', 'y'].includes(v.trim().toLowerCase());
}


function connectionKind(host: string, vars: Vars, problems: Problem[]): 'ssh' | 'local' {
  const given = str(vars, 'ansible_connection');
  if (given === undefined) return LOCAL_NAMES.has(host) ? 'local' : 'ssh';
  if (given === 'local') return 'local';
  if (SSH_PLUGINS.has(given)) return 'ssh';
  problems.push({ file: '', key: 'ansible_connection', host, message: `${JSON.stringify(given)} is not supported; use ssh or local` });
  return 'ssh';
}

function portOf(host: string, vars: Vars, problems: Problem[]): number {
  const given = str(vars, 'ansible_port', 'ansible_ssh_port');
  if (given === undefined) return 22;
  const port = Number(given);
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    problems.push({ file: '', key: 'ansible_port', host, message: `${JSON.stringify(given)} is not a port; use a number in 1-65535` });
  }
  return port;
}

/** The first of `names` that is set, checked with `schema`: a bad value is a problem naming that var. */
function checked(host: string, vars: Vars, schema: z.ZodType, problems: Problem[], ...names: string[]): string | undefined {
  const name = names.find((n) => str(vars, n) !== undefined);
  if (name === undefined) return undefined;
  const value = str(vars, name)!;
  const parsed = schema.safeParse(value);
  if (!parsed.success) problems.push({ file: '', key: name, host, message: parsed.error.issues.map((i) => i.message).join('; ') });
  return value;
}

/** Specs built per host and vars object: the runner checks them before connecting and opens with the same one. */
const built = new WeakMap<object, Map<string, ConnectionSpec>>();

/** A host's connection settings from its ansible_* vars, built once per host and vars; InputError naming each bad var. */
export function connectionSpec(host: string, vars: Vars): ConnectionSpec {
  let byHost = built.get(vars);
  if (!byHost) built.set(vars, (byHost = new Map()));
  let spec = byHost.get(host);
  if (!spec) byHost.set(host, (spec = buildConnectionSpec(host, vars)));
  return spec;
}

function buildConnectionSpec(host: string, vars: Vars): ConnectionSpec {
  const problems: Problem[] = [];
  const connection = connectionKind(host, vars, problems);
  const port = portOf(host, vars, problems);
  // These reach ssh2's connect and the become command line: refuse what could not be one.
  const address = checked(host, vars, hostOrIp, problems, 'ansible_host', 'ansible_ssh_host') ?? host;
  const user = checked(host, vars, userName, problems, 'ansible_user', 'ansible_ssh_user', 'ansible_remote_user');
  const becomeUser = checked(host, vars, userName, problems, 'ansible_become_user');
  const becomeMethod = str(vars, 'ansible_become_method');
  if (becomeMethod !== undefined && becomeMethod !== 'sudo') {
    problems.push({ file: '', key: 'ansible_become_method', host, message: `${JSON.stringify(becomeMethod)} is not supported; capstan becomes with sudo: use sudo` });
  }
  if (problems.length) throw new InputError(problems, `bad connection settings for host ${host}`);
  const password = str(vars, 'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password');
  const becomePassword = str(vars, 'ansible_become_password', 'ansible_become_pass');
  const keyPassphrase = str(vars, 'capstan_ssh_private_key_passphrase');
  for (const secret of [password, becomePassword, keyPassphrase]) if (secret !== undefined) registerSecret(secret);
  const knownHosts = str(vars, 'capstan_known_hosts_file');
  const keyFile = str(vars, 'ansible_ssh_private_key_file', 'ansible_private_key_file');
  // ansible-playbook's order on ssh's line: ssh_args, then common args, then extra args (the first value of an option wins)
  const commonArgs = [str(vars, 'ansible_ssh_args'), str(vars, 'ansible_ssh_common_args'), str(vars, 'ansible_ssh_extra_args')].filter(Boolean).join(' ');
  const defaulted = [...(user === undefined ? ['user' as const] : []), ...(str(vars, 'ansible_port', 'ansible_ssh_port') === undefined ? ['port' as const] : [])];
  const hostKeyChecking = vars.ansible_host_key_checking ?? vars.ansible_ssh_host_key_checking;
  const strictArg = hostKeyChecking !== undefined && !ansibleBool(hostKeyChecking) ? ' -o StrictHostKeyChecking=accept-new' : '';
  const sshArgs = `${commonArgs}${strictArg}`.trim();
  const timeout = Number(str(vars, 'ansible_timeout', 'ansible_ssh_timeout'));
  return {
    host,
    connection,
    address,
    port,
    user: user ?? userInfo().username,
    ...(keyFile !== undefined ? { privateKeyFile: expandHome(keyFile) } : {}),
    ...(keyPassphrase !== undefined ? { privateKeyPassphrase: keyPassphrase } : {}),
    ...(knownHosts !== undefined ? { knownHostsFile: expandHome(knownHosts) } : {}),
    ...(password !== undefined ? { password } : {}),
    become: ansibleBool(vars.ansible_become),
    becomeUser: becomeUser ?? 'root',
    ...(becomePassword !== undefined ? { becomePassword } : {}),
    ...(sshArgs ? { sshCommonArgs: sshArgs } : {}),
    ...(defaulted.length ? { defaulted } : {}),
    ...(timeout > 0 ? { connectTimeoutMs: timeout * 1000 } : {}),
  };
}
