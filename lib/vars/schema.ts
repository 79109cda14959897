/**
 * Role variable schemas. Each role declares its vars once, in the flat Ansible names its users
 * already have; that declaration is the single source for validation, `npm run doc`, the
 * generated docs/variables.md and sample inventory, and --check/--plan output.
 *
 * zod carries the type and the constraints (and gives precise paths for nested errors); the
 * VarDef wrapper adds what docs need: a one-line description, and the default.
 */
import type { z } from 'zod';

export interface VarDef<S extends z.ZodType = z.ZodType> {
  /** Type and constraints. Do not put the default in the zod schema: use `default` below. */
  readonly schema: S;
  /** One line, shown by `npm run doc` and in docs/variables.md. */
  readonly description: string;
  /** The default. A var with no default and not `optional` is required. */
  readonly default?: z.infer<S>;
  /** True when the var may be absent with no default (the role reads it as undefined). */
  readonly optional?: boolean;
  /** Marks a var whose value should come from vault (masked in every output). */
  readonly secret?: boolean;
  /** A link or a short extra note for the docs. */
  readonly docs?: string;
  /** An example shown in the sample inventory when there is no default. */
  readonly example?: unknown;
}

export type VarDefs = Readonly<Record<string, VarDef>>;

/** The typed, validated, defaults-applied vars a role receives. */
export type VarsOf<D extends VarDefs> = {
  readonly [K in keyof D]: D[K]['optional'] extends true
    ? z.infer<D[K]['schema']> | undefined
    : z.infer<D[K]['schema']>;
};

/** Identity helper that keeps the literal types of a role's var table. */
export function defineVars<D extends VarDefs>(defs: D): D {
  return defs;
}
