/**
 * The winning value of each var, worked out once and shared: role defaults and -e per resolver,
 * a group set's layers over the defaults per resolver and group set (every host in the same
 * groups shares one Stack), and only a host's own vars (inline, host_vars/) per host.
 *
 * A Winner whose value renders without looking at any var (no template: isStaticValue) is
 * rendered once, on first use, and that value is what every host sharing the Winner reads: 10,000
 * hosts do not each render, memoise and hold the role defaults and group_vars they share.
 */
import { isStaticValue, renderValue, type Scope } from './jinja/render.ts';
import type { SharedRender } from './shared-renders.ts';
import type { VarLayer } from './types.ts';

const PENDING: unique symbol = Symbol('not rendered yet');
/** Rendered per host: a template, a vault value, or a value whose rendering is a fresh copy. */
export const PER_HOST: unique symbol = Symbol('rendered per host');

export class Winner {
  readonly layer: VarLayer;
  readonly value: unknown;
  private fixedValue: unknown = PENDING;
  constructor(layer: VarLayer, value: unknown) {
    this.layer = layer;
    this.value = value;
  }

  /** The value every host reads, or PER_HOST. */
  fixed(): unknown {
    if (this.fixedValue === PENDING) this.fixedValue = settle(this.value);
    return this.fixedValue;
  }
}

/** A static value never reaches the scope. */
const NO_SCOPE: Scope = {
  lookup: (n) => { throw new Error(`internal: a static value looked up ${n}`); },
  has: () => false,
  vault: () => { throw new Error('internal: a static value holds a vault value'); },
};

function settle(value: unknown): unknown {
  if (!isStaticValue(value)) return PER_HOST;
  const rendered = renderValue(value, NO_SCOPE);
  // a frozen list or map of plain data is shared as is; a copy (a map holding !unsafe text) stays per host
  return rendered === value || rendered === null || typeof rendered !== 'object' ? rendered : PER_HOST;
}

/** The winning value of each var over some layers, later layers winning, above `below`'s. */
export function layerWinners(layers: readonly VarLayer[], below?: ReadonlyMap<string, Winner>): Map<string, Winner> {
  const map = new Map<string, Winner>(below);
  for (const layer of layers) {
    for (const k in layer.vars) map.set(k, new Winner(layer, layer.vars[k]));
  }
  return map;
}

/** A group set's layers over the role defaults: what every host in those groups shares. */
export class Stack {
  readonly winners: ReadonlyMap<string, Winner>;
  /** Role defaults' names, then the group layers' that are not among them, first seen first. */
  readonly names: readonly string[];
  /** Templates rendered once for every host of the set (shared-renders.ts). */
  readonly renders = new Map<string, SharedRender>();
  private readonly fixedFor = new WeakMap<ReadonlySet<string>, boolean>();
  constructor(shared: readonly VarLayer[], defaults: ReadonlyMap<string, Winner>) {
    this.winners = layerWinners(shared, defaults);
    this.names = Object.freeze([...this.winners.keys()]);
  }

  /** Whether every one of `names` that this stack gives renders the same on every host. */
  allFixed(names: ReadonlySet<string>): boolean {
    let fixed = this.fixedFor.get(names);
    if (fixed === undefined) {
      fixed = true;
      for (const n of names) if (this.winners.get(n)?.fixed() === PER_HOST) fixed = false;
      this.fixedFor.set(names, fixed);
    }
    return fixed;
  }
}

/** A host's own winners, per its own layers (the inventory keeps one array per host): shared by every resolver of the host. */
const ownCache = new WeakMap<readonly VarLayer[], Map<string, Winner>>();
export function ownWinners(own: readonly VarLayer[]): Map<string, Winner> {
  let map = ownCache.get(own);
  if (!map) ownCache.set(own, (map = layerWinners(own)));
  return map;
}
