/**
 * `npm run inventory -- --list --resolved` / `--host H --resolved`: the same JSON shape as
 * `ansible-inventory`, but each host's vars with precedence applied and templates rendered.
 * Per var and per host: a var that cannot be rendered shows as an error entry
 * (`{"__capstan_error": "file › key: message"}`) and every other var and host still prints; the
 * problems are returned too, for the command to report and exit 5 on. Decrypted vault values
 * appear in plaintext here: callers print through mask() from lib/secrets.ts.
 */
import { formatProblem, InventoryError, type Problem } from '../errors.ts';
import { resolveHost } from './resolve.ts';
import type { Inventory, ResolveOptions } from './types.ts';

export interface Resolved<T> {
  readonly data: T;
  /** Every var that could not be rendered, on every host. */
  readonly problems: readonly Problem[];
}

/** What a var that failed to render shows in the JSON. */
export const ERROR_KEY = '__capstan_error';

export function resolvedAnsibleHost(inv: Inventory, host: string, options: ResolveOptions = {}): Resolved<Record<string, unknown>> {
  const vars = resolveHost(inv, host, options);
  const data: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const name of vars.names) {
    try {
      data[name] = vars.get(name);
    } catch (e) {
      if (!(e instanceof InventoryError)) throw e;
      problems.push(...e.problems);
      data[name] = { [ERROR_KEY]: e.problems.map(formatProblem).join('; ') };
    }
  }
  return { data, problems };
}

export function resolvedAnsibleList(inv: Inventory, options: ResolveOptions = {}): Resolved<Record<string, unknown>> {
  const list = inv.toAnsibleList() as Record<string, unknown> & { _meta?: Record<string, unknown> };
  const hostvars: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const host of inv.hosts) {
    const r = resolvedAnsibleHost(inv, host, options);
    if (Object.keys(r.data).length) hostvars[host] = r.data;
    problems.push(...r.problems);
  }
  return { data: { ...list, _meta: { ...list._meta, hostvars } }, problems };
}
