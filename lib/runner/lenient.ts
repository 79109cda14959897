/**
 * `--list-hosts`, `--list-tasks`, `--list-tags` do not validate role vars, as Ansible's do not:
 * a var problem becomes a warning, and a role whose vars did not parse is listed with its
 * default for each var that failed (so its tasks can still be named). A run still refuses them.
 */
import { formatProblem, type Problem } from '../errors.ts';
import type { ResolvedVars } from '../inventory/types.ts';
import type { Role } from '../role.ts';
import type { VarDefs } from '../vars/schema.ts';
import { parseVarValue } from '../vars/text.ts';

/** The role's typed vars with each value that fails its schema (or cannot be resolved) replaced by the default. */
export function fallbackRoleVars(role: Role, resolved: ResolvedVars): Record<string, unknown> {
  const typed: Record<string, unknown> = {};
  for (const [name, def] of Object.entries(role.vars as VarDefs)) {
    let value: unknown = def.default;
    if (resolved.has(name)) {
      try {
        const parsed = parseVarValue(def.schema, resolved.get(name));
        if (parsed.success) value = parsed.data;
      } catch {
        // unresolvable (an undefined reference): listed with the default; the warning names it
      }
    }
    typed[name] = value;
  }
  return typed;
}

/** Var problems as the warnings a listing prints instead. */
export function listingWarnings(problems: readonly Problem[]): string[] {
  return problems.map((p) => `${formatProblem(p)} (listed anyway, as Ansible lists without checking vars; a run refuses it)`);
}
