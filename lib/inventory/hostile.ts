/**
 * Inventory values refused at load time because no tool downstream can use them safely: a NUL
 * byte in a host name or in a connection var (`ansible_host: "10.0.0.1\u0000evil"` would be cut
 * at the NUL by the resolver and the C libraries behind SSH, connecting somewhere the inventory
 * does not say). Checked on the hosts file's values; group_vars/host_vars files are checked as
 * they are read (vars-files.ts).
 */
import type { Problem } from '../errors.ts';
import type { InventoryModel } from './model.ts';
import { VaultText } from './yaml-ansible.ts';

/** A var whose value names where or how to connect. */
const isConnectionVar = (key: string): boolean => key.startsWith('ansible_');

function nulPaths(value: unknown, path: string, out: string[]): void {
  if (value instanceof VaultText) value = value.plaintext;
  if (typeof value === 'string') {
    if (value.includes('\0')) out.push(path);
  } else if (Array.isArray(value)) value.forEach((v, i) => nulPaths(v, `${path}[${i}]`, out));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) nulPaths(v, `${path}.${k}`, out);
}

/** Problems for NUL bytes in the connection vars of `vars`. */
export function nulProblems(vars: Readonly<Record<string, unknown>>, file: string): Problem[] {
  const paths: string[] = [];
  for (const [k, v] of Object.entries(vars)) if (isConnectionVar(k)) nulPaths(v, k, paths);
  return paths.map((key) => ({ file, key, message: 'contains a NUL byte (\\0), which would cut the value short where it is used: remove it' }));
}

export function hostileValues(model: InventoryModel, file: string): Problem[] {
  const problems: Problem[] = [];
  for (const h of model.hosts.values()) {
    if (h.name.includes('\0')) problems.push({ file, key: JSON.stringify(h.name), message: 'the host name contains a NUL byte (\\0): remove it' });
    problems.push(...nulProblems(h.vars, file).map((p) => ({ ...p, host: h.name })));
  }
  for (const g of model.groups.values()) problems.push(...nulProblems(g.vars, file));
  return problems;
}
