/**
 * The role contract. A role is a folder `roles/<name>/` whose index.ts default-exports a Role:
 * typed vars in (schema in vars.ts / defaults), tasks out. Tasks follow facts → plan → apply:
 * `describe` is pure and offline (feeds --plan), `run` reads facts, works out what would change,
 * and applies it unless ctx.check is set.
 */
import type { Problem } from './errors.ts';
import type { PrefetchRead, Transport } from './transport/types.ts';
import type { PlatformVars } from './vars/platform.ts';
import type { VarDefs, VarsOf } from './vars/schema.ts';

export type { PlanEntry, TaskResult, TaskStatus } from './results.ts';
import type { PlanEntry, TaskResult } from './results.ts';

/** One host as the runner sees it. */
export interface HostInfo {
  /** The inventory host name. */
  readonly name: string;
  /** Groups the host belongs to (not including 'all'). */
  readonly groups: readonly string[];
  /** All resolved vars of this host (inventory + role defaults + -e), templates rendered. */
  readonly vars: Readonly<Record<string, unknown>>;
}

/** Progress and output from inside a task. */
export interface TaskLog {
  /** A line shown while the task runs: "waiting for deployment istio-system/istiod: 0/1 available, 14s". */
  progress(message: string): void;
  /** Shown with -v. */
  verbose(message: string): void;
  /** A warning, shown always. */
  warn(message: string): void;
}

export interface TaskContext {
  readonly host: HostInfo;
  /** All hosts of the play (after --limit), e.g. to build a node list. */
  readonly playHosts: readonly HostInfo[];
  /** Every inventory host's vars, by name (Ansible's hostvars). */
  readonly hostvars: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Every group's host list (Ansible's groups). */
  readonly groups: Readonly<Record<string, readonly string[]>>;
  /** --check: read what is there, write nothing anywhere. */
  readonly check: boolean;
  /** --diff: put a diff into the result when something changes (or would). */
  readonly diff: boolean;
  readonly log: TaskLog;
  readonly signal: AbortSignal;
  /** The connection to this host (SSH or local), opened on first use and kept for the run. */
  transport(): Promise<Transport>;
  /** Per-run, per-host fact cache: compute once, then reuse. */
  fact<T>(key: string, compute: () => Promise<T>): Promise<T>;
  /** Run-wide shared state between tasks/roles (e.g. the kubeconfig the k3s role wrote). */
  readonly shared: Map<string, unknown>;
  /** Access to the cluster (kubeconfig or SSH tunnel), opened on first use; see lib/kube. */
  cluster(): Promise<import('./kube/types.ts').Cluster>;
}

export interface Task {
  readonly name: string;
  /** Tags beyond the role's own (e.g. 'verify'). */
  readonly tags?: readonly string[];
  /** Run on the first host of the play only (cluster-level work: Helm, Kubernetes API). */
  readonly runOnce?: boolean;
  /** When set, the task is skipped with this reason (computed in TypeScript, from vars). */
  readonly skipReason?: string;
  /**
   * Adjacent tasks marked concurrent run together, each starting when the tasks named in its
   * `after` (within the same batch) have finished: independent Helm releases in parallel.
   */
  readonly concurrent?: boolean;
  readonly after?: readonly string[];
  /**
   * The task runs commands on its host (ctx.transport()): the runner then connects to the host
   * when the run starts, beside every other such host, instead of when the task first asks, so
   * a later play's connect overlaps the plays before it. Unset: connected on first use only
   * (an offline task never connects).
   */
  readonly usesHost?: boolean;
  /**
   * The read-only probes `run` makes on its host (lib/steps' `reads.*`, e.g.
   * `reads: () => reads.putFile(args)`). Pure, no I/O. The runner reads those of a host's next
   * tasks that all declare them in ONE remote command before the first of them
   * (lib/runner/prefetch.ts): a no-op run is then one command per host. Declaring reads says the
   * task changes hosts only through ctx.transport(). A probe not listed reads the host itself.
   * A task with reads uses its host (as `usesHost`: connected at the run's start).
   */
  reads?(ctx: TaskContext): readonly PrefetchRead[];
  /** Offline description for --plan. No I/O. */
  describe?(): PlanEntry[];
  run(ctx: TaskContext): Promise<TaskResult>;
}

/** A NodePort and the var that sets it (for `file › key` messages). */
export interface NodePortUse {
  readonly nodePort: number;
  readonly var: string;
}

/**
 * A service a role publishes on the nodes' NodePorts for the external load balancers (lib/lb
 * balances what the enabled roles expose, without knowing the roles).
 * - ingress: HTTP and HTTPS entry of the cluster, on the load balancers' lb_http_port/lb_https_port
 *   (or lb_secondary_*_port when two ingresses are on), with a readiness endpoint;
 * - tcp: the load balancers listen on `port` and pass bytes through to `nodePort`.
 */
export type ExposedService =
  | { readonly kind: 'ingress'; readonly name: string; readonly http: NodePortUse; readonly https: NodePortUse; readonly ready: NodePortUse & { readonly path: string } }
  | { readonly kind: 'tcp'; readonly name: string; readonly service: string; readonly port: number; readonly nodePort: NodePortUse };

/** What the platform looks like from a host: its platform vars, and every role of the project's playbooks. */
export interface PlatformView {
  /** The platform vars of this host (lib/vars/platform.ts), typed, defaults applied. */
  readonly platform: PlatformVars;
  /** The roles of playbooks/site.ts and of this playbook, selected or not: exposes() and k3sComponents() are asked of them. */
  readonly platformRoles: readonly Role[];
}

export interface ValidateContext extends PlatformView {
  /** Vars of every selected role for this host, merged (for cross-role checks such as NodePort clashes). */
  readonly allVars: Readonly<Record<string, unknown>>;
  readonly host: HostInfo;
  /** Names of the roles selected in this run. */
  readonly selectedRoles: readonly string[];
  /** The inventory's groups → host names (cross-host checks: load balancers in front of a role's NodePorts); absent: none known. */
  readonly groups?: Readonly<Record<string, readonly string[]>>;
  /** Where a var came from, for `file › key` messages. */
  sourceOf(varName: string): string;
}

export interface RoleContext extends PlatformView {
  readonly host: HostInfo;
  readonly playHosts: readonly HostInfo[];
  readonly groups: Readonly<Record<string, readonly string[]>>;
  readonly hostvars: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Names of the roles selected in this run (after --tags). */
  readonly selectedRoles: readonly string[];
  /** Directory of the inventory, for template overrides and relative paths. */
  readonly inventoryDir: string;
  /** Where a var of this host came from (a file as problems show it), for `file:line › key` messages. */
  readonly sourceOf?: (varName: string) => string;
}

export interface Role<D extends VarDefs = VarDefs> {
  readonly name: string;
  /** One line, for `--list-tags` and docs. */
  readonly description: string;
  /** The role's tags; its name is always one of them. */
  readonly tags: readonly string[];
  /** Roles that must run before this one when both are selected in a run. */
  readonly dependencies?: readonly string[];
  /** Its tasks use ctx.cluster(): a run that selects it starts loading lib/cluster at its start, beside the first plays. */
  readonly usesCluster?: boolean;
  readonly vars: D;
  /** Cross-field checks beyond each var's own schema; every problem at once. */
  validate?(vars: VarsOf<D>, ctx: ValidateContext): Problem[];
  /** The tasks for one host. Pure: no I/O here. */
  tasks(vars: VarsOf<D>, ctx: RoleContext): Task[];
  /** The services the role publishes on NodePorts, from the platform vars ([] when it is off). */
  exposes?(vars: PlatformVars): ExposedService[];
  /** The packaged k3s components the role replaces while it is on (`servicelb` for MetalLB, `traefik` for an ingress). */
  k3sComponents?(vars: PlatformVars): string[];
}

export function defineRole<D extends VarDefs>(role: Role<D>): Role<D> {
  return role;
}
