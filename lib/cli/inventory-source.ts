/** The inventory, vault keyring and -e layers that play and inventory commands share (lib/inventory). */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { loadInventory, parseExtraVars, readVaultKeyring, resolveHost } from '../inventory/index.ts';
import type { Inventory, VarLayer } from '../inventory/index.ts';
import type { InventorySource } from '../runner/prepare.ts';
import type { CliIO } from './args.ts';

export interface InventoryFlags {
  inventory: string | undefined;
  extraVars?: readonly string[];
  vaultPasswordFile: string | undefined;
}

export interface OpenedInventory {
  readonly inventory: Inventory;
  readonly source: InventorySource;
  readonly extraVars: VarLayer[];
}

export async function openInventory(flags: InventoryFlags, io: CliIO): Promise<OpenedInventory> {
  if (!flags.inventory) {
    throw new InputError([{ file: 'command line', key: '--inventory', message: 'is required; give a name under inventory/ (production, homelab) or a path' }]);
  }
  const vault = await readVaultKeyring({ ...(flags.vaultPasswordFile ? { passwordFile: flags.vaultPasswordFile } : {}), env: io.env, cwd: io.cwd });
  const inventory = await loadInventory(fromUserCwd(flags.inventory, io.cwd), { projectDir: io.projectDir, ...(vault ? { vault } : {}) });
  const extraVars = await parseExtraVars(flags.extraVars ?? [], io.cwd, vault);
  return { inventory, extraVars, source: { inventory, resolve: (host, options) => resolveHost(inventory, host, options) } };
}

/**
 * `-i ./inv` as Ansible takes it: a path relative to where the user ran the command, when it
 * exists there; otherwise as lib/inventory takes it (a name under inventory/, or a project path).
 */
export function fromUserCwd(spec: string, cwd: string): string {
  if (isAbsolute(spec)) return spec;
  const here = resolve(cwd, spec);
  return existsSync(here) ? here : spec;
}
