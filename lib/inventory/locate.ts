/**
 * What `--inventory X` points at, as Ansible's `-i` takes it: a name under `<project>/inventory/`,
 * or a path (relative to the project) to a folder holding `hosts`, `hosts.ini`, `hosts.yml` or
 * `hosts.yaml`, or to a hosts file itself.
 */
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { InventoryError } from '../errors.ts';
import { pathKind } from './vars-files.ts';

const HOSTS_FILE_NAMES = ['hosts', 'hosts.ini', 'hosts.yml', 'hosts.yaml'];

export interface Located {
  /** The inventory directory: group_vars/ and host_vars/ are read from here. */
  dir: string;
  hostsFile: string;
}

export async function locateInventory(spec: string, projectDir: string): Promise<Located> {
  const candidates = isAbsolute(spec) ? [spec] : [join(projectDir, 'inventory', spec), resolve(projectDir, spec)];
  for (const path of candidates) {
    const k = pathKind(path);
    if (k === 'file') return { dir: dirname(path), hostsFile: path };
    if (k === 'dir') {
      for (const name of HOSTS_FILE_NAMES) {
        const file = join(path, name);
        if (pathKind(file) === 'file') return { dir: path, hostsFile: file };
      }
      throw new InventoryError([{ file: path, key: '--inventory', message: `no hosts file in this folder: add one of ${HOSTS_FILE_NAMES.join(', ')}` }]);
    }
  }
  throw new InventoryError([{
    file: spec,
    key: '--inventory',
    message: `no inventory found (looked at ${candidates.join(' and ')}): pass a name under inventory/ (e.g. production) or a path to a folder or hosts file`,
  }]);
}
