/**
 * group_vars/ and host_vars/ entries that match no group or host. Ansible ignores them without a
 * word; they are usually a typo (`group_vars/k3s-cluster.yml` for group `k3s_cluster`), so capstan
 * reports them as warnings, with the nearest name.
 */
import { extname } from 'node:path';
import { closest } from '../vars/suggest.ts';
import { pathKind } from './vars-files.ts';

const VARS_EXTENSIONS = ['.yml', '.yaml', '.json'];

export function orphanWarnings(base: string, shown: string, entries: Iterable<string>, known: readonly string[], what: 'group' | 'host'): string[] {
  const knownSet = new Set(known);
  const warnings: string[] = [];
  for (const entry of [...entries].sort()) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue;
    const ext = extname(entry);
    const isVarsFile = VARS_EXTENSIONS.includes(ext) || ext === '' || pathKind(`${base}/${entry}`) === 'dir';
    if (!isVarsFile) continue;
    const name = VARS_EXTENSIONS.includes(ext) ? entry.slice(0, -ext.length) : entry;
    if (knownSet.has(name)) continue;
    const near = closest(name, known);
    warnings.push(`${shown}/${entry}: no ${what} named "${name}" in the inventory, so nothing reads it (Ansible ignores it too)${near ? `: did you mean ${near}?` : ''}`);
  }
  return warnings;
}
