/**
 * Ansible's YAML inventory format (`all: {hosts, children, vars}`), read as its `yaml` plugin
 * reads it: top-level keys are groups; each group may have `hosts` (name or pattern → vars),
 * `children` (name → group, recursively) and `vars`.
 */
import type { Problem } from '../errors.ts';
import { expandHostPattern } from './host-pattern.ts';
import type { InventoryModel } from './model.ts';
import { FloatValue } from './python-float.ts';

type Data = Record<string, unknown>;

const isMap = (v: unknown): v is Data => typeof v === 'object' && v !== null && !Array.isArray(v) && v.constructor === Object;

/** Fills `model` from parsed YAML; returns every problem found. */
export function parseYamlInventory(data: unknown, file: string, model: InventoryModel): Problem[] {
  const problems: Problem[] = [];
  if (data === null || data === undefined) {
    return [{ file, key: '', message: 'the YAML inventory is empty: add `all: {hosts: ...}`' }];
  }
  if (!isMap(data)) return [{ file, key: '', message: 'a YAML inventory must be a mapping of group names (e.g. `all:`)' }];
  if ('plugin' in data) return [{ file, key: 'plugin', message: 'this is an inventory plugin configuration, not a YAML inventory: capstan reads static inventories only' }];
  for (const [name, group] of Object.entries(data)) parseGroup(model, name, group, name, file, problems);
  return problems;
}

/**
 * Why a YAML file found in an inventory folder is not an inventory, as Ansible's yaml plugin
 * decides it ("Parsed empty YAML file", "YAML inventory has invalid structure", "Plugin
 * configuration YAML file, not YAML inventory"), plus files where no top-level value can be a
 * group (a Kubernetes manifest: `apiVersion: v1`, `kind: ...`), where Ansible warns about each
 * key in turn. Undefined when it reads as an inventory.
 */
export function notAnInventory(data: unknown): string | undefined {
  if (data === null || data === undefined) return 'an empty YAML file';
  if (!isMap(data)) return `YAML that is not an inventory (a ${Array.isArray(data) ? 'list' : typeof data}, where an inventory is a mapping of groups)`;
  if ('plugin' in data) return 'an inventory plugin configuration (plugin:), which capstan does not run';
  if ('apiVersion' in data && 'kind' in data) return 'a Kubernetes manifest (apiVersion/kind), not an inventory';
  if (!Object.values(data).some((g) => g === null || isMap(g))) return 'YAML that is not an inventory (no top-level key is a group: each must map to hosts/children/vars)';
  return undefined;
}

function parseGroup(model: InventoryModel, name: string, data: unknown, path: string, file: string, problems: Problem[]): string | undefined {
  if (data !== null && !isMap(data)) {
    problems.push({ file, key: path, message: `a group must be a mapping with hosts/children/vars, got ${describe(data)}` });
    return undefined;
  }
  model.addGroup(name);
  if (data === null) return name;
  for (const [key, raw] of Object.entries(data)) {
    const section = typeof raw === 'string' ? { [raw]: null } : raw;
    const where = `${path}.${key}`;
    if (!['vars', 'children', 'hosts'].includes(key)) {
      problems.push({ file, key: where, message: 'unexpected key: only "hosts", "children" and "vars" are valid in a group' });
      continue;
    }
    if (section === null) continue;
    if (!isMap(section)) {
      problems.push({ file, key: where, message: `must be a mapping, got ${describe(section)}` });
      continue;
    }
    try {
      if (key === 'vars') for (const [k, v] of Object.entries(section)) model.setGroupVar(name, k, v);
      else if (key === 'children') {
        for (const [child, childData] of Object.entries(section)) {
          const added = parseGroup(model, child, childData, `${where}.${child}`, file, problems);
          if (added) model.addChild(name, added);
        }
      } else parseHosts(model, name, section, where, file, problems);
    } catch (e) {
      problems.push({ file, key: where, message: (e as Error).message });
    }
  }
  return name;
}

function parseHosts(model: InventoryModel, group: string, hosts: Data, path: string, file: string, problems: Problem[]): void {
  for (const [pattern, vars] of Object.entries(hosts)) {
    if (vars !== null && !isMap(vars)) {
      problems.push({ file, key: `${path}.${pattern}`, message: `host vars must be a mapping, got ${describe(vars)}` });
      continue;
    }
    try {
      const { hosts: names, port } = expandHostPattern(pattern);
      for (const host of names) {
        model.addHost(host, group, port);
        for (const [k, v] of Object.entries(vars ?? {})) model.setHostVar(host, k, v);
      }
    } catch (e) {
      problems.push({ file, key: `${path}.${pattern}`, message: (e as Error).message });
    }
  }
}

function describe(value: unknown): string {
  const v = value instanceof FloatValue ? value.value : value;
  return Array.isArray(v) ? 'a list' : `${typeof v} ${JSON.stringify(v)}`;
}
