/** What the lb-config and haproxy roles both do with their vars: build the model's input, and validate it. */
import { InputError, type Problem } from '../errors.ts';
import type { RoleContext, ValidateContext } from '../role.ts';
import { clusterVarsOf } from './cluster-vars.ts';
import { lbProblems } from './problems.ts';
import type { LbInput } from './types.ts';
import type { LbVars } from './vars.ts';

export function lbInput(vars: LbVars, ctx: Pick<RoleContext, 'hostvars' | 'groups' | 'platform' | 'platformRoles'>): LbInput {
  return { vars, cluster: clusterVarsOf(ctx), hostvars: ctx.hostvars, groups: ctx.groups };
}

/** validate() of lb-config and haproxy: what the platform exposes, then the cross-field checks. */
export function lbValidate(vars: LbVars, ctx: Pick<ValidateContext, 'sourceOf' | 'platform' | 'platformRoles'>): Problem[] {
  try {
    return lbProblems(vars, clusterVarsOf(ctx), ctx.sourceOf);
  } catch (err) {
    if (err instanceof InputError) return err.problems;
    throw err;
  }
}
