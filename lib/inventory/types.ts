/**
 * The inventory contract between lib/inventory (reading) and the runner/validation (using).
 * Implemented by lib/inventory/index.ts: `loadInventory(spec, options): Promise<Inventory>`.
 */
import type { PlayVars } from './play-vars.ts';

/** Where a value came from, for `file › key` messages: a path relative to the project/inventory, or '-e', or 'role defaults (istio)'. */
export type Source = string;

/** One layer of variables (one file, or the inline vars of one group/host, or -e), lowest precedence first in a stack. */
export interface VarLayer {
  readonly source: Source;
  readonly vars: Readonly<Record<string, unknown>>;
}

export interface Inventory {
  /** The inventory directory (group_vars/ and host_vars/ live here). */
  readonly dir: string;
  /** The hosts file that was read (INI or YAML). */
  readonly hostsFile: string;
  /** Every host, in the order Ansible lists them. */
  readonly hosts: readonly string[];
  /** Every group (including `all` and `ungrouped`) with its hosts, children flattened, in Ansible's order. */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  /** Groups a host belongs to, `all` first, then parents before children, siblings by name / ansible_group_priority. */
  groupsOf(host: string): readonly string[];
  /**
   * The variable layers for a host, lowest precedence first, as Ansible documents it:
   * inventory-file group vars (all, parents, children), group_vars/all, group_vars/<group>,
   * inventory-file host vars, host_vars/<host>. Role defaults and -e are added by resolveHost.
   */
  layersOf(host: string): readonly VarLayer[];
  /**
   * layersOf split in two, `[...sharedLayersOf(h), ...ownLayersOf(h)]`: the layers of the host's
   * groups (the same array for every host in the same groups, so what is worked out from them is
   * worked out once per group set, not per host), and the host's own (inline vars, host_vars/).
   */
  sharedLayersOf?(host: string): readonly VarLayer[];
  ownLayersOf?(host: string): readonly VarLayer[];
  /**
   * Things Ansible ignores without a word but that are probably mistakes, e.g. a
   * `group_vars/k3s-cluster.yml` when the group is `k3s_cluster` ("did you mean"). Print them.
   */
  readonly warnings?: readonly string[];
  /** What `ansible-inventory --list` prints (templates left unrendered). */
  toAnsibleList(): unknown;
  /** What `ansible-inventory --host H` prints. */
  toAnsibleHost(host: string): unknown;
}

export interface ResolveOptions {
  /** Role defaults (lowest precedence), each layer named after its role. */
  roleDefaults?: readonly VarLayer[];
  /** -e extra vars (highest precedence). */
  extraVars?: readonly VarLayer[];
  /** The run's check/diff mode and playbook folder, for the play-context vars (play-vars.ts). */
  play?: PlayVars;
}

/** A host's vars after precedence and Jinja rendering, resolved lazily. */
export interface ResolvedVars {
  /** Every var name visible to the host. */
  readonly names: readonly string[];
  /**
   * `names` in consecutive parts, in order: the first (role defaults and the group set's vars) is
   * the same array for every host of a group set, so a walk over every name of many hosts can
   * work the first part out once per group set; the rest are the host's own (and -e).
   */
  nameParts?(): readonly (readonly string[])[];
  /** The rendered value; throws InventoryError naming file and key on an undefined reference. */
  get(name: string): unknown;
  has(name: string): boolean;
  /** The file (layer source) the winning value came from. */
  sourceOf(name: string): Source;
  /** Every var rendered (collects every rendering problem and throws them all at once). */
  all(): Record<string, unknown>;
  /**
   * An object that is the same for every host whose `names` have the same values from the same
   * sources, none of them rendered per host (no template, no vault value, none set by the host
   * itself or -e); undefined when that is not so. What is worked out from those vars alone (their
   * validation) can be kept under it and reused for the next host.
   */
  sharedBy?(names: ReadonlySet<string>): object | undefined;
}
