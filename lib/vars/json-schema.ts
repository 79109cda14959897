/**
 * docs/inventory-vars.schema.json: a JSON Schema (draft-07, what VS Code's YAML extension reads)
 * for group_vars/ and host_vars/ files, generated from the role var schemas with zod's
 * toJSONSchema, so editors complete and check vars as users type. Each var: its type, default,
 * description and the roles that read it; any value may also be a Jinja template string
 * (rendered per host before validation). Other keys stay allowed: inventories carry ansible_*
 * and their own vars.
 */
import { z } from 'zod';
import type { Role } from '../role.ts';
import { varEntries } from './docs.ts';
import type { VarEntry } from './docs.ts';

type Json = Record<string, unknown>;

const JINJA: Json = { type: 'string', pattern: '\\{\\{|\\{%', description: 'a Jinja template, rendered per host' };
const SAFE_INT = 9007199254740991;
/** draft-07's formats; zod also writes its own (`starts_with`), which editors do not know. */
const FORMATS = new Set(['date-time', 'date', 'time', 'email', 'idn-email', 'hostname', 'idn-hostname', 'ipv4', 'ipv6',
  'uri', 'uri-reference', 'iri', 'iri-reference', 'uri-template', 'json-pointer', 'relative-json-pointer', 'regex']);

/** zod's JSON for one var schema, without the nested $schema and the ±2^53 integer bounds. */
function typeSchema(schema: z.ZodType): Json {
  let json: Json;
  try {
    json = z.toJSONSchema(schema, { target: 'draft-7', unrepresentable: 'any', io: 'input' }) as Json;
  } catch {
    return {}; // a transform JSON Schema cannot express: any value; capstan still validates it
  }
  const clean = (j: unknown): unknown => {
    if (Array.isArray(j)) return j.map(clean);
    if (!j || typeof j !== 'object') return j;
    const out: Json = {};
    for (const [k, v] of Object.entries(j)) {
      if (k === '$schema' || ((k === 'minimum' || k === 'maximum') && Math.abs(v as number) === SAFE_INT)) continue;
      if (k === 'format' && !FORMATS.has(String(v))) continue;
      out[k] = clean(v);
    }
    return out;
  };
  return clean(json) as Json;
}

function property(e: VarEntry): Json {
  const { title, ...type } = typeSchema(e.def.schema);
  const roles = `roles: ${e.roles.join(', ')}`;
  const description = [e.def.description, e.def.docs, e.def.secret ? 'Secret: keep it in vault.' : '', `(${title ? `${String(title)}; ` : ''}${roles})`]
    .filter(Boolean).join(' ');
  return {
    description,
    ...(title ? { title } : {}),
    ...(e.def.default !== undefined ? { default: e.def.default } : {}),
    ...(e.def.example !== undefined ? { examples: [e.def.example] } : {}),
    anyOf: [type, JINJA],
  };
}

export function inventoryVarsJsonSchema(roles: readonly Role[]): Json {
  const entries = [...varEntries(roles)].sort((a, b) => a.name.localeCompare(b.name));
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    title: 'capstan inventory vars (group_vars/, host_vars/)',
    description: 'Generated from the role schemas by `npm run doc -- --write`; do not edit. docs/variables.md describes every var.',
    type: 'object',
    properties: Object.fromEntries(entries.map((e) => [e.name, property(e)])),
    additionalProperties: true,
  };
}
