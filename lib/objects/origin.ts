/**
 * Where an object came from, so every problem about it reads `file:line › path.to.field`: a
 * manifest file (with the YAML line of each field) or an inventory var (`k8s_objects[2]...`).
 */
import type { Problem } from '../errors.ts';
import { showPath, type FieldPath } from './schema-check.ts';

export interface Origin {
  /** The file as problems show it (relative to the project when inside it). */
  readonly file: string;
  /** Key prefix for objects from a var: `k8s_objects[2]`. */
  readonly prefix?: string;
  /** The line of a field (or of its nearest parent that is in the file). */
  lineOf?(path: FieldPath): number | undefined;
}

/** One object to validate: the value as written, and its origin. */
export interface SourcedObject {
  readonly value: unknown;
  readonly origin: Origin;
}

/** `origin.file[:line] › prefix.path: message`. */
export function problemAt(origin: Origin, path: FieldPath, message: string): Problem {
  let line: number | undefined;
  for (let n = path.length; n >= 0 && line === undefined && origin.lineOf; n--) line = origin.lineOf(path.slice(0, n));
  const key = [origin.prefix, showPath(path)].filter(Boolean).join('.');
  return { file: line === undefined ? origin.file : `${origin.file}:${line}`, key, message };
}

/** How an origin is named in text (a duplicate's other place). */
export function originName(origin: Origin): string {
  const line = origin.lineOf?.([]);
  return `${origin.file}${line === undefined ? '' : `:${line}`}${origin.prefix ? ` › ${origin.prefix}` : ''}`;
}
