/**
 * loadInventory: locate the inventory file(s) (one file, or every source in a folder: locate.ts),
 * parse each into one model (INI or YAML, as Ansible's plugins decide), then read group_vars/
 * and host_vars/ next to them. Every problem found anywhere is collected and thrown once as an
 * InventoryError; files of a folder that are no inventory are skipped with a warning.
 */
import { readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';
import { InventoryError, type Problem, shownPath } from '../errors.ts';
import { hostileValues } from './hostile.ts';
import { parseIni } from './ini.ts';
import { LoadedInventory, type VarsFiles } from './inventory.ts';
import { locateInventory } from './locate.ts';
import { InventoryModel } from './model.ts';
import { orphanWarnings } from './orphans.ts';
import type { VarLayer } from './types.ts';
import { decryptInline, direntKind, findVarsFiles, type Listing, type LoadContext, loadVarsFile, readInventoryText, registerStrings } from './vars-files.ts';
import type { VaultKeyring } from './vault.ts';
import { listProblem } from './read-file.ts';
import { parseAnsibleYaml, YamlSizeError, yamlProblem, yamlWhere } from './yaml-ansible.ts';
import { notAnInventory, parseYamlInventory } from './yaml-hosts.ts';

const YAML_EXTENSIONS = ['.yml', '.yaml', '.json'];
const isMapping = (v: unknown): boolean => typeof v === 'object' && v !== null && !Array.isArray(v);

export interface LoadOptions {
  projectDir: string;
  vault?: VaultKeyring;
}

export async function loadInventory(spec: string, options: LoadOptions): Promise<LoadedInventory> {
  const located = await locateInventory(spec, options.projectDir);
  const display = (path: string): string => shownPath(path, options.projectDir);
  const warnings: string[] = [...located.warnings];
  const ctx: LoadContext = { keyring: options.vault, display, problems: [], warnings };
  let model = new InventoryModel();
  const read: string[] = [];
  for (const file of located.sources) {
    const source = display(file);
    const parsed = readHostsFile(file, source, ctx, located.folder);
    if (parsed === undefined) continue;
    if ('skip' in parsed) {
      warnings.push(`${source}: not read: ${parsed.skip}; Ansible skips it with a warning too: move it out of the inventory folder, or fix it`);
      continue;
    }
    // the first file of a folder was parsed into a model of its own already (to see whether it is one): take it
    if (read.length === 0 && 'ini' in parsed && parsed.model) {
      model = parsed.model;
      ctx.problems.push(...parsed.problems);
      if (parsed.encrypted) registerModelStrings(model);
    } else fillModel(parsed, source, model, ctx);
    read.push(file);
  }
  if (located.folder && read.length === 0 && ctx.problems.length === 0) {
    ctx.problems.push({ file: display(located.dir), key: '', message: 'no file in this folder is an inventory (see the warnings): add a hosts file (INI, or YAML as hosts.yml)' });
  }
  const hostsFile = read[0] ?? located.sources[0]!;
  const hostsSource = display(hostsFile);
  if (ctx.problems.length === 0) {
    try {
      model.reconcile();
    } catch (e) {
      ctx.problems.push({ file: hostsSource, key: '', message: (e as Error).message });
    }
  }
  for (const g of model.groups.values()) decryptInline(g.vars, hostsSource, `[${g.name}:vars]`, ctx);
  for (const h of model.hosts.values()) decryptInline(h.vars, hostsSource, h.name, ctx);
  ctx.problems.push(...hostileValues(model, hostsSource));
  const files = await loadVarsDirs(located.dir, model, ctx, warnings);
  if (ctx.problems.length) throw new InventoryError(ctx.problems, `cannot read inventory ${display(located.folder ? located.dir : hostsFile)}`);
  return new LoadedInventory({ dir: located.dir, hostsFile, hostsSource, sources: read, model, files, warnings });
}

/**
 * One inventory file, parsed as Ansible's plugins would take it (YAML or INI). An INI file of a
 * folder comes parsed into a model of its own (`model`, `problems`), from the check that it is one.
 */
type Parsed = { yaml: unknown; encrypted: boolean }
  | { ini: string; encrypted: boolean; model?: InventoryModel; problems: Problem[] }
  | { skip: string };

/**
 * Text whose first line that says anything is a whole INI section header (`[servers]`, `[k3s:children]`):
 * YAML reads that as a flow list, and a document that starts with a flow list on its own line
 * is never a mapping, so Ansible's yaml plugin refuses it and INI reads it. Spares parsing a
 * 10,000-line INI file as YAML first.
 */
function startsWithIniSection(text: string): boolean {
  for (const line of text.split('\n', 50)) {
    const t = line.trim();
    if (t === '' || t.startsWith('#') || t.startsWith(';')) continue;
    return /^\[[^\]\[{}:,#\s]+(?::\w+)?\]$/.test(t);
  }
  return false;
}

/**
 * Reads and decrypts one inventory file and decides its format as Ansible's plugin chain does:
 * .yml/.yaml/.json are YAML; a name without extension is YAML when it parses to a mapping (the
 * yaml plugin accepts it), else INI; anything else is INI. In a folder, a file that is no
 * inventory at all is `skip` (Ansible warns "Unable to parse ... as an inventory source").
 */
function readHostsFile(path: string, source: string, ctx: LoadContext, inFolder: boolean): Parsed | undefined {
  const read = readInventoryText(path, source, ctx);
  if (!read) return undefined;
  const { text, encrypted } = read;
  const ext = extname(path);
  if (!YAML_EXTENSIONS.includes(ext) && ext !== '') return iniOrSkip(text, source, encrypted, inFolder);
  if (ext === '' && startsWithIniSection(text)) return iniOrSkip(text, source, encrypted, inFolder);
  let data: unknown;
  try {
    data = parseAnsibleYaml(text, ctx.warnings ? { source, warnings: ctx.warnings } : undefined);
  } catch (e) {
    if (ext === '' && !(e instanceof YamlSizeError)) return iniOrSkip(text, source, encrypted, inFolder);
    ctx.problems.push({ file: source, key: yamlWhere(e), message: yamlProblem(e, 'fix the YAML syntax') });
    return undefined;
  }
  if (ext === '' && !isMapping(data)) return iniOrSkip(text, source, encrypted, inFolder);
  const notInventory = inFolder ? notAnInventory(data) : undefined;
  return notInventory ? { skip: notInventory } : { yaml: data, encrypted };
}

function iniOrSkip(text: string, source: string, encrypted: boolean, inFolder: boolean): Parsed {
  if (inFolder) {
    // a file whose every line fails as INI (a README, a script, a manifest) is not an inventory
    const scratch = new InventoryModel();
    const problems = parseIni(text, source, scratch);
    if (problems.length && scratch.hosts.size === 0 && scratch.groups.size === 2) {
      return { skip: `neither a YAML nor an INI inventory (as INI: ${problems[0]!.message})` };
    }
    return { ini: text, encrypted, model: scratch, problems };
  }
  return { ini: text, encrypted, problems: [] };
}

function fillModel(parsed: Exclude<Parsed, { skip: string }>, source: string, model: InventoryModel, ctx: LoadContext): void {
  ctx.problems.push(...('yaml' in parsed ? parseYamlInventory(parsed.yaml, source, model) : parseIni(parsed.ini, source, model)));
  if (parsed.encrypted) registerModelStrings(model);
}

/** Every value of an encrypted hosts file is a secret (host and group names are not). */
function registerModelStrings(model: InventoryModel): void {
  for (const node of [...model.groups.values(), ...model.hosts.values()]) registerStrings(node.vars);
}

/** Reads group_vars/<g> for every group and host_vars/<h> for every host; warns about the rest. */
async function loadVarsDirs(dir: string, model: InventoryModel, ctx: LoadContext, warnings: string[]): Promise<VarsFiles> {
  const read = async (sub: string, names: readonly string[], what: 'group' | 'host'): Promise<Map<string, VarLayer[]>> => {
    const base = join(dir, sub);
    const present = await listNames(base, ctx);
    warnings.push(...orphanWarnings(base, ctx.display(base), present.keys(), names, what));
    const out = new Map<string, VarLayer[]>();
    for (const name of names) {
      if (!present.has(name) && !present.has(`${name}.yml`) && !present.has(`${name}.yaml`) && !present.has(`${name}.json`)) continue;
      const onError = (path: string, e: unknown) => ctx.problems.push(listProblem(ctx.display(path), e));
      const layers = findVarsFiles(base, name, onError, present).map((p) => loadVarsFile(p, ctx));
      out.set(name, layers.filter((l): l is VarLayer => l !== undefined));
    }
    return out;
  };
  const groups = await read('group_vars', [...model.groups.keys()], 'group');
  const hosts = await read('host_vars', [...model.hosts.keys()], 'host');
  return { groups, hosts };
}

/** The entries of a vars folder and their kinds; none when it does not exist. Any other failure is a problem. */
async function listNames(dir: string, ctx: LoadContext): Promise<Listing> {
  try {
    return new Map((await readdir(dir, { withFileTypes: true })).map((d) => [d.name, direntKind(d)]));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    if (err.code !== 'ENOENT') ctx.problems.push(listProblem(ctx.display(dir), err));
    return new Map();
  }
}
