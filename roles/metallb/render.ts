/**
 * Manifests through templates: the objects are computed in TypeScript (plan.ts, istio/mesh.ts),
 * then laid out by `templates/<role>/<kind>.yaml.hbs` (logic-free: fields in, YAML out), which an
 * inventory may override with `inventory/<name>/templates/<role>/<kind>.yaml.hbs` (to add an
 * annotation, say). The result is parsed and checked again before it goes anywhere; a template
 * error names the template and the variable, and is reported before anything connects.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { InputError } from '../../lib/errors.ts';
import type { KubeObject } from '../../lib/kube/types.ts';
import { parseManifests, renderTemplate } from '../../lib/render/index.ts';

const PROJECT_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** `IPAddressPool` → `ipaddresspool.yaml.hbs`. */
export const templateFile = (kind: string): string => `${kind.toLowerCase()}.yaml.hbs`;

export function renderObjects(role: string, objects: readonly KubeObject[], inventoryDir: string | undefined): KubeObject[] {
  const o = { projectDir: PROJECT_DIR, ...(inventoryDir ? { inventoryDir } : {}) };
  return objects.map((obj) => {
    const file = templateFile(obj.kind);
    const docs = parseManifests(renderTemplate(role, file, obj, o), `templates/${role}/${file}`);
    if (docs.length !== 1) {
      throw new InputError([{ file: `templates/${role}/${file}`, key: '', message: `renders ${docs.length} manifests; a ${obj.kind} template renders exactly one` }], 'template error');
    }
    return docs[0]!;
  });
}
