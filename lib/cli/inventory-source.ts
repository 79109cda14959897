/** The inventory, vault keyring and -e layers that play and inventory commands share (lib/inventory). */
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
  const inventory = await loadInventory(flags.inventory, { projectDir: io.projectDir, ...(vault ? { vault } : {}) });
  const extraVars = await parseExtraVars(flags.extraVars ?? [], io.cwd, vault);
  return { inventory, extraVars, source: { inventory, resolve: (host, options) => resolveHost(inventory, host, options) } };
}
