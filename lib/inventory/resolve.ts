/**
 * resolveHost: a host's vars after precedence (role defaults < inventory layers < -e) with Jinja
 * expressions rendered lazily, one var at a time, memoised, with cycle detection. `hostvars`,
 * `groups`, `group_names`, `inventory_hostname` are available to expressions, as in Ansible.
 */
import { InventoryError, type Problem } from '../errors.ts';
import { renderValue, type Scope } from './jinja/render.ts';
import { JinjaError, UndefinedError } from './jinja/errors.ts';
import type { Inventory, ResolvedVars, ResolveOptions, Source, VarLayer } from './types.ts';
import { OMIT } from './jinja/values.ts';
import { PLAY_VAR_NAMES, playVar, type PlayVars } from './play-vars.ts';
import { VaultText } from './yaml-ansible.ts';
import { layerWinners, ownWinners, PER_HOST, Stack, type Winner } from './winners.ts';
import { hostvarsView, varsView } from './hostvars-view.ts';
import { deepFreeze, type Deps, Frame } from './shared-renders.ts';

function inventorySources(inv: Inventory): readonly string[] {
  return (inv as { sources?: readonly string[] }).sources ?? [inv.hostsFile];
}

const NONE: readonly VarLayer[] = [];
const hostSets = new WeakMap<Inventory, ReadonlySet<string>>();

function isHost(inv: Inventory, host: string): boolean {
  let set = hostSets.get(inv);
  if (!set) hostSets.set(inv, (set = new Set(inv.hosts)));
  return set.has(host);
}

/** A render that threw: its deps are kept (a default() around it depends on them), no value. */
const FAILED: unique symbol = Symbol('render failed');
const NO_PLAY: PlayVars = {};
const resolvers = new WeakMap<Inventory, WeakMap<readonly VarLayer[], WeakMap<readonly VarLayer[], WeakMap<PlayVars, Resolver>>>>();

/** One set of options over one inventory: shares resolved hosts (for hostvars[...]). */
class Resolver {
  private readonly hosts = new Map<string, HostVars>();
  /** Vars being rendered right now, across hosts (hostvars[...] can loop back): `host/var`. */
  readonly resolving: { host: string; name: string }[] = [];
  readonly inv: Inventory;
  readonly options: ResolveOptions;
  /** Role defaults (below the inventory) and -e (above it): the same for every host, built once. */
  readonly defaults: Map<string, Winner>;
  readonly extra: Map<string, Winner>;
  private readonly stacks = new WeakMap<readonly VarLayer[], Stack>();
  /** `hostvars`: one view for every host of the resolver. */
  readonly hostvars: Record<string, unknown>;
  constructor(inv: Inventory, options: ResolveOptions) {
    this.inv = inv;
    this.options = options;
    this.defaults = layerWinners(options.roleDefaults ?? NONE);
    this.extra = layerWinners(options.extraVars ?? NONE);
    this.hostvars = hostvarsView({ hosts: inv.hosts, isHost: (h) => isHost(inv, h), view: (h) => this.host(h).view() });
  }

  /** The winners of a group set's layers over the role defaults, shared by the hosts in that group set. */
  stackOf(shared: readonly VarLayer[]): Stack {
    let stack = this.stacks.get(shared);
    if (!stack) this.stacks.set(shared, (stack = new Stack(shared, this.defaults)));
    return stack;
  }

  host(name: string): HostVars {
    let h = this.hosts.get(name);
    if (!h) {
      if (!isHost(this.inv, name)) throw new UndefinedError(`host '${name}' is not in the inventory`);
      h = new HostVars(this, name);
      this.hosts.set(name, h);
    }
    return h;
  }
}

function resolverFor(inv: Inventory, options: ResolveOptions): Resolver {
  let byDefaults = resolvers.get(inv);
  if (!byDefaults) resolvers.set(inv, (byDefaults = new WeakMap()));
  const defaults = options.roleDefaults ?? NONE;
  let byExtra = byDefaults.get(defaults);
  if (!byExtra) byDefaults.set(defaults, (byExtra = new WeakMap()));
  const extra = options.extraVars ?? NONE;
  let byPlay = byExtra.get(extra);
  if (!byPlay) byExtra.set(extra, (byPlay = new WeakMap()));
  const play = options.play ?? NO_PLAY;
  let r = byPlay.get(play);
  if (!r) byPlay.set(play, (r = new Resolver(inv, options)));
  return r;
}

export function resolveHost(inv: Inventory, host: string, options: ResolveOptions = {}): ResolvedVars {
  if (!isHost(inv, host)) {
    throw new InventoryError([{ file: inv.hostsFile, key: host, message: 'no such host in the inventory: check the name (npm run inventory -- --list shows every host)' }]);
  }
  return resolverFor(inv, options).host(host);
}

const MAGIC: ReadonlySet<string> = new Set(['inventory_hostname', 'inventory_hostname_short', 'group_names', 'groups', 'hostvars', 'inventory_dir', 'inventory_file', ...PLAY_VAR_NAMES]);

/**
 * One host's vars. Precedence is three maps looked up in turn: -e, the host's own vars (inline,
 * host_vars/), then its group set's Stack (group layers over role defaults, shared by every host
 * in the same groups): 10,000 hosts do not each copy the defaults of every selected role or the
 * group_vars they share, and a value without a template is rendered once for all of them.
 */
class HostVars implements ResolvedVars {
  private readonly stack: Stack;
  private readonly own: Map<string, Winner> | undefined;
  /**
   * This host's rendered templates, each with what it depended on (shared-renders.ts) for the
   * renders that read it; FAILED for one that threw (only its deps kept). Made on the first: most
   * hosts of a group set take shared renders.
   */
  private rendered: Map<string, { readonly value: unknown; readonly deps: Deps }> | undefined;
  private frames: Frame[] | undefined;
  private namesCache: readonly string[] | undefined;
  private tailCache: readonly string[] | undefined;

  private readonly resolver: Resolver;
  readonly host: string;

  constructor(resolver: Resolver, host: string) {
    this.resolver = resolver;
    this.host = host;
    const inv = resolver.inv;
    const own = inv.sharedLayersOf && inv.ownLayersOf ? inv.ownLayersOf(host) : NONE;
    this.stack = resolver.stackOf(inv.sharedLayersOf ? inv.sharedLayersOf(host) : inv.layersOf(host));
    this.own = own.length ? ownWinners(own) : undefined;
  }

  private winner(name: string): Winner | undefined {
    const { extra } = this.resolver;
    return (extra.size ? extra.get(name) : undefined) ?? this.own?.get(name) ?? this.stack.winners.get(name);
  }

  /** Every var name, in the order a Map filled with role defaults, then the inventory, then -e would hold them. */
  get names(): readonly string[] {
    if (this.namesCache) return this.namesCache;
    const tail = this.tail();
    return (this.namesCache = tail.length ? Object.freeze([...this.stack.names, ...tail]) : this.stack.names);
  }

  nameParts(): readonly (readonly string[])[] {
    const tail = this.tail();
    return tail.length ? [this.stack.names, tail] : [this.stack.names];
  }

  /** The names after the group set's: the host's own, then -e's, each not seen before. */
  private tail(): readonly string[] {
    if (this.tailCache) return this.tailCache;
    const { extra } = this.resolver;
    const { own, stack } = this;
    const tail: string[] = [];
    if (own) for (const k of own.keys()) if (!stack.winners.has(k)) tail.push(k);
    for (const k of extra.keys()) if (!stack.winners.has(k) && !own?.has(k)) tail.push(k);
    return (this.tailCache = tail);
  }

  sharedBy(names: ReadonlySet<string>): object | undefined {
    const { extra } = this.resolver;
    if (extra.size) for (const k of extra.keys()) if (names.has(k)) return undefined;
    if (this.own) for (const k of this.own.keys()) if (names.has(k)) return undefined;
    return this.stack.allFixed(names) ? this.stack : undefined;
  }

  has(name: string): boolean {
    return this.resolver.extra.has(name) || this.own?.has(name) === true || this.stack.winners.has(name);
  }

  sourceOf(name: string): Source {
    return this.winner(name)?.layer.source ?? '';
  }

  get(name: string): unknown {
    try {
      return this.lookup(name);
    } catch (e) {
      if (e instanceof JinjaError) throw new InventoryError([this.problem(name, e)], `cannot resolve vars of host ${this.host}`);
      throw e;
    }
  }

  all(): Record<string, unknown> {
    const out: Record<string, unknown> = {};
    const problems: Problem[] = [];
    // by parts: the group set's names array and the host's own, not a copy of both per host
    for (const part of this.nameParts()) {
      for (const name of part) {
        try {
          out[name] = this.lookup(name);
        } catch (e) {
          if (e instanceof JinjaError) problems.push(this.problem(name, e));
          else throw e;
        }
      }
    }
    if (problems.length) throw new InventoryError(problems, `cannot resolve vars of host ${this.host}`);
    return out;
  }

  private problem(name: string, e: JinjaError): Problem {
    const at = e.varName ?? name;
    const fix = e instanceof UndefinedError && !e.hasFix ? ': define it (group_vars/, host_vars/ or -e), or give a fallback with | default(...)' : '';
    return { file: this.sourceOf(at) || this.sourceOf(name), key: at, message: e.message + fix, host: this.host };
  }

  /** Whether -e or the host itself (inline vars, host_vars/) sets the var: then it is not the group set's. */
  private overrides(name: string): boolean {
    return this.resolver.extra.has(name) || this.own?.has(name) === true;
  }

  /** The rendered value; JinjaError (tagged with the var it happened in) on failure. */
  lookup(name: string): unknown {
    const winner = this.winner(name);
    if (!winner) {
      if (MAGIC.has(name)) return this.magic(name);
      throw new UndefinedError(`'${name}' is undefined`);
    }
    const fixed = winner.fixed();
    if (fixed !== PER_HOST) return fixed;
    const done = this.rendered?.get(name);
    if (done && done.value !== FAILED) return done.value;
    const groupSets = !this.overrides(name);
    const shared = groupSets ? this.stack.renders.get(name) : undefined;
    if (shared && !shared.deps.some((d) => this.overrides(d))) {
      (this.rendered ??= new Map()).set(name, shared);
      return shared.value;
    }
    return this.render(name, winner, groupSets);
  }

  /** Renders a var's template for this host, noting what it read; keeps it for the group set when it may (shared-renders.ts). */
  private render(name: string, winner: Winner, groupSets: boolean): unknown {
    const stack = this.resolver.resolving;
    const at = stack.findIndex((r) => r.host === this.host && r.name === name);
    if (at >= 0) {
      const chain = [...stack.slice(at), { host: this.host, name }].map((r) => (r.host === this.host ? r.name : `hostvars['${r.host}'].${r.name}`));
      throw new JinjaError(`recursive loop detected in template: ${chain.join(' → ')}: break the cycle`, name);
    }
    stack.push({ host: this.host, name });
    const frame = new Frame(groupSets);
    const frames = (this.frames ??= []);
    frames.push(frame);
    let deps: Deps = false;
    let result: unknown = FAILED;
    try {
      let value = renderValue(winner.value, this.scope());
      // `x: "{{ y | default(omit) }}"` means x is not given here: the layer below applies (a role default)
      if (value === OMIT) {
        frame.ok = false;
        value = this.below(name, winner.layer);
      }
      deps = frame.result(value);
      result = deps ? deepFreeze(value) : value;
      if (deps && groupSets) this.stack.renders.set(name, { value, deps });
      return value;
    } catch (e) {
      if (e instanceof JinjaError && e.varName === undefined) e.varName = name;
      // what failed depends on the names it read too (a `default(...)` around this var reads it)
      deps = frame.ok ? frame.deps : false;
      throw e;
    } finally {
      stack.pop();
      frames.pop();
      (this.rendered ??= new Map()).set(name, { value: result, deps });
    }
  }

  /** A template of this host looked at `name`: the render under way depends on it. */
  private note(name: string): void {
    this.frames?.at(-1)?.note(name, this.overrides(name), this.rendered?.get(name)?.deps);
  }

  /** The value of `name` from the highest layer under `layer` (for an omitted value). */
  private below(name: string, layer: VarLayer): unknown {
    const { inv, options } = this.resolver;
    const stack = [...(options.roleDefaults ?? NONE), ...inv.layersOf(this.host), ...(options.extraVars ?? NONE)];
    const at = stack.indexOf(layer);
    for (let i = at - 1; i >= 0; i--) {
      if (name in stack[i]!.vars) {
        const value = renderValue(stack[i]!.vars[name], this.scope());
        if (value !== OMIT) return value;
      }
    }
    throw new UndefinedError(`'${name}' is omitted (default(omit)) and no lower layer (role defaults) gives it a value`, name, true);
  }

  private scopeCache: Scope | undefined;

  private scope(): Scope {
    return this.scopeCache ??= {
      lookup: (n) => {
        try {
          return this.lookup(n);
        } finally {
          this.note(n);
        }
      },
      has: (n) => {
        this.note(n);
        return this.has(n) || MAGIC.has(n);
      },
      vault: (v: VaultText) => {
        if (v.plaintext === undefined) throw new JinjaError('encrypted with Ansible Vault and no vault password was given: pass --vault-password-file, or set CAPSTAN_VAULT_PASSWORD or ANSIBLE_VAULT_PASSWORD_FILE');
        return v.plaintext;
      },
    };
  }

  private groupNames: readonly string[] | undefined;
  private viewCache: Record<string, unknown> | undefined;

  /** `hostvars['h']`: this host's vars as a read-only view. */
  view(): Record<string, unknown> {
    return (this.viewCache ??= varsView({ lookup: (n) => this.lookup(n), has: (n) => this.has(n) || MAGIC.has(n), names: () => this.names }));
  }

  private magic(name: string): unknown {
    const inv = this.resolver.inv;
    switch (name) {
      case 'inventory_hostname': return this.host;
      // as Ansible: an IP address is kept whole
      case 'inventory_hostname_short': return /^[\d.]+$|:/.test(this.host) ? this.host : this.host.split('.')[0];
      case 'group_names': return (this.groupNames ??= Object.freeze(inv.groupsOf(this.host).filter((g) => g !== 'all').sort()));
      case 'groups': return inv.groups;
      case 'inventory_dir': return inv.dir;
      case 'inventory_file': return inv.hostsFile;
      case 'hostvars': return this.resolver.hostvars;
      default: return playVar(name, this.resolver.options.play, inventorySources(inv));
    }
  }
}
