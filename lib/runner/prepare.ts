/**
 * Everything before a connection: each play's hosts (pattern + --limit), its selected roles
 * (tags, dependency order), every host's resolved vars, role var validation, and each host's
 * selected tasks. Collects every problem and throws one InputError.
 */
import { formatProblem, InputError } from '../errors.ts';
import type { Problem } from '../errors.ts';
import type { Inventory, ResolvedVars, ResolveOptions, VarLayer } from '../inventory/types.ts';
import type { Play, Playbook } from '../playbook.ts';
import type { HostInfo, PlatformView, Role, RoleContext, Task } from '../role.ts';
import { lockSettings } from '../lock/vars.ts';
import { connectionSpec } from '../transport/connection.ts';
import { exposedServices } from '../role-kit/platform.ts';
import { nodePortClashes, nodePortUses } from '../vars/nodeports.ts';
import { PLATFORM_TABLE, platformDefaultVars, platformVars, type PlatformVars } from '../vars/platform.ts';
import { closest } from '../vars/suggest.ts';
import type { VarDefs } from '../vars/schema.ts';
import {
  dedupeProblems, defaultLayers, parseRoleVars, runRoleValidators, unknownKeys,
} from '../vars/validate.ts';
import type { PlayVars } from '../inventory/play-vars.ts';
import { batchesOf } from './batches.ts';
import { fallbackRoleVars, listingWarnings } from './lenient.ts';
import { orderRoles } from './load.ts';
import { applyLimit, selectHosts } from './patterns.ts';
import { roleMaySelect, roleTags, SPECIAL_TAGS, tagsSelected, taskTags } from './tags.ts';
import type { TagFilter } from './tags.ts';

/** The inventory as the runner uses it: lib/inventory's loadInventory + resolveHost. */
export interface InventorySource {
  readonly inventory: Inventory;
  resolve(host: string, options: ResolveOptions): ResolvedVars;
}

export interface PrepareOptions {
  readonly source: InventorySource;
  readonly playbook: Playbook;
  readonly roles: ReadonlyMap<string, Role>;
  readonly filter: TagFilter;
  readonly limit?: string;
  readonly extraVars?: readonly VarLayer[];
  /** Every role of the project's playbooks (site + this one), asked for exposes()/k3sComponents(); default: `roles`. */
  readonly platformRoles?: readonly Role[];
  /** Listing (--list-hosts/--list-tasks/--list-tags): var problems are warnings, not errors (lenient.ts). */
  readonly lenient?: boolean;
  /** The run's check/diff mode and playbook folder, for the play-context vars. */
  readonly play?: PlayVars;
}

/** One selected task of one role on one host. */
export interface HostTask {
  readonly role: Role;
  readonly task: Task;
  readonly tags: string[];
}

export interface PreparedHost {
  readonly info: HostInfo;
  readonly resolved: ResolvedVars;
  /** Typed vars per selected role. */
  readonly roleVars: Map<string, Record<string, unknown>>;
  readonly tasks: HostTask[];
}

export interface PreparedPlay {
  readonly play: Play;
  readonly roles: Role[];
  readonly hosts: PreparedHost[];
  /** Why the play does not run (no hosts matched, its `when` said so). */
  readonly skipped?: string;
}

export interface PreparedRun {
  readonly plays: PreparedPlay[];
  readonly warnings: string[];
  readonly hostvars: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  readonly groups: Readonly<Record<string, readonly string[]>>;
}

const errorProblems = (err: unknown, file: string, key: string): Problem[] =>
  err instanceof InputError ? err.problems : [{ file, key, message: err instanceof Error ? err.message : String(err) }];

/**
 * A host's rendered vars. A var that fails to render is a problem when a selected role or the
 * connection needs it; otherwise it is left out with a warning (Ansible renders lazily and would
 * not complain about a var nothing reads).
 */
function hostVars(resolved: ResolvedVars, needed: ReadonlySet<string>, problems: Problem[], warnings: string[]): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const name of resolved.names) {
    try {
      vars[name] = resolved.get(name);
    } catch (err) {
      const found = errorProblems(err, resolved.sourceOf(name), name);
      if (needed.has(name) || name.startsWith('ansible_')) problems.push(...found);
      else warnings.push(...found.map((p) => `${formatProblem({ ...p, host: undefined })} (no selected role reads it: left out)`));
    }
  }
  return vars;
}

function selectRoles(play: Play, o: PrepareOptions): Role[] {
  const everyTag = new Set([...o.roles.values()].flatMap((r) => [...roleTags(r)]));
  const names = play.roles.filter((n) => roleMaySelect(roleTags(o.roles.get(n)!), everyTag, o.filter));
  return orderRoles(names, o.roles).map((n) => o.roles.get(n)!);
}

function knownVarNames(roles: ReadonlyMap<string, Role>): Set<string> {
  return new Set([...Object.keys(platformVars), ...[...roles.values()].flatMap((r) => Object.keys(r.vars as VarDefs))]);
}

/** The host's platform vars, typed (their problems are the ones the roles that read them report too). */
function platformView(resolved: ResolvedVars, o: PrepareOptions, problems: Problem[]): PlatformView {
  const parsed = parseRoleVars([PLATFORM_TABLE], resolved);
  problems.push(...parsed.problems);
  const platform = (parsed.vars.get(PLATFORM_TABLE.name) ?? platformDefaultVars()) as PlatformVars;
  return { platform, platformRoles: o.platformRoles ?? [...o.roles.values()] };
}

/** Validate one host's vars for the play's selected roles (and its connection vars); returns its typed vars. */
function validateHost(roles: Role[], info: HostInfo, resolved: ResolvedVars, view: PlatformView, w: RunWide, groups: Readonly<Record<string, readonly string[]>>) {
  const { known, problems } = w;
  const parsed = parseRoleVars(roles, resolved);
  // role-var problems: errors for a run, warnings for a listing (w.roleVarProblems, lenient.ts)
  w.roleVarProblems.push(...parsed.problems);
  w.roleVarProblems.push(...runRoleValidators(roles, parsed.vars, info, resolved, view, groups));
  w.roleVarProblems.push(...unknownKeys(roles, known, resolved));
  try {
    connectionSpec(info.name, info.vars);
  } catch (err) {
    problems.push(...errorProblems(err, '', 'ansible_connection').map((p) => ({ ...p, file: p.file || (resolved.has(p.key) ? resolved.sourceOf(p.key) : '') })));
  }
  const sourced = (p: Problem): Problem => ({ ...p, file: p.file || (resolved.has(p.key) ? resolved.sourceOf(p.key) : '') });
  problems.push(...lockSettings(info.vars).problems.map(sourced));
  w.roleVarProblems.push(...nodePortClashes(nodePortUses(exposedServices(view)), (n) => (resolved.has(n) ? resolved.sourceOf(n) : '')));
  return parsed.vars;
}

/** Task names are unique per role: they key the output and `after` lists. */
function checkNames(tasks: readonly HostTask[], problems: Problem[]): void {
  const seen = new Set<string>();
  for (const { role, task } of tasks) {
    const key = `${role.name}\0${task.name}`;
    if (seen.has(key)) problems.push({ file: `roles/${role.name}`, key: task.name, message: 'two tasks of the role have this name; give each task its own name' });
    seen.add(key);
  }
}

/** The [start, end] of the batch (lib/runner/batches.ts) holding task i. */
function batchAround(tasks: readonly HostTask[], i: number): [number, number] {
  let start = 0;
  for (const batch of batchesOf(tasks, (t) => t.task.concurrent === true)) {
    if (i < start + batch.length) return [start, start + batch.length - 1];
    start += batch.length;
  }
  return [i, i];
}

/** A task waiting (through `after`) on itself within its batch would never start. */
function waitsOnItself(name: string, batch: readonly HostTask[]): boolean {
  const byName = new Map(batch.map((t) => [t.task.name, t.task]));
  const stack = [...(byName.get(name)?.after ?? [])];
  const seen = new Set<string>();
  while (stack.length) {
    const n = stack.pop()!;
    if (n === name) return true;
    if (seen.has(n)) continue;
    seen.add(n);
    stack.push(...(byName.get(n)?.after ?? []));
  }
  return false;
}

/**
 * `after` names a task that runs earlier in the play (done before this batch starts) or one of
 * the adjacent concurrent tasks of its batch (then this one starts when it ends); no cycles.
 * A task left out of this run (by --tags/--skip-tags, or because its role's vars have problems
 * already reported) is no ordering error: there is nothing to wait for.
 */
function checkAfter(tasks: readonly HostTask[], notInRun: (name: string) => boolean, problems: Problem[]): void {
  tasks.forEach(({ role, task }, i) => {
    if (!task.after?.length) return;
    const [start, end] = batchAround(tasks, i);
    const earlier = new Set(tasks.slice(0, start).map((t) => t.task.name));
    const batch = tasks.slice(start, end + 1);
    for (const dep of task.after) {
      if (earlier.has(dep) || (dep !== task.name && batch.some((t) => t.task.name === dep))) continue;
      if (!tasks.some((t) => t.task.name === dep) && notInRun(dep)) continue;
      problems.push({ file: `roles/${role.name}`, key: task.name, message: `after: "${dep}" is no task that runs before it or beside it (adjacent concurrent tasks); fix the name or the order` });
    }
    if (waitsOnItself(task.name, batch)) {
      problems.push({ file: `roles/${role.name}`, key: task.name, message: 'its after list waits on itself through other tasks; break the cycle' });
    }
  });
}

function hostTasks(roles: Role[], typed: Map<string, Record<string, unknown>>, ctx: Omit<RoleContext, 'host' | keyof PlatformView>, info: HostInfo, view: PlatformView, o: PrepareOptions, w: RunWide): HostTask[] {
  const { problems } = w;
  const out: HostTask[] = [];
  const deselected = new Set<string>();
  let unbuilt = false;
  for (const role of roles) {
    const vars = typed.get(role.name);
    if (!vars) { unbuilt = true; continue; }
    try {
      for (const task of role.tasks(vars as never, { ...ctx, ...view, host: info })) {
        const tags = [...taskTags(role, task)];
        for (const t of tags) w.seenTags.add(t);
        if (tagsSelected(new Set(tags), o.filter)) out.push({ role, task, tags });
        else deselected.add(task.name);
      }
    } catch (err) {
      problems.push(...errorProblems(err, `roles/${role.name}`, 'tasks()'));
    }
  }
  checkNames(out, problems);
  checkAfter(out, (name) => unbuilt || deselected.has(name), problems);
  return out;
}

interface HostBase { info: HostInfo; resolved: ResolvedVars }

function playHostsOf(play: Play, o: PrepareOptions, warnings: string[]): string[] {
  const u = o.source.inventory;
  const matched = selectHosts(play.hosts, u);
  const limited = applyLimit(matched.hosts, o.limit, u);
  for (const t of [...matched.unmatched, ...limited.unmatched]) warnings.push(`Could not match supplied host pattern, ignoring: ${t}`);
  return limited.hosts;
}

/** The play's `when` on its first host's vars: a skip reason, or undefined to run. */
function playCondition(play: Play, first: HostInfo, problems: Problem[]): string | undefined {
  try {
    return play.when?.(first.vars);
  } catch (err) {
    problems.push(...errorProblems(err, 'playbook', `play "${play.name}" when()`));
    return 'its when() failed';
  }
}

interface RunWide {
  known: Set<string>;
  hostvars: Record<string, Record<string, unknown>>;
  problems: Problem[];
  /** Problems with role vars (schemas, role validators, unknown keys, NodePort clashes): warnings when listing. */
  roleVarProblems: Problem[];
  warnings: string[];
  /** Every tag of every task built, selected or not (to warn about a --tags typo). */
  seenTags: Set<string>;
}

function preparePlay(play: Play, o: PrepareOptions, w: RunWide): PreparedPlay {
  const { known, problems, warnings } = w;
  const roles = selectRoles(play, o);
  const names = playHostsOf(play, o, warnings);
  if (names.length === 0) return { play, roles, hosts: [], skipped: 'no hosts matched' };
  const defaults = defaultLayers(play.roles.map((n) => o.roles.get(n)!));
  const needed = new Set(roles.flatMap((r) => Object.keys(r.vars as VarDefs)));
  const bases: HostBase[] = names.map((name) => {
    const resolved = o.source.resolve(name, { roleDefaults: defaults, extraVars: o.extraVars ?? [], ...(o.play ? { play: o.play } : {}) });
    const groups = o.source.inventory.groupsOf(name).filter((g) => g !== 'all');
    return { info: { name, groups, vars: hostVars(resolved, needed, w.roleVarProblems, warnings) }, resolved };
  });
  const skipped = playCondition(play, bases[0]!.info, problems);
  if (skipped !== undefined) return { play, roles, hosts: [], skipped };
  if (roles.length === 0) return { play, roles, hosts: [], skipped: 'no role selected by --tags/--skip-tags' };
  const inv = o.source.inventory;
  const ctx = {
    playHosts: bases.map((b) => b.info), groups: inv.groups, hostvars: w.hostvars,
    selectedRoles: roles.map((r) => r.name), inventoryDir: inv.dir,
  };
  const hosts = bases.map(({ info, resolved }) => {
    const view = platformView(resolved, o, w.roleVarProblems);
    const roleVars = validateHost(roles, info, resolved, view, w, inv.groups);
    if (o.lenient) for (const r of roles) if (!roleVars.has(r.name)) roleVars.set(r.name, fallbackRoleVars(r, resolved));
    const sourceOf = (n: string) => (resolved.has(n) ? resolved.sourceOf(n) : '');
    return { info, resolved, roleVars, tasks: hostTasks(roles, roleVars, { ...ctx, sourceOf }, info, view, o, w) };
  });
  return { play, roles, hosts };
}

/** Ansible's hostvars, rendered on first access per host. */
function lazyHostvars(o: PrepareOptions, warnings: string[]): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const host of o.source.inventory.hosts) {
    let cached: Record<string, unknown> | undefined;
    Object.defineProperty(out, host, {
      enumerable: true,
      get: () => (cached ??= hostVars(o.source.resolve(host, { extraVars: o.extraVars ?? [], ...(o.play ? { play: o.play } : {}) }), new Set(), [], warnings)),
    });
  }
  return out;
}

/** A --tags entry no task has: warn, with the nearest tag (Ansible silently runs nothing). */
function unknownTagWarnings(o: PrepareOptions, w: RunWide): void {
  const roleTagSet = [...o.roles.values()].flatMap((r) => [...roleTags(r)]);
  const known = [...new Set([...w.seenTags, ...roleTagSet])];
  for (const tag of [...o.filter.tags, ...o.filter.skipTags]) {
    if (SPECIAL_TAGS.has(tag) || known.includes(tag)) continue;
    const near = closest(tag, known);
    w.warnings.push(`no task has the tag ${tag}${near ? `; did you mean ${near}?` : ''} (npm run play -- --list-tags)`);
  }
}

export function prepareRun(o: PrepareOptions): PreparedRun {
  // the inventory's own warnings (files of a folder it skipped, group_vars no group reads) first
  const warnings: string[] = [...(o.source.inventory.warnings ?? [])];
  const w: RunWide = { known: knownVarNames(o.roles), hostvars: lazyHostvars(o, warnings), problems: [], roleVarProblems: [], warnings, seenTags: new Set() };
  const plays = o.playbook.plays.map((play) => preparePlay(play, o, w));
  if (o.lenient) w.warnings.push(...listingWarnings(dedupeProblems(w.roleVarProblems)));
  else w.problems.push(...w.roleVarProblems);
  if (w.problems.length) throw new InputError(dedupeProblems(w.problems), 'invalid input, nothing was run');
  if (o.limit && plays.every((p) => p.hosts.length === 0 && p.skipped === 'no hosts matched')) {
    throw new InputError([{ file: 'command line', key: '--limit', message: `${o.limit} leaves no host in any play; check the pattern (npm run play -- --list-hosts)` }]);
  }
  unknownTagWarnings(o, w);
  return { plays, warnings: [...new Set(w.warnings)], hostvars: w.hostvars, groups: o.source.inventory.groups };
}
