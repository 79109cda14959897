/**
 * Several `-i` sources as ansible-playbook merges them into one inventory: every group and host
 * of every source, group children unioned, inline vars of a later source overriding an earlier
 * one's for the same group or host, and each source's group_vars/ and host_vars/ layered in the
 * order the sources were given (a later source's file wins). Each source is loaded (and
 * validated) on its own first; the result is one LoadedInventory with the first source's dir.
 */
import { InventoryError, type Problem } from '../errors.ts';
import { LoadedInventory, type VarsFiles } from './inventory.ts';
import { loadInventory, type LoadOptions } from './load.ts';
import { InventoryModel } from './model.ts';
import type { VarLayer } from './types.ts';

function copyInto(model: InventoryModel, from: InventoryModel): void {
  for (const g of from.groups.values()) {
    const target = model.addGroup(g.name);
    Object.assign(target.vars, g.vars);
    if (g.priority !== 1) target.priority = g.priority;
  }
  for (const g of from.groups.values()) {
    for (const c of g.children) if (!(g.name === 'all' && c.name === 'ungrouped')) model.addChild(g.name, c.name);
    for (const h of g.hosts) if (g.name !== 'ungrouped') Object.assign(model.addHost(h.name, g.name).vars, h.vars);
  }
  // a host only in `ungrouped` here may have groups in another source: reconcile() decides
  for (const h of from.hosts.values()) {
    if (!model.hosts.has(h.name)) Object.assign(model.addHost(h.name, 'ungrouped').vars, h.vars);
    else Object.assign(model.hosts.get(h.name)!.vars, h.vars);
  }
}

function mergeFiles(into: Map<string, VarLayer[]>, from: Map<string, VarLayer[]>): void {
  for (const [name, layers] of from) into.set(name, [...(into.get(name) ?? []), ...layers]);
}

/** One inventory from several sources (one source: loadInventory as is). */
export async function loadInventories(specs: readonly string[], options: LoadOptions): Promise<LoadedInventory> {
  if (specs.length === 1) return loadInventory(specs[0]!, options);
  const problems: Problem[] = [];
  const loaded: LoadedInventory[] = [];
  for (const spec of specs) {
    try {
      loaded.push(await loadInventory(spec, options));
    } catch (err) {
      if (err instanceof InventoryError) problems.push(...err.problems);
      else throw err;
    }
  }
  if (problems.length) throw new InventoryError(problems, `cannot read inventories ${specs.join(', ')}`);
  const model = new InventoryModel();
  const files: VarsFiles = { groups: new Map(), hosts: new Map() };
  try {
    for (const inv of loaded) {
      copyInto(model, inv.model);
      mergeFiles(files.groups, inv.files.groups);
      mergeFiles(files.hosts, inv.files.hosts);
    }
    model.reconcile();
  } catch (err) {
    throw new InventoryError([{ file: specs.join(', '), key: '', message: `${(err as Error).message}: the inventories disagree; fix the group structure` }]);
  }
  const first = loaded[0]!;
  return new LoadedInventory({
    dir: first.dir, hostsFile: first.hostsFile, hostsSource: loaded.map((i) => i.hostsSource).join(' + '),
    model, files, warnings: loaded.flatMap((i) => i.warnings),
  });
}
