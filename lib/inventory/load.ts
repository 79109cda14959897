/**
 * loadInventory: locate the hosts file, parse it (INI, or YAML for .yml/.yaml/.json as Ansible's
 * plugins decide), then read group_vars/ and host_vars/ next to it. Every problem found anywhere
 * is collected and thrown once as an InventoryError.
 */
import { readdir, readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { InventoryError, type Problem, shownPath } from '../errors.ts';
import { parseIni } from './ini.ts';
import { LoadedInventory, type VarsFiles } from './inventory.ts';
import { locateInventory } from './locate.ts';
import { InventoryModel } from './model.ts';
import { orphanWarnings } from './orphans.ts';
import type { VarLayer } from './types.ts';
import { decryptInline, findVarsFiles, type LoadContext, loadVarsFile, registerStrings } from './vars-files.ts';
import { decryptVault, isVaultText, type VaultKeyring } from './vault.ts';
import { parseAnsibleYaml, yamlMessage, yamlWhere } from './yaml-ansible.ts';
import { parseYamlInventory } from './yaml-hosts.ts';

export interface LoadOptions {
  projectDir: string;
  vault?: VaultKeyring;
}

export async function loadInventory(spec: string, options: LoadOptions): Promise<LoadedInventory> {
  const { dir, hostsFile } = await locateInventory(spec, options.projectDir);
  const display = (path: string): string => shownPath(path, options.projectDir);
  const ctx: LoadContext = { keyring: options.vault, display, problems: [] };
  const hostsSource = display(hostsFile);
  const model = new InventoryModel();
  const encrypted = await parseHostsFile(hostsFile, hostsSource, model, ctx);
  if (encrypted) {
    // every value of an encrypted hosts file is a secret (host and group names are not)
    for (const node of [...model.groups.values(), ...model.hosts.values()]) registerStrings(node.vars);
  }
  if (ctx.problems.length === 0) {
    try {
      model.reconcile();
    } catch (e) {
      ctx.problems.push({ file: hostsSource, key: '', message: (e as Error).message });
    }
  }
  for (const g of model.groups.values()) decryptInline(g.vars, hostsSource, `[${g.name}:vars]`, ctx);
  for (const h of model.hosts.values()) decryptInline(h.vars, hostsSource, h.name, ctx);
  const warnings: string[] = [];
  const files = await loadVarsDirs(dir, model, ctx, warnings);
  if (ctx.problems.length) throw new InventoryError(ctx.problems, `cannot read inventory ${hostsSource}`);
  return new LoadedInventory({ dir, hostsFile, hostsSource, model, files, warnings });
}

/** Parses the hosts file into the model; true when it was vault-encrypted. */
async function parseHostsFile(path: string, source: string, model: InventoryModel, ctx: LoadContext): Promise<boolean> {
  let text = await readFile(path, 'utf8');
  const encrypted = isVaultText(text);
  if (encrypted) {
    try {
      text = decryptVault(text, ctx.keyring);
    } catch (e) {
      ctx.problems.push({ file: source, key: '', message: (e as Error).message });
      return false;
    }
  }
  let problems: Problem[];
  if (['.yml', '.yaml', '.json'].includes(extname(path))) {
    let data: unknown;
    try {
      data = parseAnsibleYaml(text);
    } catch (e) {
      ctx.problems.push({ file: source, key: yamlWhere(e), message: `${yamlMessage(e)}: fix the YAML syntax` });
      return encrypted;
    }
    problems = parseYamlInventory(data, source, model);
  } else {
    problems = parseIni(text, source, model);
  }
  ctx.problems.push(...problems);
  return encrypted;
}

/** Reads group_vars/<g> for every group and host_vars/<h> for every host; warns about the rest. */
async function loadVarsDirs(dir: string, model: InventoryModel, ctx: LoadContext, warnings: string[]): Promise<VarsFiles> {
  const read = async (sub: string, names: readonly string[], what: 'group' | 'host'): Promise<Map<string, VarLayer[]>> => {
    const base = join(dir, sub);
    const present = await listNames(base, ctx);
    warnings.push(...orphanWarnings(base, ctx.display(base), present, names, what));
    const out = new Map<string, VarLayer[]>();
    for (const name of names) {
      if (!present.has(name) && !present.has(`${name}.yml`) && !present.has(`${name}.yaml`) && !present.has(`${name}.json`)) continue;
      const layers = findVarsFiles(base, name).map((p) => loadVarsFile(p, ctx));
      out.set(name, layers.filter((l): l is VarLayer => l !== undefined));
    }
    return out;
  };
  const groups = await read('group_vars', [...model.groups.keys()], 'group');
  const hosts = await read('host_vars', [...model.hosts.keys()], 'host');
  return { groups, hosts };
}

/** The names in a vars folder; none when it does not exist. Any other failure is a problem. */
async function listNames(dir: string, ctx: LoadContext): Promise<Set<string>> {
  try {
    return new Set(await readdir(dir));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code !== 'ENOENT') ctx.problems.push({ file: ctx.display(dir), key: '', message: `cannot list the folder: ${err.message}: make it a readable folder` });
    return new Set();
  }
}
