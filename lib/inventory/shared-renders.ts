/**
 * Templates rendered once for a whole group set. A group_vars template such as
 * `api_url: "https://{{ api_endpoint }}:{{ api_port | default(6443) }}"` usually gives every host
 * of the group set the same value; rendering it per host is most of resolving 10,000 hosts.
 *
 * While a host renders a var that comes from its group set's Stack, the Frame notes every name
 * the template looked at or asked about (`is defined`, `default`), directly or through the vars it
 * read. The value is kept on the Stack with those names when nothing in it was the host's own: no
 * name the host sets itself (inline, host_vars/) or -e sets, not `inventory_hostname(_short)`, no
 * `omit` falling through to a lower layer, no `random`/`shuffle`, and a plain value (text, numbers,
 * lists and maps of them; kept frozen). Another host of the group set takes it when it sets none of
 * those names itself: everything else it could read (the group set's vars, `group_names`,
 * `groups`, another host's `hostvars[...]`) is the same for it.
 */
import { impurity } from './jinja/values.ts';

/** A value every host of a Stack may take, and the names it was worked out from. */
export interface SharedRender {
  readonly value: unknown;
  readonly deps: readonly string[];
}

/** What a var's render depended on: the names it looked at, or false when it was the host's own. */
export type Deps = readonly string[] | false;

/** Names whose value differs between hosts of the same group set whatever they set. */
const PER_HOST_NAMES: ReadonlySet<string> = new Set(['inventory_hostname', 'inventory_hostname_short']);

export class Frame {
  readonly deps: string[] = [];
  ok: boolean;
  private readonly impureAt = impurity.calls;
  constructor(ok: boolean) {
    this.ok = ok;
  }

  /** The template looked at `name` (its own value worked out from `depsOfName`); `own`: the host sets it. */
  note(name: string, own: boolean, depsOfName: Deps | undefined): void {
    if (!this.deps.includes(name)) this.deps.push(name);
    if (own || PER_HOST_NAMES.has(name) || depsOfName === false) this.ok = false;
    else if (depsOfName) for (const d of depsOfName) if (!this.deps.includes(d)) this.deps.push(d);
  }

  /** What the render depended on, given its value: false unless every host of the set would get the same. */
  result(value: unknown): Deps {
    return this.ok && impurity.calls === this.impureAt && isPlain(value) ? this.deps : false;
  }
}

/** Text, numbers, booleans, null, and plain lists and maps of them (no views, no class instances). */
function isPlain(value: unknown, depth = 0): boolean {
  if (value === null || typeof value !== 'object') return typeof value !== 'function' && typeof value !== 'symbol';
  if (depth > 64) return false;
  const proto = Object.getPrototypeOf(value);
  if (Array.isArray(value)) return proto === Array.prototype && value.every((v) => isPlain(v, depth + 1));
  return (proto === Object.prototype || proto === null) && Object.values(value).every((v) => isPlain(v, depth + 1));
}

/** Frozen all the way down: every host reading it gets the same value, and none can change it for the others. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
