/** Read vars against a var table with its defaults, outside the runner (lib/lb, lib/kube, tests, bench): every problem at once. */
import type { z } from 'zod';
import type { Problem } from '../errors.ts';
import { InputError } from '../errors.ts';
import { describeIssues } from './issues.ts';
import { parseVarValue } from './text.ts';

type Defs = Readonly<Record<string, { schema: z.ZodType; default?: unknown; optional?: boolean }>>;

/** Parse vars against defs with defaults; every problem (key, message, file from sourceOf). */
export function parseWithDefaults(defs: Defs, vars: Readonly<Record<string, unknown>>, sourceOf: (name: string) => string = () => ''): { values: Record<string, unknown>; problems: Problem[] } {
  const values: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const [name, def] of Object.entries(defs)) {
    const raw = vars[name] ?? def.default;
    if (raw === undefined) {
      if (!def.optional) problems.push({ file: sourceOf(name), key: name, message: 'is required; set it in group_vars' });
      continue;
    }
    const parsed = parseVarValue(def.schema, raw);
    if (parsed.success) values[name] = parsed.data;
    else for (const d of describeIssues(name, parsed.error.issues, raw)) problems.push({ file: sourceOf(name), ...d });
  }
  return { values, problems };
}

/** parseWithDefaults, throwing one InputError (`what`: "invalid load-balancer vars") with every problem. */
export function readWithDefaults<T>(defs: Defs, vars: Readonly<Record<string, unknown>>, what: string, sourceOf?: (name: string) => string): T {
  const { values, problems } = parseWithDefaults(defs, vars, sourceOf);
  if (problems.length) throw new InputError(problems, what);
  return values as T;
}
