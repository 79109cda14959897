// docs/inventory-vars.schema.json (editor support): generated from the role schemas, current
// (docs.test.ts checks every generated file), referenced by the sample inventory's modeline, and
// it accepts the sample and homelab group_vars, Jinja strings and unknown keys, and rejects
// wrong types and values outside an enum, as an editor would show them.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const projectDir = resolve(import.meta.dirname, '../../..');
const schemaFile = resolve(projectDir, 'docs/inventory-vars.schema.json');
const schema = JSON.parse(readFileSync(schemaFile, 'utf8')) as { properties: Record<string, unknown> };
const ajv = new Ajv({ allErrors: true, strict: false });
(addFormatsModule as unknown as (a: Ajv) => Ajv)(ajv);
const validate = ajv.compile(schema);
const errorsOf = (vars: unknown) => (validate(vars) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath} ${e.message}`));

describe('docs/inventory-vars.schema.json', () => {
  it('the sample group_vars names it in a yaml-language-server modeline that resolves to the file', () => {
    const file = resolve(projectDir, 'inventory/sample/group_vars/all.yml');
    const first = readFileSync(file, 'utf8').split('\n')[0]!;
    const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    expect(m, first).not.toBeNull();
    expect(resolve(dirname(file), m![1]!)).toBe(schemaFile);
  });

  it('covers every role var, with its default and description', () => {
    expect(Object.keys(schema.properties)).toEqual(expect.arrayContaining(['k3s_version', 'istio_gateway_http_nodeport', 'metallb_address_pools', 'enable_istio', 'kube_context']));
    expect(schema.properties['istio_gateway_http_nodeport']).toMatchObject({ default: 31080, description: expect.stringMatching(/roles: .*istio/) });
  });

  it('accepts the sample and homelab vars, Jinja templates and keys it does not know', () => {
    for (const inv of ['sample', 'homelab']) {
      const vars = parse(readFileSync(resolve(projectDir, `inventory/${inv}/group_vars/all.yml`), 'utf8')) ?? {};
      expect(errorsOf(vars), inv).toEqual([]);
    }
    expect(errorsOf({ istio_gateway_http_nodeport: '{{ base_port + 80 }}', ansible_user: 'ubuntu', my_own_var: [1] })).toEqual([]);
  });

  it('rejects what capstan would reject by type, enum and NodePort range', () => {
    expect(errorsOf({ istio_gateway_http_nodeport: 'eighty' }).join('\n')).toMatch(/istio_gateway_http_nodeport/);
    expect(errorsOf({ istio_gateway_http_nodeport: 40000 }).join('\n')).toMatch(/istio_gateway_http_nodeport must be <= 32767/);
    expect(errorsOf({ istio_gateway_http_nodeport: 31080 })).toEqual([]);
    expect(errorsOf({ metallb_state: 'installed' }).join('\n')).toMatch(/metallb_state/);
    expect(errorsOf({ enable_istio: 'maybe' }).join('\n')).toMatch(/enable_istio/);
  });
});
