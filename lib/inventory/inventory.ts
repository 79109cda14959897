/**
 * The loaded inventory: the host/group graph plus every vars layer, and the per-host stack of
 * layers in Ansible's precedence order (lowest first):
 *   1. group vars written in the inventory file — `all`, then the host's other groups sorted
 *      as Ansible's sort_groups does (depth: parents before children; ansible_group_priority;
 *      name)
 *   2. group_vars/all files
 *   3. group_vars/<group> files, same group order
 *   4. host vars written in the inventory file
 *   5. host_vars/<host> files
 * (Role defaults below and -e above are added by resolveHost.)
 */
import { InventoryError } from '../errors.ts';
import { toAnsibleHost, toAnsibleList } from './ansible-list.ts';
import { type GroupNode, type InventoryModel, sortGroups } from './model.ts';
import type { Inventory, VarLayer } from './types.ts';
import { plainValue } from './vars-files.ts';

export interface VarsFiles {
  /** group name → its group_vars layers, in load order. */
  groups: Map<string, VarLayer[]>;
  /** host name → its host_vars layers, in load order. */
  hosts: Map<string, VarLayer[]>;
}

export class LoadedInventory implements Inventory {
  readonly dir: string;
  readonly hostsFile: string;
  readonly hosts: readonly string[];
  readonly groups: Readonly<Record<string, readonly string[]>>;
  /** Every inventory file read, in order (one, or each source of a folder). */
  readonly sources: readonly string[];
  /** The source name of the hosts file, as used in layers. */
  readonly hostsSource: string;
  readonly model: InventoryModel;
  readonly files: VarsFiles;
  readonly warnings: readonly string[];
  private readonly rawCache = new Map<string, readonly VarLayer[]>();
  private readonly plainCache = new Map<string, readonly VarLayer[]>();
  private readonly plainLayer = new WeakMap<VarLayer, VarLayer>();
  private readonly inlineLayers = new WeakMap<object, VarLayer>();
  private readonly groupCache = new Map<string, GroupNode[]>();
  private readonly groupNameCache = new Map<string, readonly string[]>();

  constructor(args: { dir: string; hostsFile: string; hostsSource: string; sources?: readonly string[]; model: InventoryModel; files: VarsFiles; warnings?: readonly string[] }) {
    this.dir = args.dir;
    this.hostsFile = args.hostsFile;
    this.sources = args.sources ?? [args.hostsFile];
    this.hostsSource = args.hostsSource;
    this.model = args.model;
    this.files = args.files;
    this.warnings = args.warnings ?? [];
    const groups: Record<string, readonly string[]> = {};
    for (const g of this.model.groups.values()) groups[g.name] = g.allHosts().map((h) => h.name);
    this.groups = groups;
    this.hosts = groups.all ?? [];
  }

  hasHost(host: string): boolean {
    return this.model.hosts.has(host);
  }

  private node(host: string) {
    const h = this.model.hosts.get(host);
    if (!h) throw new InventoryError([{ file: this.hostsSource, key: host, message: 'no such host in the inventory: check the name (--list shows every host)' }]);
    return h;
  }

  /** The host's groups with `all` first, in Ansible's merge order. */
  sortedGroups(host: string): GroupNode[] {
    let groups = this.groupCache.get(host);
    if (!groups) {
      groups = sortGroups(this.node(host).allGroups());
      this.groupCache.set(host, groups);
    }
    return groups;
  }

  groupsOf(host: string): readonly string[] {
    let names = this.groupNameCache.get(host);
    if (!names) {
      names = this.sortedGroups(host).map((g) => g.name);
      this.groupNameCache.set(host, names);
    }
    return names;
  }

  /** Layers with inline `!vault` values still as VaultText (for --list). */
  rawLayersOf(host: string): readonly VarLayer[] {
    let layers = this.rawCache.get(host);
    if (layers) return layers;
    const groups = this.sortedGroups(host);
    const out: VarLayer[] = [];
    const inline = (owner: { vars: Record<string, unknown> }) => {
      if (Object.keys(owner.vars).length === 0) return;
      let layer = this.inlineLayers.get(owner);
      if (!layer) {
        layer = { source: this.hostsSource, vars: owner.vars };
        this.inlineLayers.set(owner, layer);
      }
      out.push(layer);
    };
    for (const g of groups) inline(g);
    for (const g of groups) out.push(...(this.files.groups.get(g.name) ?? []));
    inline(this.node(host));
    out.push(...(this.files.hosts.get(host) ?? []));
    layers = out;
    this.rawCache.set(host, layers);
    return layers;
  }

  layersOf(host: string): readonly VarLayer[] {
    let layers = this.plainCache.get(host);
    if (layers) return layers;
    layers = this.rawLayersOf(host).map((layer) => {
      let plain = this.plainLayer.get(layer);
      if (!plain) {
        plain = { source: layer.source, vars: plainValue(layer.vars) as Record<string, unknown> };
        this.plainLayer.set(layer, plain);
      }
      return plain;
    });
    this.plainCache.set(host, layers);
    return layers;
  }

  toAnsibleList(): unknown {
    return toAnsibleList(this);
  }

  toAnsibleHost(host: string): unknown {
    return toAnsibleHost(this, host);
  }
}
