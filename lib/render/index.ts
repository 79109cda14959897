/**
 * Templates: handlebars in strict mode (a missing variable is an error naming the template and
 * the variable, never an empty string), no HTML escaping, helpers yaml/indent/quote/b64/json.
 * `templates/<role>/<file>` is overridden by `<inventory>/templates/<role>/<file>` when present.
 * Rendered manifests are parsed and checked (apiVersion, kind, metadata.name) before use.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Handlebars from 'handlebars';
import { parseAllDocuments, stringify } from 'yaml';
import { InputError, shownPath } from '../errors.ts';
import type { Problem } from '../errors.ts';
import type { KubeObject } from '../kube/types.ts';

const hb = Handlebars.create();

/** `{{yaml values}}`: a value as YAML (no trailing newline). */
hb.registerHelper('yaml', (value: unknown) => stringify(value).trimEnd());
/** `{{entries fields}}`: a mapping's entries as top-level YAML lines; nothing for an empty mapping. */
hb.registerHelper('entries', (value: unknown) =>
  value && typeof value === 'object' && Object.keys(value).length > 0 ? stringify(value).trimEnd() : '');
/** `{{indent 4 (yaml values)}}`: every line but the first indented (place it after the indent). */
hb.registerHelper('indent', (spaces: number, text: unknown) =>
  String(text).split('\n').map((l, i) => (i === 0 || l === '' ? l : ' '.repeat(spaces) + l)).join('\n'));
/** `{{quote name}}`: a double-quoted string, safe in YAML and JSON. */
hb.registerHelper('quote', (value: unknown) => JSON.stringify(String(value)));
hb.registerHelper('b64', (value: unknown) => Buffer.from(String(value)).toString('base64'));
hb.registerHelper('json', (value: unknown) => JSON.stringify(value));

export interface RenderOptions {
  /** The inventory folder; `templates/<role>/<file>` under it overrides the project's. */
  readonly inventoryDir?: string;
  /** The project folder holding `templates/`. */
  readonly projectDir: string;
}

/** The template file in use: the inventory's override, else the project's. */
export function templatePath(role: string, file: string, o: RenderOptions): string {
  const override = o.inventoryDir ? join(o.inventoryDir, 'templates', role, file) : undefined;
  if (override && existsSync(override)) return override;
  return join(o.projectDir, 'templates', role, file);
}

/** The expression at handlebars' `line:col` (col is 0-based, inside the `{{`). */
function expressionAt(source: string, line: number, col: number): string | undefined {
  const text = source.split('\n')[line - 1]?.slice(col);
  return text?.match(/^[\s#/^>]*([^\s}]+)/)?.[1];
}

function renderError(err: unknown, file: string, source: string): InputError {
  const message = err instanceof Error ? err.message : String(err);
  const missing = /^"([^"]+)" not defined in .* - (\d+):(\d+)$/.exec(message);
  if (missing) {
    const variable = expressionAt(source, Number(missing[2]), Number(missing[3])) ?? missing[1]!;
    return new InputError([{ file, key: variable, message: `the template uses ${variable} (line ${missing[2]}), but no value was given; set it or fix the template` }], 'template error');
  }
  return new InputError([{ file, key: '', message }], 'template error');
}

/**
 * Compiled templates by their text: handlebars compiles a template on its first render, and the
 * same text (templates/object.yaml.hbs for every object of a run) renders many times. Bounded: a
 * run renders a few dozen distinct templates; past the bound the oldest is dropped.
 */
const compiled = new Map<string, Handlebars.TemplateDelegate>();
const COMPILED_MAX = 256;

function compiledTemplate(source: string): Handlebars.TemplateDelegate {
  let t = compiled.get(source);
  if (!t) {
    t = hb.compile(source, { strict: true, noEscape: true });
    if (compiled.size >= COMPILED_MAX) compiled.delete(compiled.keys().next().value!);
    compiled.set(source, t);
  }
  return t;
}

/** How many distinct template texts are compiled and kept (tests). */
export const compiledTemplateCount = (): number => compiled.size;

/** Render handlebars text strictly; `file` names the template in errors. */
export function renderString(source: string, data: unknown, file: string): string {
  try {
    return compiledTemplate(source)(data);
  } catch (err) {
    throw renderError(err, file, source);
  }
}

export function renderTemplate(role: string, file: string, data: unknown, o: RenderOptions): string {
  const path = templatePath(role, file, o);
  if (!existsSync(path)) {
    throw new InputError([{ file: shownPath(path, o.projectDir), key: '', message: `template not found; add templates/${role}/${file}` }], 'template error');
  }
  return renderString(readFileSync(path, 'utf8'), data, shownPath(path, o.projectDir));
}

function checkDocument(doc: unknown, where: string, problems: Problem[]): doc is KubeObject {
  const o = doc as Partial<KubeObject> | null;
  if (!o || typeof o !== 'object' || Array.isArray(o)) {
    problems.push({ file: where, key: '', message: 'is not a mapping; a manifest is a YAML map with apiVersion, kind and metadata' });
    return false;
  }
  const missing = [
    typeof o.apiVersion === 'string' && o.apiVersion ? '' : 'apiVersion',
    typeof o.kind === 'string' && o.kind ? '' : 'kind',
    typeof o.metadata?.name === 'string' && o.metadata.name ? '' : 'metadata.name',
  ].filter(Boolean);
  if (missing.length) problems.push({ file: where, key: missing.join(', '), message: `missing; every manifest needs apiVersion, kind and metadata.name${o.kind ? ` (kind ${String(o.kind)})` : ''}` });
  return missing.length === 0;
}

/** Parse multi-document YAML into manifests, checking each; errors name `source` and the document index. */
export function parseManifests(text: string, source: string): KubeObject[] {
  const problems: Problem[] = [];
  const objects: KubeObject[] = [];
  parseAllDocuments(text).forEach((doc, i) => {
    const where = `${source} › document ${i}`;
    if (doc.errors.length) {
      problems.push({ file: where, key: '', message: `is not valid YAML: ${doc.errors[0]!.message.split('\n')[0]}` });
      return;
    }
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) return; // an empty document (`---` at the end)
    if (checkDocument(value, where, problems)) objects.push(value);
  });
  if (problems.length) throw new InputError(problems, `bad manifests in ${source}`);
  return objects;
}
