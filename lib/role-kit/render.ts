/**
 * Objects through templates: a role computes its objects in TypeScript, then one generic,
 * logic-free template (templates/object.yaml.hbs) lays each out whole: apiVersion, kind, all of
 * metadata (labels, annotations, ...) and every other top-level field (spec, rules, subjects,
 * roleRef, data, provisioner, ...), namespaced or cluster-scoped alike. An inventory may override
 * one kind of one role with `inventory/<name>/templates/<role>/<kind>.yaml.hbs` (to add an
 * annotation, say). The result is parsed and checked before it goes anywhere: exactly one
 * manifest, of the object's kind, valid against the shipped schemas (lib/objects/validate.ts). A
 * template error names the template, before anything connects.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../errors.ts';
import type { KubeObject } from '../kube/types.ts';
import { assertValidObjects } from '../objects/validate.ts';
import { parseManifests, renderString, renderTemplate } from '../render/index.ts';

const PROJECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
/** The one template every object renders through unless an inventory overrides its kind. */
export const OBJECT_TEMPLATE = 'templates/object.yaml.hbs';

/** `IPAddressPool` → `ipaddresspool.yaml.hbs`. */
export const templateFile = (kind: string): string => `${kind.toLowerCase()}.yaml.hbs`;

/** What a template sees: the object's fields, and `fields`: its top-level fields but apiVersion, kind and metadata. */
export function templateData(obj: KubeObject): Record<string, unknown> {
  const { apiVersion: _a, kind: _k, metadata: _m, ...fields } = obj;
  return { ...obj, fields };
}

/** The project's generic template, read once: it is part of capstan, not of the inventory. */
let genericText: string | undefined;

function renderOne(role: string, obj: KubeObject, inventoryDir: string | undefined): { text: string; file: string } {
  const file = templateFile(obj.kind);
  const override = inventoryDir ? join(inventoryDir, 'templates', role, file) : undefined;
  if (override && existsSync(override)) {
    return { text: renderTemplate(role, file, templateData(obj), { projectDir: PROJECT_DIR, inventoryDir: inventoryDir! }), file: `templates/${role}/${file}` };
  }
  genericText ??= readFileSync(join(PROJECT_DIR, OBJECT_TEMPLATE), 'utf8');
  return { text: renderString(genericText, templateData(obj), OBJECT_TEMPLATE), file: OBJECT_TEMPLATE };
}

/** Render each object through its template; every bad template is reported at once. */
export function renderObjects(role: string, objects: readonly KubeObject[], inventoryDir: string | undefined): KubeObject[] {
  return objects.map((obj) => {
    const { text, file } = renderOne(role, obj, inventoryDir);
    const docs = parseManifests(text, file);
    const problem = docs.length !== 1 ? `renders ${docs.length} manifests; a ${obj.kind} template renders exactly one`
      : docs[0]!.kind !== obj.kind ? `renders a ${docs[0]!.kind}, but it is the template of ${obj.kind} objects; keep kind: ${obj.kind} (or use the template file of ${docs[0]!.kind})`
        : undefined;
    if (problem) throw new InputError([{ file, key: 'kind', message: problem }], 'template error');
    // The offline validator every object goes through (lib/objects): schema, names, namespaces.
    assertValidObjects(docs, file);
    return docs[0]!;
  });
}
