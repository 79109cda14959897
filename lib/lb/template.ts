/**
 * Handlebars for the load-balancer templates: strict (a missing name is an error naming the
 * template), no HTML escaping, and `inventory/<name>/templates/<path>` overriding
 * `templates/<path>` as the other roles' templates do.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { CapstanError } from '../errors.ts';

const PROJECT_TEMPLATES = fileURLToPath(new URL('../../templates/', import.meta.url));
const compiled = new Map<string, HandlebarsTemplateDelegate>();

/** The template file to use: the inventory's override when there is one. */
export function lbTemplatePath(name: string, inventoryDir?: string): string {
  const override = inventoryDir ? join(inventoryDir, 'templates', name) : undefined;
  return override && existsSync(override) ? override : join(PROJECT_TEMPLATES, name);
}

export function renderLbTemplate(name: string, data: object, inventoryDir?: string): string {
  const file = lbTemplatePath(name, inventoryDir);
  let template = compiled.get(file);
  if (!template) {
    template = Handlebars.compile(readFileSync(file, 'utf8'), { strict: true, noEscape: true });
    if (file.startsWith(PROJECT_TEMPLATES)) compiled.set(file, template);
  }
  try {
    return template(data);
  } catch (err) {
    throw new CapstanError(`template ${file}: ${err instanceof Error ? err.message : String(err)}`, {
      hint: 'the template names a value the load-balancer view does not have; see lib/lb/haproxy.ts haproxyView()',
      cause: err,
    });
  }
}
