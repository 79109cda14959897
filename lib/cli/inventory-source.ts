/**
 * The inventory, vault keyring, ansible.cfg layer and -e layers that the play and inventory
 * commands share (lib/inventory, lib/config). `-i` may be repeated (merged as Ansible merges),
 * or left out when ansible.cfg / ANSIBLE_INVENTORY names the inventory.
 */
import { existsSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import type { AnsibleConfig } from '../config/ansible-cfg.ts';
import { configVarLayer, withBaseLayer } from '../config/vars-layer.ts';
import { InputError } from '../errors.ts';
import { loadInventories, parseExtraVars, readVaultKeyring, resolveHost } from '../inventory/index.ts';
import type { Inventory, KeyringOptions, VarLayer } from '../inventory/index.ts';
import type { InventorySource } from '../runner/prepare.ts';
import type { CliIO } from './args.ts';
import type { Ask } from './prompt.ts';

export interface InventoryFlags {
  inventory: string | readonly string[] | undefined;
  extraVars?: readonly string[];
  vaultPasswordFile: string | undefined;
  /** --vault-id: `label@file`, `label@prompt`, `prompt`, `file` (repeatable). */
  vaultIds?: readonly string[];
  askVaultPass?: boolean;
  askBecomePass?: boolean;
  /** ansible.cfg / ANSIBLE_*: inventory, vault files, connection defaults. */
  config?: AnsibleConfig;
  /** The terminal prompt (undefined: no terminal). */
  ask?: Ask;
}

export interface OpenedInventory {
  readonly inventory: Inventory;
  readonly source: InventorySource;
  readonly extraVars: VarLayer[];
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

function inventorySpecs(flags: InventoryFlags): readonly string[] {
  const given = typeof flags.inventory === 'string' ? [flags.inventory] : flags.inventory ?? [];
  if (given.length) return given;
  const configured = flags.config?.settings.inventory;
  if (configured?.length) return configured;
  throw new InputError([{ file: 'command line', key: '--inventory', message: 'is required; give a name under inventory/ (production, homelab) or a path, or set inventory in ansible.cfg' }]);
}

/** Where the vault passwords come from: flags, then ansible.cfg / ANSIBLE_* (Ansible reads them all). */
function keyringOptions(flags: InventoryFlags, io: CliIO): KeyringOptions {
  const files: { spec: string; what: string }[] = [];
  const prompts: string[] = [];
  const sources = [
    ...(flags.vaultIds ?? []).map((spec) => ({ spec, what: `--vault-id ${spec}` })),
    ...(flags.config?.settings.vaultIdentityList ?? []).map((spec) => ({ spec, what: flags.config?.origins.vaultIdentityList ?? 'vault_identity_list' })),
  ];
  for (const { spec, what } of sources) {
    const at = spec.indexOf('@');
    const label = at > 0 && !spec.slice(0, at).includes('/') ? spec.slice(0, at) : 'default';
    const from = at > 0 && label !== 'default' ? spec.slice(at + 1) : spec;
    if (from === 'prompt') prompts.push(label);
    else files.push({ spec, what });
  }
  const configFile = flags.config?.settings.vaultPasswordFile;
  if (configFile) files.push({ spec: configFile, what: flags.config?.origins.vaultPasswordFile ?? 'vault_password_file' });
  if ((flags.askVaultPass || flags.config?.settings.askVaultPass) && !prompts.includes('default')) prompts.push('default');
  // ANSIBLE_VAULT_PASSWORD_FILE is read through the config (once), when there is one
  const env = flags.config ? { ...io.env, ANSIBLE_VAULT_PASSWORD_FILE: undefined } : io.env;
  return {
    ...(flags.vaultPasswordFile ? { passwordFile: flags.vaultPasswordFile } : {}),
    passwordFiles: files, prompts, env, cwd: io.cwd, ...(flags.ask ? { ask: flags.ask } : {}),
  };
}

async function becomePassword(flags: InventoryFlags): Promise<Record<string, unknown>> {
  if (!flags.askBecomePass && !flags.config?.settings.becomeAskPass) return {};
  if (!flags.ask) {
    throw new InputError([{ file: '', key: '--ask-become-pass', message: 'no terminal to ask for the become password on: put ansible_become_password in a vault instead' }]);
  }
  return { ansible_become_password: await flags.ask('BECOME password: ') };
}

export async function openInventory(flags: InventoryFlags, io: CliIO): Promise<OpenedInventory> {
  const specs = inventorySpecs(flags).map((s) => fromUserCwd(s, io.cwd));
  const vault = await readVaultKeyring(keyringOptions(flags, io));
  const inventory = await loadInventories(specs, { projectDir: io.projectDir, ...(vault ? { vault } : {}) });
  const extraVars = await parseExtraVars(flags.extraVars ?? [], io.cwd, vault);
  const become = await becomePassword(flags);
  const base = flags.config ? configVarLayer(flags.config, become) : Object.keys(become).length ? { source: '--ask-become-pass', vars: become } : undefined;
  const options = withBaseLayer(base);
  return { inventory, extraVars, source: { inventory, resolve: (host, o) => resolveHost(inventory, host, options(o)) } };
}
