/**
 * What `--inventory X` points at, as Ansible's `-i` takes it: a name under `<project>/inventory/`,
 * or a path (relative to the project) to a hosts file or to a folder. A folder is read as
 * Ansible's InventoryManager reads one: every entry in sorted order, recursing into subfolders,
 * skipping hidden names, `group_vars/`, `host_vars/`, `vars_plugins/` and ansible-core 2.19's
 * default ignore list of extensions (INVENTORY_IGNORE_EXTS: `.pyc .pyo .swp .bak ~ .rpm .md .txt
 * .rst .orig .cfg .retry`). capstan's own `templates/` and `manifests/` folders are never
 * inventory sources (Ansible would try to parse every file in them and warn about each).
 *
 * `*.ini` in a folder: read, as ansible-core 2.19 reads it, with a warning that older Ansibles
 * (Debian's 2.14 lists `.ini` in INVENTORY_IGNORE_EXTS) skip it and that `-i <file>` reads it
 * in every version: the same folder then gives the same hosts as the Ansible pip installs today,
 * and a 2.14 user learns why ansible-playbook saw fewer.
 */
import { readdirSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { InventoryError, type Problem, shownPath } from '../errors.ts';
import { listProblem } from './read-file.ts';
import { pathKind } from './vars-files.ts';

/** Ansible's IGNORED_ALWAYS names, and capstan's own folders that live next to an inventory. */
const IGNORED_NAMES = new Set(['group_vars', 'host_vars', 'vars_plugins']);
const CAPSTAN_FOLDERS = new Set(['templates', 'manifests']);
/** ansible-core 2.19's INVENTORY_IGNORE_EXTS default: REJECT_EXTS + ['.orig', '.cfg', '.retry'] (2.14's also had '.ini'). */
export const IGNORED_EXTENSIONS = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.cfg', '.retry'];

export interface Located {
  /** The inventory directory: group_vars/ and host_vars/ are read from here. */
  dir: string;
  /** The inventory files to read, in Ansible's order (one for a file, every source for a folder). */
  sources: string[];
  /** True when `-i` named a folder (a file in it that is not an inventory is skipped with a warning). */
  folder: boolean;
  /** What older Ansibles would do differently with this folder (`*.ini` they skip). */
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
      if (kind !== 'file' || IGNORED_EXTENSIONS.some((x) => name.endsWith(x))) continue;
      sources.push(full);
      if (name.endsWith('.ini')) {
        warnings.push(`${shown(full)}: read as part of the folder, as ansible-core 2.19 reads it; older ansible-core releases (Debian's 2.14) skip *.ini in an inventory folder: with those, pass -i ${shown(full)}`);
      }
    }
  };
  walk(dir, true);
  if (problems.length) throw new InventoryError(problems, `cannot read inventory ${shown(dir)}`);
  if (sources.length === 0) {
    throw new InventoryError([{ file: shown(dir), key: '--inventory', message: 'no inventory file in this folder: add a hosts file (INI, or YAML as hosts.yml)' }]);
  }
  return { dir, sources, folder: true, warnings };
}
