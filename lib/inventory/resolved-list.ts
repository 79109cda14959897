/**
 * `npm run inventory -- --list --resolved` / `--host H --resolved`: the same JSON shape as
 * `ansible-inventory`, but each host's vars with precedence applied and templates rendered
 * (every rendering problem of every host reported at once). Decrypted vault values appear in
 * plaintext here: callers print through maskDeep() from lib/secrets.ts.
 */
import { InventoryError, type Problem } from '../errors.ts';
import { resolveHost } from './resolve.ts';
import type { Inventory, ResolveOptions } from './types.ts';

export function resolvedAnsibleHost(inv: Inventory, host: string, options: ResolveOptions = {}): Record<string, unknown> {
  return resolveHost(inv, host, options).all();
}

export function resolvedAnsibleList(inv: Inventory, options: ResolveOptions = {}): Record<string, unknown> {
  const list = inv.toAnsibleList() as Record<string, unknown>;
  const hostvars: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const host of inv.hosts) {
    try {
      const vars = resolvedAnsibleHost(inv, host, options);
      if (Object.keys(vars).length) hostvars[host] = vars;
    } catch (e) {
      if (e instanceof InventoryError) problems.push(...e.problems);
      else throw e;
    }
  }
  if (problems.length) throw new InventoryError(problems, 'cannot resolve inventory vars');
  return { ...list, _meta: { hostvars } };
}
