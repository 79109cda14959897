/**
 * ConnectionSpecs for lab hosts, as the inventory the lab writes would resolve them
 * (root, the lab's key, the lab's known_hosts through ansible_ssh_common_args).
 */
import type { ConnectionSpec } from '../transport/types.ts';
import type { Lab } from './lab.ts';

export function labSpec(lab: Lab, hostName: string, overrides: Partial<ConnectionSpec> = {}): ConnectionSpec {
  const h = lab.hosts.find((x) => x.name === hostName);
  if (!h) throw new Error(`lab ${lab.id}: no host ${hostName}`);
  return {
    host: h.name,
    connection: 'ssh',
    address: h.ip,
    port: 22,
    user: 'root',
    privateKeyFile: lab.privateKeyFile,
    become: false,
    becomeUser: 'root',
    sshCommonArgs: `-o UserKnownHostsFile=${lab.knownHostsFile} -o StrictHostKeyChecking=yes`,
    ...overrides,
  };
}
