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
import { type GroupNode, type HostNode, type InventoryModel, sortGroups } from './model.ts';
import type { Inventory, VarLayer } from './types.ts';
import { plainValue } from './vars-files.ts';

export interface VarsFiles {
  /** group name → its group_vars layers, in load order. */
  groups: Map<string, VarLayer[]>;
  /** host name → its host_vars layers, in load order. */
  hosts: Map<string, VarLayer[]>;
}

/** What hosts in the same direct groups share: their sorted groups, and those groups' layers. */
interface GroupSet {
  readonly groups: GroupNode[];
  readonly names: readonly string[];
  readonly raw: readonly VarLayer[];
  plain: readonly VarLayer[] | undefined;
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
  private readonly ownCache = new Map<string, readonly VarLayer[]>();
  private readonly plainLayer = new WeakMap<VarLayer, VarLayer>();
  private readonly inlineLayers = new WeakMap<object, VarLayer>();
  /** Per set of direct groups (hosts in the same groups share it): the sorted groups and their layers. */
  private readonly groupSets = new Map<string, GroupSet>();
  private readonly groupSetOf = new WeakMap<HostNode, GroupSet>();

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

  private node(host: string): HostNode {
    const h = this.model.hosts.get(host);
    if (!h) throw new InventoryError([{ file: this.hostsSource, key: host, message: 'no such host in the inventory: check the name (--list shows every host)' }]);
    return h;
  }

  /** The host's groups, shared with every host of the same direct groups (their order is the sort's, not the declaration's). */
  private groupSet(host: string): GroupSet {
    const node = this.node(host);
    let set = this.groupSetOf.get(node);
    if (set) return set;
    const key = node.groups.map((g) => g.name).join('\0');
    set = this.groupSets.get(key);
    if (!set) {
      const groups = sortGroups(node.allGroups());
      const raw: VarLayer[] = [];
      for (const g of groups) this.inline(g, raw);
      for (const g of groups) raw.push(...(this.files.groups.get(g.name) ?? []));
      set = { groups, names: Object.freeze(groups.map((g) => g.name)), raw, plain: undefined };
      this.groupSets.set(key, set);
    }
    this.groupSetOf.set(node, set);
    return set;
  }

  /** The inline vars of a group or host (the hosts file's) as one layer, the same object each time. */
  private inline(owner: { vars: Record<string, unknown> }, out: VarLayer[]): void {
    if (Object.keys(owner.vars).length === 0) return;
    let layer = this.inlineLayers.get(owner);
    if (!layer) {
      layer = { source: this.hostsSource, vars: owner.vars };
      this.inlineLayers.set(owner, layer);
    }
    out.push(layer);
  }

  /** The host's groups with `all` first, in Ansible's merge order. */
  sortedGroups(host: string): GroupNode[] {
    return this.groupSet(host).groups;
  }

  groupsOf(host: string): readonly string[] {
    return this.groupSet(host).names;
  }

  /** The host's own layers (inline host vars, host_vars/), raw. */
  private rawOwnLayersOf(host: string): VarLayer[] {
    const out: VarLayer[] = [];
    this.inline(this.node(host), out);
    out.push(...(this.files.hosts.get(host) ?? []));
    return out;
  }

  /** Layers with inline `!vault` values still as VaultText (for --list). */
  rawLayersOf(host: string): readonly VarLayer[] {
    let layers = this.rawCache.get(host);
    if (!layers) this.rawCache.set(host, (layers = [...this.groupSet(host).raw, ...this.rawOwnLayersOf(host)]));
    return layers;
  }

  layersOf(host: string): readonly VarLayer[] {
    let layers = this.plainCache.get(host);
    if (!layers) this.plainCache.set(host, (layers = [...this.sharedLayersOf(host), ...this.ownLayersOf(host)]));
    return layers;
  }

  sharedLayersOf(host: string): readonly VarLayer[] {
    const set = this.groupSet(host);
    return (set.plain ??= Object.freeze(set.raw.map((l) => this.plain(l))));
  }

  ownLayersOf(host: string): readonly VarLayer[] {
    let layers = this.ownCache.get(host);
    if (!layers) this.ownCache.set(host, (layers = this.rawOwnLayersOf(host).map((l) => this.plain(l))));
    return layers;
  }

  /** The layer as a run sees it (vault values decrypted, timestamps as text), the same object each time. */
  private plain(layer: VarLayer): VarLayer {
    let plain = this.plainLayer.get(layer);
    if (!plain) {
      plain = { source: layer.source, vars: plainValue(layer.vars) as Record<string, unknown> };
      this.plainLayer.set(layer, plain);
    }
    return plain;
  }

  toAnsibleList(): unknown {
    return toAnsibleList(this);
  }

  toAnsibleHost(host: string): unknown {
    return toAnsibleHost(this, host);
  }
}
