/**
 * The JSON `ansible-inventory --list` and `--host H` print, built from the same data:
 * groups from `all` down (direct hosts, child groups; empty keys and empty groups dropped),
 * and `_meta.hostvars` with each host's merged inventory vars (templates left unrendered,
 * inline vault values as `{"__ansible_vault": ciphertext}`). formatAnsibleJson prints it the
 * way Ansible does (keys sorted, 4-space indent) so a user can diff the two outputs.
 *
 * The shape is ansible-core 2.19's, the release pip installs today: `_meta.profile` names its
 * output format, and the names 2.19 sets itself (INTERNAL_STATIC_VARS: `role_name`, `hostvars`,
 * `inventory_hostname`...) are left out of every host's vars even when the inventory sets them.
 * Debian's 2.14 differs by design on both: it prints no profile and drops a shorter list (`omit`
 * included, `role_name` not).
 */
import type { GroupNode } from './model.ts';
import { isRawJson } from './python-float.ts';
import type { VarLayer } from './types.ts';

type Json = Record<string, unknown>;

/** ansible-core 2.19's `_meta.profile` (its `_inventory_legacy` encoder's name). */
export const LIST_PROFILE = 'inventory_legacy';

/** ansible-core 2.19's constants.INTERNAL_STATIC_VARS: what ansible-inventory removes from a host's vars. */
export const INTERNAL_VARS: ReadonlySet<string> = new Set([
  'ansible_async_path', 'ansible_collection_name', 'ansible_config_file', 'ansible_dependent_role_names', 'ansible_diff_mode',
  'ansible_facts', 'ansible_forks', 'ansible_inventory_sources', 'ansible_limit', 'ansible_play_batch', 'ansible_play_hosts',
  'ansible_play_hosts_all', 'ansible_play_role_names', 'ansible_playbook_python', 'ansible_role_name', 'ansible_role_names',
  'ansible_run_tags', 'ansible_skip_tags', 'ansible_verbosity', 'ansible_version', 'inventory_dir', 'inventory_file',
  'inventory_hostname', 'inventory_hostname_short', 'groups', 'group_names', 'hostvars', 'playbook_dir', 'play_hosts',
  'role_name', 'role_names', 'role_path', 'role_uuid',
]);

/** What the listing reads of a loaded inventory (lib/inventory/inventory.ts implements it). */
export interface ListableInventory {
  readonly model: { group(name: string): GroupNode };
  readonly hosts: readonly string[];
  rawLayersOf(host: string): readonly VarLayer[];
}

export function toAnsibleList(inv: ListableInventory): Json {
  const results: Json = {};
  const seen = new Set<string>();
  const formatGroup = (group: GroupNode): void => {
    const entry: Json = {};
    if (group.name !== 'all' && group.hosts.length) entry.hosts = group.hosts.map((h) => h.name);
    if (group.children.length) entry.children = group.children.map((c) => c.name);
    if (Object.keys(entry).length) results[group.name] = entry;
    for (const child of group.children) {
      if (!seen.has(child.name)) {
        seen.add(child.name);
        formatGroup(child);
      }
    }
  };
  formatGroup(inv.model.group('all'));
  const hostvars: Json = {};
  for (const host of inv.hosts) {
    const vars = toAnsibleHost(inv, host);
    if (Object.keys(vars).length) hostvars[host] = vars;
  }
  results._meta = { hostvars, profile: LIST_PROFILE };
  return results;
}

/** A host's inventory vars merged by precedence (maps replace), as `ansible-inventory --host`; without 2.19's internal names. */
export function toAnsibleHost(inv: ListableInventory, host: string): Json {
  const merged: Json = {};
  for (const layer of inv.rawLayersOf(host)) Object.assign(merged, layer.vars);
  for (const name of INTERNAL_VARS) delete merged[name];
  return jsonValue(merged) as Json;
}

/** What JSON.parse(JSON.stringify(v)) gives, but a float kept as Python prints it (python-float.ts). */
function jsonValue(value: unknown): unknown {
  let v = value;
  if (v !== null && typeof v === 'object' && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON(): unknown }).toJSON();
  if (isRawJson(v)) return v;
  if (Array.isArray(v)) return v.map((x) => jsonValue(x) ?? null);
  if (v !== null && typeof v === 'object') {
    const out: Json = {};
    for (const k of Object.keys(v)) {
      const x = jsonValue((v as Json)[k]);
      if (x !== undefined) out[k] = x;
    }
    return out;
  }
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  return typeof v === 'function' || typeof v === 'symbol' ? undefined : v;
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const obj = (typeof (value as { toJSON?: unknown }).toJSON === 'function' ? (value as { toJSON(): unknown }).toJSON() : value) as Json;
    if (isRawJson(obj)) return obj;
    if (!obj || typeof obj !== 'object' || Array.isArray(obj)) return sortKeys(obj);
    return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, sortKeys(obj[k])]));
  }
  return value;
}

/** JSON as Ansible prints it: keys sorted, 4-space indent. */
export function formatAnsibleJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 4);
}
