/**
 * What `--inventory X` points at, as Ansible's `-i` takes it: a name under `<project>/inventory/`,
 * or a path (relative to the project) to a hosts file or to a folder. A folder is read as
 * Ansible's InventoryManager reads one: every entry in sorted order, recursing into subfolders,
 * skipping hidden names, `group_vars/`, `host_vars/`, `vars_plugins/` and Ansible's default
 * ignore list of extensions (INVENTORY_IGNORE_EXTS: `.pyc .pyo .swp .bak ~ .rpm .md .txt .rst
 * .orig .ini .cfg .retry`). capstan's own `templates/` and `manifests/` folders are never
 * inventory sources (Ansible would try to parse every file in them and warn about each).
 *
 * `*.ini` in a folder: skipped, as Ansible skips it, with a warning naming the `-i` that reads it.
 * capstan follows Ansible here so that the same folder gives the same groups and hosts in both
 * tools (reading hosts.ini would give capstan hosts that ansible-playbook never sees).
 */
import { readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { InventoryError, type Problem, shownPath } from '../errors.ts';
import { listProblem } from './read-file.ts';
import { pathKind } from './vars-files.ts';

/** Ansible's IGNORED_ALWAYS names, and capstan's own folders that live next to an inventory. */
const IGNORED_NAMES = new Set(['group_vars', 'host_vars', 'vars_plugins']);
const CAPSTAN_FOLDERS = new Set(['templates', 'manifests']);
/** Ansible's INVENTORY_IGNORE_EXTS default: REJECT_EXTS + ('.orig', '.ini', '.cfg', '.retry'). */
export const IGNORED_EXTENSIONS = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.ini', '.cfg', '.retry'];

export interface Located {
  /** The inventory directory: group_vars/ and host_vars/ are read from here. */
  dir: string;
  /** The inventory files to read, in Ansible's order (one for a file, every source for a folder). */
  sources: string[];
  /** True when `-i` named a folder (a file in it that is not an inventory is skipped with a warning). */
  folder: boolean;
  /** Files skipped that a user may have meant as inventory (`*.ini`). */
  warnings: string[];
}

export async function locateInventory(spec: string, projectDir: string): Promise<Located> {
  const candidates = isAbsolute(spec) ? [spec] : [join(projectDir, 'inventory', spec), resolve(projectDir, spec)];
  for (const path of candidates) {
    const k = pathKind(path);
    if (k === 'file') return { dir: dirname(path), sources: [path], folder: false, warnings: [] };
    if (k === 'dir') return locateFolder(path, projectDir);
  }
  throw new InventoryError([{
    file: spec,
    key: '--inventory',
    message: `no inventory found (looked at ${candidates.join(' and ')}): pass a name under inventory/ (e.g. production) or a path to a folder or hosts file`,
  }]);
}

function locateFolder(dir: string, projectDir: string): Located {
  const shown = (p: string): string => shownPath(p, projectDir) || '.';
  const warnings: string[] = [];
  const problems: Problem[] = [];
  const sources: string[] = [];
  const walk = (folder: string, top: boolean): void => {
    let names: string[];
    try {
      names = readdirSync(folder).sort();
    } catch (e) {
      problems.push(listProblem(shown(folder), e));
      return;
    }
    for (const name of names) {
      if (name.startsWith('.') || IGNORED_NAMES.has(name)) continue;
      const full = join(folder, name);
      const kind = pathKind(full);
      if (kind === 'dir') {
        if (!(top && CAPSTAN_FOLDERS.has(name))) walk(full, false);
        continue;
      }
      const ext = IGNORED_EXTENSIONS.find((x) => name.endsWith(x));
      if (ext === '.ini') {
        warnings.push(`${shown(full)}: skipped: Ansible skips *.ini files in an inventory folder, and so does capstan; to read it, pass -i ${shown(full)} (or rename it without .ini)`);
      } else if (!ext && kind === 'file') sources.push(full);
    }
  };
  walk(dir, true);
  if (problems.length) throw new InventoryError(problems, `cannot read inventory ${shown(dir)}`);
  if (sources.length === 0) {
    const ini = warnings.length ? ` (${warnings.map((w) => w.split(':')[0]).join(', ')} skipped as Ansible skips *.ini in a folder: pass -i with that file)` : '';
    throw new InventoryError([{ file: shown(dir), key: '--inventory', message: `no inventory file in this folder${ini}: add a hosts file (INI, or YAML as hosts.yml)` }]);
  }
  return { dir, sources, folder: true, warnings };
}
