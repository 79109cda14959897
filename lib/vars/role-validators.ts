/**
 * Each selected role's own cross-field checks (role.validate) on one host's typed vars. A check
 * that did not look at the host itself (ctx.host) nor list every var is remembered with what it
 * did read: the typed vars object, the platform view, the groups and selection, each other var it
 * read (ctx.allVars[k]) and each source it asked for (ctx.sourceOf(k)). The next host whose typed
 * vars are the same object (hosts of one group set share them: validate.ts) and whose reads give
 * the same answers gets the same problems without running the check again: 10,000 hosts in 200
 * groups run each role's checks about 200 times. Nothing else a check could read varies by host.
 */
import type { Problem } from '../errors.ts';
import type { ResolvedVars } from '../inventory/types.ts';
import type { HostInfo, PlatformView, Role, ValidateContext } from '../role.ts';

type Vars = Readonly<Record<string, unknown>>;
type Groups = Readonly<Record<string, readonly string[]>>;

/** What a check read, and what it said. */
interface Memo {
  readonly view: PlatformView;
  readonly groups: Groups;
  readonly roles: readonly Role[];
  readonly reads: readonly (readonly [string, unknown])[];
  readonly sources: readonly (readonly [string, string])[];
  readonly problems: readonly Problem[];
}

/** At most this many remembered answers per typed vars object (different other-role vars or sources). */
const MAX_MEMOS = 8;
const memos = new WeakMap<Role, WeakMap<Vars, Memo[]>>();
const NO_GROUPS: Groups = Object.freeze({});
const EMPTY: Vars = Object.freeze({});
const selections = new WeakMap<readonly Role[], readonly string[]>();

/** The roles' typed vars as one, a later role's var winning (as Object.assign of them would). */
function readMerged(parts: readonly Vars[], key: string): unknown {
  for (let i = parts.length - 1; i >= 0; i--) if (Object.hasOwn(parts[i]!, key)) return parts[i]![key];
  return undefined;
}

/** The merged view validators see as ctx.allVars, read-only and not copied; `onRead`/`onList` say what was read. */
function mergedView(parts: readonly Vars[], onRead: (key: string, value: unknown) => void, onList: () => void): Vars {
  const owner = (key: string | symbol) => {
    for (let i = parts.length - 1; i >= 0; i--) if (Object.hasOwn(parts[i]!, key)) return parts[i];
    return undefined;
  };
  return new Proxy({}, {
    get: (_t, key) => {
      if (typeof key !== 'string') return undefined;
      const value = readMerged(parts, key);
      onRead(key, value);
      return value;
    },
    has: (_t, key) => { onList(); return owner(key) !== undefined; },
    ownKeys: () => { onList(); return [...new Set(parts.flatMap((p) => Object.keys(p)))]; },
    getOwnPropertyDescriptor: (_t, key) => {
      onList();
      const o = owner(key);
      return o ? { value: o[key as string], enumerable: true, configurable: true, writable: false } : undefined;
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
}

interface HostCheck {
  readonly roles: readonly Role[];
  readonly view: PlatformView;
  readonly groups: Groups;
  readonly host: HostInfo;
  readonly parts: readonly Vars[];
  readonly sourceOf: (name: string) => string;
}

function remembered(list: readonly Memo[] | undefined, c: HostCheck): Memo | undefined {
  return list?.find((m) => m.view.platform === c.view.platform && m.view.platformRoles === c.view.platformRoles
    && m.groups === c.groups && m.roles === c.roles
    && m.reads.every(([k, v]) => readMerged(c.parts, k) === v)
    && m.sources.every(([k, s]) => c.sourceOf(k) === s));
}

/** Runs the role's check with a context that notes what it reads; remembers the answer when it may. */
function check(role: Role, vars: Vars, c: HostCheck): readonly Problem[] {
  let byVars = memos.get(role);
  const list = byVars?.get(vars);
  const hit = remembered(list, c);
  if (hit) return hit.problems;
  let personal = false;
  const reads: [string, unknown][] = [];
  const sources: [string, string][] = [];
  let selected = selections.get(c.roles);
  if (!selected) selections.set(c.roles, (selected = Object.freeze(c.roles.map((r) => r.name))));
  const ctx: ValidateContext = {
    platform: c.view.platform, platformRoles: c.view.platformRoles, groups: c.groups, selectedRoles: selected,
    get host() { personal = true; return c.host; },
    allVars: mergedView(c.parts, (k, v) => reads.push([k, v]), () => { personal = true; }),
    sourceOf: (name: string) => { const s = c.sourceOf(name); sources.push([name, s]); return s; },
  };
  let problems: readonly Problem[];
  try {
    problems = role.validate!(vars as never, ctx);
  } catch (err) {
    return [{ file: '', key: role.name, message: `validate() of role ${role.name} threw: ${err instanceof Error ? err.message : String(err)}` }];
  }
  if (!personal) {
    if (!byVars) memos.set(role, (byVars = new WeakMap()));
    const memo: Memo = { view: c.view, groups: c.groups, roles: c.roles, reads, sources, problems };
    byVars.set(vars, list && list.length < MAX_MEMOS ? [...list, memo] : [memo]);
  }
  return problems;
}

/** Run each role's own cross-field checks on its typed vars. */
export function runRoleValidators(
  roles: readonly Role[], typed: Map<string, Record<string, unknown>>, host: HostInfo, resolved: ResolvedVars,
  view: PlatformView, groups: Groups = NO_GROUPS,
): Problem[] {
  const c: HostCheck = {
    roles, view, groups, host,
    parts: roles.map((r) => typed.get(r.name) ?? EMPTY),
    sourceOf: (name: string) => resolved.has(name) ? resolved.sourceOf(name) : '',
  };
  const problems: Problem[] = [];
  for (const role of roles) {
    const vars = typed.get(role.name);
    if (vars && role.validate) problems.push(...check(role, vars, c));
  }
  return problems;
}
