/** lib/inventory: Ansible inventories read as Ansible reads them. Re-exports only. */
export type { Inventory, ResolvedVars, ResolveOptions, Source, VarLayer } from './types.ts';
export { loadInventory, type LoadOptions } from './load.ts';
export { LoadedInventory } from './inventory.ts';
export { resolveHost } from './resolve.ts';
export { parseExtraVars } from './extra-vars.ts';
export { formatAnsibleJson } from './ansible-list.ts';
export { decryptVault, type VaultKeyring, type VaultSecret } from './vault.ts';
export { VaultText } from './yaml-ansible.ts';
export { readVaultKeyring, type KeyringOptions } from './vault-keyring.ts';
export { resolvedAnsibleList, resolvedAnsibleHost } from './resolved-list.ts';
export { loadInventories } from './merge.ts';
