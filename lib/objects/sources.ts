/**
 * Where inventory objects come from: the `k8s_objects` var (a list, from group_vars like any
 * var) and `<inventory>/manifests/**\/*.yaml` (multi-document). Manifest strings holding
 * `{{ var }}` are rendered by the inventory's Jinja engine from the vars of the play's first
 * host; a string that is one expression keeps its type (`replicas: "{{ n }}"` is a number).
 * Each object keeps its origin, so problems name the file and line.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseAllDocuments, type Document } from 'yaml';
import { shownPath, type Problem } from '../errors.ts';
import { JinjaError } from '../inventory/jinja/errors.ts';
import { renderString, type Scope } from '../inventory/jinja/render.ts';
import type { Origin, SourcedObject } from './origin.ts';
import { problemAt } from './origin.ts';
import type { FieldPath } from './schema-check.ts';

export const MANIFESTS_DIR = 'manifests';

/** Every .yaml/.yml file under `dir`, sorted by path (so the apply order is stable). */
export function manifestFiles(dir: string): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  return names.flatMap((n) => {
    const path = join(dir, n);
    if (n.startsWith('.')) return [];
    if (statSync(path).isDirectory()) return manifestFiles(path);
    return /\.ya?ml$/.test(n) ? [path] : [];
  });
}

/** A Jinja scope over plain vars (the first host's rendered vars). */
export function varsScope(vars: Readonly<Record<string, unknown>>): Scope {
  return {
    has: (n) => Object.hasOwn(vars, n),
    lookup: (n) => vars[n],
    vault: () => { throw new JinjaError('an inline vault value cannot be used in a manifest; put it in a var and refer to it'); },
  };
}

/** Renders every string leaf; a failing template is a problem at its field. */
function renderLeaves(v: unknown, path: FieldPath, scope: Scope, fail: (path: FieldPath, m: string) => void): unknown {
  if (typeof v === 'string') {
    if (!v.includes('{{') && !v.includes('{%') && !v.includes('{#')) return v;
    try {
      return renderString(v, scope);
    } catch (err) {
      if (!(err instanceof JinjaError)) throw err;
      fail(path, `${err.message}; define the var for the play's first host or fix the expression`);
      return v;
    }
  }
  if (Array.isArray(v)) return v.map((x, i) => renderLeaves(x, [...path, i], scope, fail));
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, renderLeaves(x, [...path, k], scope, fail)]));
  }
  return v;
}

/** The line of a field: its key's line in a map, its item's line in a list. */
function lineFinder(doc: Document, lc: LineCounter): (path: FieldPath) => number | undefined {
  const lineOf = (node: unknown) => {
    const start = isNode(node) ? node.range?.[0] : undefined;
    return start === undefined ? undefined : lc.linePos(start).line;
  };
  return (path) => {
    if (!path.length) return lineOf(doc.contents);
    const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
    const last = path[path.length - 1];
    if (isMap(parent)) {
      const pair = parent.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === last);
      return pair ? lineOf(pair.key) : undefined;
    }
    if (isSeq(parent) && typeof last === 'number') return lineOf(parent.items[last]);
    return undefined;
  };
}

/** The objects of one manifest file (documents in order; empty documents skipped). */
export function readManifestFile(path: string, projectDir: string, scope: Scope, problems: Problem[]): SourcedObject[] {
  const file = shownPath(path, projectDir);
  const lc = new LineCounter();
  const out: SourcedObject[] = [];
  for (const doc of parseAllDocuments(readFileSync(path, 'utf8'), { lineCounter: lc })) {
    const origin: Origin = { file, lineOf: lineFinder(doc, lc) };
    if (doc.errors.length) {
      const e = doc.errors[0]!;
      problems.push({ file: `${file}:${e.linePos?.[0]?.line ?? '?'}`, key: '', message: `is not valid YAML: ${e.message.split('\n')[0]}` });
      continue;
    }
    const raw: unknown = doc.toJS();
    if (raw === null || raw === undefined) continue;
    out.push({ value: renderLeaves(raw, [], scope, (p, m) => problems.push(problemAt(origin, p, m))), origin });
  }
  return out;
}

/** Every object under `<inventoryDir>/manifests/`. */
export function readManifests(inventoryDir: string, projectDir: string, scope: Scope, problems: Problem[]): SourcedObject[] {
  return manifestFiles(join(inventoryDir, MANIFESTS_DIR)).flatMap((f) => readManifestFile(f, projectDir, scope, problems));
}

/** The objects of the `k8s_objects` var; `file` is where the var was set. */
export function varObjects(list: readonly unknown[], file: string, varName = 'k8s_objects'): SourcedObject[] {
  return list.map((value, i) => ({ value, origin: { file, prefix: `${varName}[${i}]` } }));
}


