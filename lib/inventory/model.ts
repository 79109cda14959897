/**
 * The inventory graph as Ansible's InventoryData builds it: groups (with their direct hosts,
 * child groups, inline vars and ansible_group_priority), hosts (with inline vars), the built-in
 * `all` and `ungrouped`, and the reconcile step that hangs parentless groups under `all` and
 * puts group-less hosts into `ungrouped`.
 */

export class GroupNode {
  readonly name: string;
  readonly hosts: HostNode[] = [];
  readonly children: GroupNode[] = [];
  readonly parents: GroupNode[] = [];
  readonly vars: Record<string, unknown> = {};
  priority = 1;
  depth = 0;
  constructor(name: string) {
    this.name = name;
  }

  /** This group and its descendants, breadth first, in declaration order. */
  descendants(): GroupNode[] {
    const out: GroupNode[] = [this];
    const seen = new Set<GroupNode>(out);
    for (let i = 0; i < out.length; i++) {
      for (const child of out[i]!.children) {
        if (!seen.has(child)) {
          seen.add(child);
          out.push(child);
        }
      }
    }
    return out;
  }

  ancestors(): Set<GroupNode> {
    const seen = new Set<GroupNode>();
    const stack = [...this.parents];
    while (stack.length) {
      const g = stack.pop()!;
      if (!seen.has(g)) {
        seen.add(g);
        stack.push(...g.parents);
      }
    }
    return seen;
  }

  /** Every host of the group and its descendants, in Ansible's order, without repeats. */
  allHosts(): HostNode[] {
    const seen = new Set<HostNode>();
    for (const g of this.descendants()) for (const h of g.hosts) seen.add(h);
    return [...seen];
  }
}

export class HostNode {
  readonly name: string;
  readonly groups: GroupNode[] = [];
  readonly vars: Record<string, unknown> = {};
  constructor(name: string) {
    this.name = name;
  }

  /** Direct groups and all their ancestors. */
  allGroups(): GroupNode[] {
    const out = new Set<GroupNode>();
    for (const g of this.groups) {
      out.add(g);
      for (const a of g.ancestors()) out.add(a);
    }
    return [...out];
  }
}

/** Ansible's sort_groups: depth, then ansible_group_priority, then name. */
export function sortGroups(groups: Iterable<GroupNode>): GroupNode[] {
  return [...groups].sort((a, b) => a.depth - b.depth || a.priority - b.priority || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

export class InventoryModel {
  readonly groups = new Map<string, GroupNode>();
  readonly hosts = new Map<string, HostNode>();

  constructor() {
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped');
  }

  group(name: string): GroupNode {
    const g = this.groups.get(name);
    if (!g) throw new Error(`${name} is not a known group`);
    return g;
  }

  addGroup(name: string): GroupNode {
    let g = this.groups.get(name);
    if (!g) {
      g = new GroupNode(name);
      this.groups.set(name, g);
    }
    return g;
  }

  addHost(name: string, group: string, port?: number): HostNode {
    let h = this.hosts.get(name);
    if (!h) {
      h = new HostNode(name);
      this.hosts.set(name, h);
      if (port !== undefined) h.vars.ansible_port = port;
    }
    const g = this.group(group);
    if (!g.hosts.includes(h)) {
      g.hosts.push(h);
      h.groups.push(g);
    }
    return h;
  }

  /** Adds child to parent; throws on a loop, as Ansible does. */
  addChild(parent: string, child: string): void {
    const p = this.group(parent);
    const c = this.group(child);
    if (p === c) throw new Error(`can't add group ${child} to itself`);
    if (p.children.includes(c)) return;
    if (p.ancestors().has(c)) throw new Error(`Adding group '${child}' as child to '${parent}' creates a recursive dependency loop.`);
    p.children.push(c);
    if (!c.parents.includes(p)) c.parents.push(p);
  }

  setGroupVar(group: string, key: string, value: unknown): void {
    const g = this.group(group);
    if (key === 'ansible_group_priority') {
      const n = Number(value);
      if (!Number.isInteger(n)) throw new Error(`ansible_group_priority must be an integer, got ${JSON.stringify(value)}`);
      g.priority = n;
    } else {
      g.vars[key] = value;
    }
  }

  setHostVar(host: string, key: string, value: unknown): void {
    this.hosts.get(host)!.vars[key] = value;
  }

  /** Ansible's reconcile_inventory, then depths (longest path from `all`). */
  reconcile(): void {
    const all = this.group('all');
    const ungrouped = this.group('ungrouped');
    for (const g of this.groups.values()) {
      if (g !== all && g.parents.length === 0) this.addChild('all', g.name);
    }
    for (const h of this.hosts.values()) {
      const mine = h.allGroups();
      if (mine.includes(ungrouped)) {
        if (mine.some((g) => g !== all && g !== ungrouped)) removeHost(ungrouped, h);
      } else if (mine.length === 0 || (mine.length === 1 && mine[0] === all)) {
        this.addHost(h.name, 'ungrouped');
      }
    }
    const depthOf = (g: GroupNode, seen: Set<GroupNode>): number => {
      if (g === all) return 0;
      if (seen.has(g)) return g.depth;
      seen.add(g);
      g.depth = Math.max(0, ...g.parents.map((p) => depthOf(p, seen) + 1));
      return g.depth;
    };
    const seen = new Set<GroupNode>();
    for (const g of this.groups.values()) depthOf(g, seen);
  }
}

function removeHost(group: GroupNode, host: HostNode): void {
  group.hosts.splice(group.hosts.indexOf(host), 1);
  host.groups.splice(host.groups.indexOf(group), 1);
}
