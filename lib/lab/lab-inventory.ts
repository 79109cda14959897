/**
 * Files a lab writes for its users: known_hosts (host keys by IP), an Ansible INI inventory
 * (group [lab], plus extra groups), an ssh_config for `ssh -F`, and hosts.txt ("name ip").
 */
import { readFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { LabState } from './lab-state.ts';

/**
 * Each lab host's run lock in its own /run/lock (private per host, as on real machines), whatever
 * CAPSTAN_LOCK_PATH says: that variable points at the controller's file system, which the lab hosts
 * share, so with it all hosts of a lab would lock one file.
 */
export const LAB_LOCK_PATH = 'capstan_lock_path=/run/lock/capstan.lock';
export const LAB_LOCK_PATH_COMMENT = "# each host's own lock: its /run/lock is private to it";

function publicKeyLine(state: LabState, host: string): string {
  const pub = readFileSync(join(state.dir, 'hosts', host, 'ssh_host_ed25519_key.pub'), 'utf8').trim();
  return pub.split(' ').slice(0, 2).join(' ');
}

export function writeLabInventory(state: LabState, groups: Record<string, readonly string[]>): void {
  const knownHosts = join(state.dir, 'known_hosts');
  const key = join(state.dir, 'id_ed25519');
  writeFileSync(knownHosts, state.hosts.map((h) => `${h.ip} ${publicKeyLine(state, h.name)}\n`).join(''));
  writeFileSync(join(state.dir, 'hosts.txt'), state.hosts.map((h) => `${h.name} ${h.ip}\n`).join(''));

  const names = new Set(state.hosts.map((h) => h.name));
  const lines = ['[lab]', ...state.hosts.map((h) => `${h.name} ansible_host=${h.ip}`), ''];
  for (const [group, members] of Object.entries(groups)) {
    const unknown = members.filter((m) => !names.has(m));
    if (unknown.length) throw new Error(`lab: group ${group} names hosts the lab does not have: ${unknown.join(', ')}`);
    lines.push(`[${group}]`, ...members, '');
  }
  lines.push(
    '[lab:vars]',
    'ansible_user=root',
    'ansible_port=22',
    `ansible_ssh_private_key_file=${key}`,
    `ansible_ssh_common_args='-o UserKnownHostsFile=${knownHosts} -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes'`,
    `capstan_known_hosts_file=${knownHosts}`,
    'ansible_python_interpreter=/usr/bin/python3',
    LAB_LOCK_PATH_COMMENT,
    LAB_LOCK_PATH,
    '',
  );
  const inventoryDir = join(state.dir, 'inventory');
  mkdirSync(inventoryDir, { recursive: true });
  writeFileSync(join(inventoryDir, 'hosts'), lines.join('\n'));

  const sshConfig = [
    ...state.hosts.flatMap((h) => [`Host ${h.name}`, `  HostName ${h.ip}`]),
    `Host ${state.hosts.map((h) => h.name).join(' ')} ${state.subnet}.*`,
    '  User root',
    `  IdentityFile ${key}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${knownHosts}`,
    '  StrictHostKeyChecking yes',
    '  BatchMode yes',
    '  ConnectTimeout 5',
    '',
  ];
  writeFileSync(join(state.dir, 'ssh_config'), sshConfig.join('\n'));
}
