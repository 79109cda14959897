/**
 * Docs from the role var schemas, so they cannot drift: `npm run doc -- <role>` (like
 * ansible-doc), docs/variables.md, and the commented sample inventory's group_vars/all.yml.
 */
import { z } from 'zod';
import { stringify } from 'yaml';
import type { Role } from '../role.ts';
import { lockVars } from '../lock/vars.ts';
import { platformVars } from './platform.ts';
import type { VarDef, VarDefs } from './schema.ts';

type Json = { title?: string; type?: string | string[]; enum?: unknown[]; anyOf?: Json[]; oneOf?: Json[]; items?: Json; properties?: Record<string, Json>; additionalProperties?: Json | boolean };

function jsonTypeName(j: Json): string {
  if (j.title) return j.title;
  if (j.enum) return j.enum.map((v) => JSON.stringify(v)).join(' | ');
  const alternatives = j.anyOf ?? j.oneOf;
  if (alternatives) return alternatives.map(jsonTypeName).join(' or ');
  if (Array.isArray(j.type)) return j.type.join(' or ');
  if (j.type === 'array') return `list of ${j.items ? jsonTypeName(j.items) : 'any'}`;
  if (j.type === 'object') {
    if (j.properties) return `map {${Object.keys(j.properties).join(', ')}}`;
    if (typeof j.additionalProperties === 'object') return `map of ${jsonTypeName(j.additionalProperties)}`;
    return 'map';
  }
  return j.type ?? 'any';
}

/** A short type name for a var schema: `NodePort (30000-32767)`, `list of string`, `"present" | "absent"`. */
export function typeName(schema: z.ZodType): string {
  try {
    return jsonTypeName(z.toJSONSchema(schema, { unrepresentable: 'any', io: 'input' }) as Json);
  } catch {
    return 'any'; // a schema JSON Schema cannot express (a transform): the docs say "any", validation still applies
  }
}

const inline = (v: unknown): string => (v === undefined ? '' : JSON.stringify(v));

/** `npm run doc -- istio`: the role's vars as ansible-doc shows a module's options. */
export function roleDoc(role: Role): string {
  const lines = [`> ${role.name.toUpperCase()}    (roles/${role.name})`, '', `  ${role.description}`, '',
    `  tags: ${[...new Set([role.name, ...role.tags])].join(', ')}`];
  if (role.dependencies?.length) lines.push(`  runs after: ${role.dependencies.join(', ')}`);
  lines.push('', 'OPTIONS (= is mandatory):', '');
  for (const [name, def] of Object.entries(role.vars as VarDefs)) {
    const required = def.default === undefined && !def.optional;
    lines.push(`${required ? '=' : '-'} ${name}`, `        ${def.description}`);
    if (def.docs) lines.push(`        ${def.docs}`);
    if (def.default !== undefined) lines.push(`        default: ${inline(def.default)}`);
    if (def.example !== undefined) lines.push(`        example: ${inline(def.example)}`);
    lines.push(`        type: ${typeName(def.schema)}${def.secret ? ' (secret: keep it in vault)' : ''}`, '');
  }
  return `${lines.join('\n')}\n`;
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/variables.md: one table per role. */
export function variablesMarkdown(roles: readonly Role[]): string {
  const out = ['# Role variables', '', 'Generated from the role schemas by `npm run doc -- --write`; do not edit by hand.',
    'Set them in `inventory/<name>/group_vars/` or `host_vars/`, or with `-e`. `npm run doc -- <role>` shows one role.', ''];
  for (const role of roles) {
    out.push(`## ${role.name}`, '', role.description, '', '| Variable | Type | Default | Description |', '|---|---|---|---|');
    for (const [name, def] of Object.entries(role.vars as VarDefs)) {
      const dflt = def.default !== undefined ? `\`${cell(inline(def.default))}\`` : def.optional ? '(optional)' : '**required**';
      const desc = [def.description, def.docs, def.secret ? 'Secret: keep it in vault.' : ''].filter(Boolean).join(' ');
      out.push(`| \`${name}\` | ${cell(typeName(def.schema))} | ${dflt} | ${cell(desc)} |`);
    }
    out.push('');
  }
  return `${out.join('\n')}`;
}

function commented(text: string): string {
  return text.trimEnd().split('\n').map((l) => `# ${l}`).join('\n');
}

export interface VarEntry { name: string; def: VarDef; roles: string[] }

/** Every var once (a var several roles read is listed with all of them), in role order. */
export function varEntries(roles: readonly Role[]): VarEntry[] {
  const byName = new Map<string, VarEntry>();
  for (const role of roles) {
    for (const [name, def] of Object.entries(role.vars as VarDefs)) {
      const e = byName.get(name);
      if (e) e.roles.push(role.name);
      else byName.set(name, { name, def, roles: [role.name] });
    }
  }
  return [...byName.values()];
}

/**
 * docs/inventory-vars.schema.json as a group_vars/ or host_vars/ file refers to it (VS Code's
 * YAML extension then completes and checks the vars): inventory/<name>/group_vars/all.yml.
 */
export const INVENTORY_SCHEMA_FROM_GROUP_VARS = '../../../docs/inventory-vars.schema.json';

/** The sample inventory's group_vars/all.yml: a required block, then an optional block with defaults. */
export function sampleGroupVars(roles: readonly Role[]): string {
  const all = varEntries(roles);
  const required = all.filter((e) => e.def.default === undefined && !e.def.optional);
  const out = [`# yaml-language-server: $schema=${INVENTORY_SCHEMA_FROM_GROUP_VARS}`,
    '# Sample inventory vars, generated from the role schemas by `npm run doc -- --write`.',
    '# Copy this folder to inventory/<yours>/ and edit. docs/variables.md describes every var.', '---', '',
    '# ===== Required: no default; set these =====', ''];
  for (const e of required) {
    out.push(`# ${e.def.description} (${e.roles.join(', ')}; ${typeName(e.def.schema)})`);
    out.push(e.def.example !== undefined ? stringify({ [e.name]: e.def.example }).trimEnd() : `# ${e.name}:`, '');
  }
  out.push('# ===== Optional: the defaults; uncomment a line to change it =====', '');
  for (const role of roles) {
    const mine = all.filter((e) => e.roles[0] === role.name && !required.includes(e));
    if (mine.length === 0) continue;
    out.push(`# ----- ${role.name}: ${role.description} -----`, '');
    for (const e of mine) {
      const others = e.roles.slice(1).join(', ');
      const readers = !others ? '' : role === platformDocs ? `; read by ${others}` : `; also read by ${others}`;
      out.push(`# ${e.def.description} (${typeName(e.def.schema)}${readers})`);
      if (e.def.docs) out.push(`# ${e.def.docs}`);
      out.push(e.def.default !== undefined ? commented(stringify({ [e.name]: e.def.default })) : `# ${e.name}:`, '');
    }
  }
  return `${out.join('\n')}`;
}

/** Vars that no one role owns, as a section of the generated docs (a role with no tasks). */
const varsSection = (name: string, description: string, vars: VarDefs): Role => ({ name, description, tags: [], vars, tasks: () => [] });

/** The platform vars (lib/vars/platform.ts) as a section of the generated docs, before the roles. */
export const platformDocs: Role = varsSection('platform',
  'Platform vars (lib/vars/platform.ts): which parts are on, the load balancers\' NodePorts, the API port, the k3s groups; declared once, read by several roles',
  platformVars);

/** The run-lock vars (lib/lock/vars.ts), read for every host whatever roles run. */
export const lockDocs: Role = varsSection('run locks',
  'Run-lock vars (lib/lock/vars.ts, docs/reliability.md): the lock file on each host and the cluster Lease every changing run takes; read for every host, whatever roles run',
  lockVars);

/** The sample inventory's hosts file: the groups site.ts plays target. */
export const SAMPLE_HOSTS = `# Sample inventory (Ansible INI), generated by \`npm run doc -- --write\`.
# Groups used by playbooks/site.ts: server (k3s servers), agent (k3s agents), k3s_cluster, loadbalancers.
[server]
k8s-node1 ansible_host=192.0.2.11

[agent]
k8s-node2 ansible_host=192.0.2.12

[k3s_cluster:children]
server
agent

[loadbalancers]
lb1 ansible_host=192.0.2.10

[all:vars]
ansible_user=ubuntu
`;
