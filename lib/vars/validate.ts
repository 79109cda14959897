/**
 * Role var validation, before anything connects: every selected role's vars on every targeted
 * host are parsed with their schemas, role.validate() runs, and unknown keys with a role's prefix
 * get a "did you mean". All problems, at once.
 */
import type { Problem } from '../errors.ts';
import { InputError } from '../errors.ts';
import type { ResolvedVars, VarLayer } from '../inventory/types.ts';
import type { HostInfo, PlatformView, Role } from '../role.ts';
import { runRoleValidators as runChecks } from './role-validators.ts';
import type { PlatformVars } from './platform.ts';
import type { z } from 'zod';
import type { VarDefs } from './schema.ts';
import { describeIssues } from './issues.ts';
import { isPlatformVar, PLATFORM_DEFAULTS_SOURCE, platformDefaults, platformDefaultVars } from './platform.ts';
import { foreignVarMessage } from './foreign.ts';
import { closest } from './suggest.ts';
import { fromText, parseVarValue } from './text.ts';
import { isSecret, registerSecret } from '../secrets.ts';

/** The source name of a role's defaults layer, as `file › key` messages show it. */
const roleDefaultsSource = (role: string): string => `role defaults (${role})`;

/** A role's own defaults as a var layer; platform vars it spreads in come from the platform layer. */
export function roleDefaultsLayer(role: Role): VarLayer {
  const vars: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(role.vars as VarDefs)) {
    if (def.default !== undefined && !isPlatformVar(name)) vars[name] = def.default;
  }
  return { source: roleDefaultsSource(role.name), vars };
}

const PLATFORM_LAYER: VarLayer = { source: PLATFORM_DEFAULTS_SOURCE, vars: platformDefaults() };

/**
 * The default layers of a play, lowest first: the platform vars (in every play, so every role
 * sees which parts of the platform are on), then the defaults of the play's roles.
 */
export function defaultLayers(roles: readonly Role[]): VarLayer[] {
  return [PLATFORM_LAYER, ...roles.map(roleDefaultsLayer)];
}

export interface RoleVarsResult {
  /** Typed vars per role name (only when that role's vars parsed). */
  readonly vars: Map<string, Record<string, unknown>>;
  readonly problems: Problem[];
}

function problemFromError(err: unknown, file: string, key: string): Problem[] {
  if (err instanceof InputError) return err.problems;
  return [{ file, key, message: err instanceof Error ? err.message : String(err) }];
}

/** Read one var of a role: inventory/-e value, else its default, else undefined (optional) or a problem. */
function readVar(name: string, role: Pick<Role, 'name' | 'vars'>, resolved: ResolvedVars, problems: Problem[]): { value: unknown; ok: boolean } {
  const def = (role.vars as VarDefs)[name]!;
  if (!resolved.has(name)) {
    if (def.default !== undefined) return { value: def.default, ok: true };
    if (def.optional) return { value: undefined, ok: true };
    problems.push({ file: '', key: name, message: `is required by role ${role.name} and has no default; set it in group_vars/all.yml (npm run doc -- ${role.name})` });
    return { value: undefined, ok: false };
  }
  try {
    return { value: resolved.get(name), ok: true };
  } catch (err) {
    problems.push(...problemFromError(err, resolved.sourceOf(name), name));
    return { value: undefined, ok: false };
  }
}

type Parsed = ReturnType<z.ZodType['safeParse']>;

/** Parse results per schema and value: 1,000 hosts sharing group_vars parse each value once. */
const parseCache = new WeakMap<z.ZodType, { primitives: Map<unknown, Parsed>; objects: WeakMap<object, Parsed> }>();

function cachedParse(schema: z.ZodType, value: unknown): Parsed {
  let cache = parseCache.get(schema);
  if (!cache) { cache = { primitives: new Map(), objects: new WeakMap() }; parseCache.set(schema, cache); }
  const isObject = typeof value === 'object' && value !== null;
  let parsed = isObject ? cache.objects.get(value) : cache.primitives.get(value);
  if (!parsed) {
    parsed = schema.safeParse(value);
    if (isObject) cache.objects.set(value, parsed);
    else cache.primitives.set(value, parsed);
  }
  return parsed;
}

/** The var that lets a lab keep secrets in plain text (docs/validation.md). */
export const ALLOW_PLAIN_SECRETS = 'capstan_allow_plain_secrets';

/**
 * A var the schema marks secret must come from vault (its value then is a registered secret).
 * With capstan_allow_plain_secrets: true (a lab), a plain value is taken and masked like a vaulted one.
 */
function plainSecretProblems(name: string, value: unknown, resolved: ResolvedVars): Problem[] {
  if (typeof value !== 'string' || isSecret(value) || value === '') return [];
  let allowed: unknown = false;
  try {
    allowed = resolved.has(ALLOW_PLAIN_SECRETS) ? resolved.get(ALLOW_PLAIN_SECRETS) : false;
  } catch (err) {
    registerSecret(value);
    return problemFromError(err, resolved.sourceOf(ALLOW_PLAIN_SECRETS), ALLOW_PLAIN_SECRETS);
  }
  return plainSecretProblem(name, value, allowed, resolved.sourceOf(name));
}

/** The check on one value (`allowed`: the value of capstan_allow_plain_secrets); registers it as a secret either way. */
export function plainSecretProblem(name: string, value: unknown, allowed: unknown, file: string): Problem[] {
  if (typeof value !== 'string' || isSecret(value) || value === '') return [];
  registerSecret(value); // taken (a lab) or refused: never printed either way
  if (allowed === true || (typeof allowed === 'string' && fromText(allowed) === true)) return [];
  return [{
    file, key: name,
    message: `is a secret but its value is plain text; encrypt it (ansible-vault encrypt_string --name ${name}) ` +
      `and pass --vault-password-file, or for a lab set ${ALLOW_PLAIN_SECRETS}: true`,
  }];
}

/** A role's var table as entries, listed once per table (validation asks on every host). */
const entriesCache = new WeakMap<object, [string, VarDefs[string]][]>();
function varEntries(role: Pick<Role, 'vars'>): [string, VarDefs[string]][] {
  let entries = entriesCache.get(role.vars);
  if (!entries) entriesCache.set(role.vars, (entries = Object.entries(role.vars as VarDefs)));
  return entries;
}

/** One role's verdict on one host: its typed vars (frozen; undefined when a var did not parse) and its problems. */
interface RoleVerdict {
  readonly typed: Readonly<Record<string, unknown>> | undefined;
  readonly problems: readonly Problem[];
}

type RoleTable = Pick<Role, 'name' | 'vars'>;

/** The names a role's verdict reads: its vars, and the switch that lets secrets be plain. */
const namesCache = new WeakMap<RoleTable, ReadonlySet<string>>();
function verdictNames(role: RoleTable): ReadonlySet<string> {
  let names = namesCache.get(role);
  if (!names) namesCache.set(role, (names = new Set([...Object.keys(role.vars), ALLOW_PLAIN_SECRETS])));
  return names;
}

/**
 * Verdicts kept per role and ResolvedVars.sharedBy key: hosts whose role vars are the same values
 * from the same files (group_vars and defaults, nothing of their own, no template) get the same
 * verdict, so 10,000 hosts in 200 groups are parsed 200 times. Problems name only files and keys,
 * never the host, so they are the same on each.
 */
const verdicts = new WeakMap<RoleTable, WeakMap<object, RoleVerdict>>();

function roleVerdict(role: RoleTable, resolved: ResolvedVars): RoleVerdict {
  const key = resolved.sharedBy?.(verdictNames(role));
  if (!key) return parseRole(role, resolved);
  let byKey = verdicts.get(role);
  if (!byKey) verdicts.set(role, (byKey = new WeakMap()));
  let verdict = byKey.get(key);
  if (!verdict) byKey.set(key, (verdict = parseRole(role, resolved)));
  return verdict;
}

function parseRole(role: RoleTable, resolved: ResolvedVars): RoleVerdict {
  const problems: Problem[] = [];
  const typed: Record<string, unknown> = {};
  let clean = true;
  for (const [name, def] of varEntries(role)) {
    const read = readVar(name, role, resolved, problems);
    if (!read.ok) { clean = false; continue; }
    if (read.value === undefined && def.optional) { typed[name] = undefined; continue; }
    if (def.secret) problems.push(...plainSecretProblems(name, read.value, resolved));
    const parsed = parseVarValue(def.schema, read.value, (v) => cachedParse(def.schema, v));
    if (parsed.success) { typed[name] = parsed.data; continue; }
    clean = false;
    const file = resolved.has(name) ? resolved.sourceOf(name) : roleDefaultsSource(role.name);
    for (const d of describeIssues(name, parsed.error.issues, read.value)) problems.push({ file, ...d });
  }
  return { typed: clean ? Object.freeze(typed) : undefined, problems };
}

/** Parse every var of each role for one host; returns typed vars (read-only) for roles that parsed cleanly. */
export function parseRoleVars(roles: readonly RoleTable[], resolved: ResolvedVars): RoleVarsResult {
  const vars = new Map<string, Record<string, unknown>>();
  const problems: Problem[] = [];
  for (const role of roles) {
    const verdict = roleVerdict(role, resolved);
    problems.push(...verdict.problems);
    if (verdict.typed) vars.set(role.name, verdict.typed);
  }
  return { vars, problems };
}

/** The platform vars with their defaults, computed once (frozen: every host without a platform table shares it). */
let defaultPlatform: PlatformVars | undefined;
const platformWithDefaults = (): PlatformVars => (defaultPlatform ??= Object.freeze(platformDefaultVars()));

/** Run each role's own cross-field checks on its typed vars (remembered per group set: role-validators.ts). */
export function runRoleValidators(
  roles: readonly Role[], typed: Map<string, Record<string, unknown>>, host: HostInfo, resolved: ResolvedVars,
  view: PlatformView = { platform: platformWithDefaults(), platformRoles: roles },
  groups?: Readonly<Record<string, readonly string[]>>,
): Problem[] {
  return runChecks(roles, typed, host, resolved, view, groups);
}

/** First words that say nothing about which role a var belongs to. */
const GENERIC_WORDS = new Set(['ansible', 'enable', 'enabled', 'extra', 'default']);

/**
 * Prefixes that mark a var as belonging to a role: its name (`istio_`, `cert_manager_` for
 * cert-manager) and any first word at least three of its vars share (`lb_` for lb-config).
 */
export function rolePrefixes(role: Role): string[] {
  let prefixes = prefixCache.get(role);
  if (!prefixes) { prefixes = computePrefixes(role); prefixCache.set(role, prefixes); }
  return prefixes;
}

/** Per role object: validation asks for every host (10,000 hosts, the same few roles). */
const prefixCache = new WeakMap<Role, string[]>();

function computePrefixes(role: Role): string[] {
  const counts = new Map<string, number>();
  for (const name of Object.keys(role.vars as VarDefs)) {
    const word = name.split('_')[0]!;
    if (name.includes('_') && !GENERIC_WORDS.has(word)) counts.set(word, (counts.get(word) ?? 0) + 1);
  }
  const shared = [...counts].filter(([, n]) => n >= 3).map(([w]) => `${w}_`);
  return [...new Set([`${role.name.replace(/-/g, '_')}_`, ...shared])];
}

/** What unknownKeys says about one name that no loaded role declares: a foreign layout's name, or an unknown one with a role's prefix. */
type NameVerdict = { readonly foreign: string } | { readonly unknown: string } | null;

/** Per set of loaded roles' names and selection: each name's verdict, and each shared names part's names that have one. */
interface NameVerdicts {
  readonly byName: Map<string, NameVerdict>;
  readonly flagged: WeakMap<readonly string[], readonly string[]>;
  prefixes: string[] | undefined;
}

const nameVerdicts = new WeakMap<ReadonlySet<string>, WeakMap<readonly Role[], NameVerdicts>>();

function nameVerdict(name: string, prefixes: readonly string[], known: ReadonlySet<string>): NameVerdict {
  const foreign = foreignVarMessage(name);
  // another k3s-ansible layout's name (techno-tim's k3s_token...): say the capstan var
  if (foreign) return { foreign };
  if (!prefixes.some((p) => name.startsWith(p))) return null;
  const suggestion = closest(name, [...known]);
  return { unknown: `unknown variable; ${suggestion ? `did you mean ${suggestion}?` : 'no role uses it; remove it or check the spelling (npm run doc -- <role>)'}` };
}

function verdictOf(name: string, v: NameVerdicts, selected: readonly Role[], known: ReadonlySet<string>): NameVerdict {
  if (known.has(name)) return null;
  let verdict = v.byName.get(name);
  if (verdict === undefined) v.byName.set(name, (verdict = nameVerdict(name, (v.prefixes ??= selected.flatMap(rolePrefixes)), known)));
  return verdict;
}

/** Unknown keys that start with a selected role's prefix; `known` are the var names of every loaded role. */
export function unknownKeys(selected: readonly Role[], known: ReadonlySet<string>, resolved: ResolvedVars): Problem[] {
  let bySelection = nameVerdicts.get(known);
  if (!bySelection) nameVerdicts.set(known, (bySelection = new WeakMap()));
  let v = bySelection.get(selected);
  if (!v) bySelection.set(selected, (v = { byName: new Map(), flagged: new WeakMap(), prefixes: undefined }));
  const problems: Problem[] = [];
  const parts = resolved.nameParts?.() ?? [resolved.names];
  parts.forEach((part, i) => {
    // the first part is shared by a group set's hosts: its names with a verdict are found once
    let names = i === 0 ? v.flagged.get(part) : undefined;
    if (!names) {
      names = part.filter((n) => verdictOf(n, v, selected, known) !== null);
      if (i === 0) v.flagged.set(part, names);
    }
    for (const name of names) {
      const verdict = verdictOf(name, v, selected, known)!;
      const source = resolved.sourceOf(name);
      if ('foreign' in verdict) problems.push({ file: source, key: name, message: verdict.foreign });
      else if (!source.startsWith('role defaults (') && source !== PLATFORM_DEFAULTS_SOURCE) problems.push({ file: source, key: name, message: verdict.unknown });
    }
  });
  return problems;
}

/**
 * Drop repeats of the same problem found on several hosts (group vars are shared), and a problem
 * without a file when the same key and message is also reported with its file (two roles reading
 * one var, one of them without its source).
 */
export function dedupeProblems(problems: readonly Problem[]): Problem[] {
  const seen = new Map<string, Problem>();
  const located = new Set(problems.filter((p) => p.file).map((p) => `${p.key}\0${p.message}`));
  for (const p of problems) {
    if (!p.file && located.has(`${p.key}\0${p.message}`)) continue;
    const id = `${p.file}\0${p.key}\0${p.message}`;
    if (!seen.has(id)) seen.set(id, p);
  }
  return [...seen.values()];
}
