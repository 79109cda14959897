/**
 * An inventory folder written from a map of files (`hosts`, `group_vars/web.yml`, ...) into a
 * temporary directory for one test file, loaded once, and removed after it:
 *
 *   const inventory = useInventoryFiles('shared-layers', { hosts: '[web]\nw1\n', 'group_vars/web.yml': 'tier: front\n' });
 *   it('...', () => { resolveHost(inventory(), 'w1', ...) });
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { loadInventory, type LoadedInventory } from '../../lib/inventory/index.ts';

/** Writes `files` (path under `root` → content) into `root`, making folders as needed; returns `root`. */
export async function writeFiles(root: string, files: Readonly<Record<string, string>>): Promise<string> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
  return root;
}

/** Writes `files` under a new temporary folder; returns its path. */
export async function writeInventoryFiles(name: string, files: Readonly<Record<string, string>>): Promise<string> {
  return writeFiles(await mkdtemp(join(tmpdir(), `capstan-${name}-test-`)), files);
}

/** The loaded inventory of `files`, written and loaded before the file's tests and removed after them. */
export function useInventoryFiles(name: string, files: Readonly<Record<string, string>>): () => LoadedInventory {
  let dir: string | undefined;
  let inv: LoadedInventory | undefined;
  beforeAll(async () => {
    dir = await writeInventoryFiles(name, files);
    inv = await loadInventory(dir, { projectDir: dir });
  });
  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  return () => {
    if (!inv) throw new Error('useInventoryFiles: the inventory is loaded in beforeAll; use it inside a test');
    return inv;
  };
}
