// lib/render: strict handlebars templates, inventory overrides, manifest checks.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { InputError } from '../lib/errors.ts';
import { compiledTemplateCount, parseManifests, renderString, renderTemplate, templatePath } from '../lib/render/index.ts';

const projectDir = resolve(import.meta.dirname, 'fixtures/runner/render');
const inventoryDir = resolve(projectDir, 'inv');

describe('templates', () => {
  it('renders with the yaml, indent, b64, quote and json helpers, without HTML escaping', () => {
    const out = renderTemplate('demo', 'config.yaml.hbs', {
      name: 'a<b>&c', values: { a: 1, b: { c: [1, 2] } }, token: 'tok', note: 'say "hi"', list: ['x'],
    }, { projectDir });
    expect(parse(out)).toEqual({ name: 'a<b>&c', values: { a: 1, b: { c: [1, 2] } }, secret: 'dG9r', quoted: 'say "hi"', list: ['x'] });
  });

  it('uses the inventory override when there is one', () => {
    expect(templatePath('demo', 'config.yaml.hbs', { projectDir, inventoryDir })).toBe(resolve(inventoryDir, 'templates/demo/config.yaml.hbs'));
    expect(renderTemplate('demo', 'config.yaml.hbs', { name: 'x' }, { projectDir, inventoryDir })).toBe('override: x\n');
    expect(templatePath('demo', 'cm.yaml.hbs', { projectDir, inventoryDir })).toBe(resolve(projectDir, 'templates/demo/cm.yaml.hbs'));
  });

  it('fails on a missing variable, naming the template and the variable', () => {
    const err = (() => { try { renderTemplate('demo', 'cm.yaml.hbs', { name: 'x', ns: {} }, { projectDir }); } catch (e) { return e; } })();
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems[0]).toMatchObject({ file: 'templates/demo/cm.yaml.hbs', key: 'ns.name' });
    expect(() => renderString('{{#each items}}{{port}}{{/each}}', { items: [{}] }, 't.hbs')).toThrow(/t\.hbs › port/);
  });

  it('compiles a template text once however often it renders, each render with its own data and errors', () => {
    const text = '{{name}} has {{#each ports}}{{port}} {{/each}}';
    const before = compiledTemplateCount();
    expect(renderString(text, { name: 'a', ports: [{ port: 1 }] }, 'k.hbs')).toBe('a has 1 ');
    expect(renderString(text, { name: 'b', ports: [{ port: 2 }, { port: 3 }] }, 'k.hbs')).toBe('b has 2 3 ');
    expect(compiledTemplateCount()).toBe(before + 1);
    // strict mode still applies to the kept template: a later render missing a value fails, named
    expect(() => renderString(text, { name: 'c', ports: [{}] }, 'k.hbs')).toThrow(/k\.hbs › port/);
    expect(renderString(`${text}.`, { name: 'd', ports: [] }, 'k.hbs')).toBe('d has .');
    expect(compiledTemplateCount()).toBe(before + 2);
  });

  it('names a template that does not exist', () => {
    expect(() => renderTemplate('demo', 'nope.hbs', {}, { projectDir })).toThrow(/templates\/demo\/nope\.hbs: template not found/);
  });
});

describe('parseManifests', () => {
  it('parses every document and skips empty ones', () => {
    const objs = parseManifests('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: b\n---\n', 'x.hbs');
    expect(objs.map((o) => o.metadata.name)).toEqual(['a', 'b']);
  });

  it('names the template and document index of each bad document, all at once', () => {
    const text = 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: a\n---\nkind: Service\nmetadata: {}\n---\nkey: [unclosed\n';
    const err = (() => { try { parseManifests(text, 'templates/demo/x.yaml.hbs'); } catch (e) { return e as InputError; } })()!;
    expect(err.problems.map((p) => p.file)).toEqual(['templates/demo/x.yaml.hbs › document 1', 'templates/demo/x.yaml.hbs › document 2']);
    expect(err.problems[0]!.key).toBe('apiVersion, metadata.name');
  });
});
