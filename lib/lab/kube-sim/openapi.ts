/**
 * A minimal /openapi/v3: the index (each group-version with a hash'd serverRelativeURL) and the
 * per-group-version documents. Built-in documents are the real spec files; CRD group-versions
 * get a document built from the CRD (paths with the fieldValidation parameter helm checks for,
 * and the version's schema as a component).
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { builtins, openapiDir, type Registry, type ResourceType } from './registry.ts';

const hashCache = new Map<string, string>();

function hashOf(key: string, text: string): string {
  let h = hashCache.get(key);
  if (!h) {
    h = createHash('sha512').update(text).digest('hex').slice(0, 128).toUpperCase();
    hashCache.set(key, h);
  }
  return h;
}

const rootDocs = new Map<string, string>();
function rootDoc(name: 'api' | 'apis'): string {
  let text = rootDocs.get(name);
  if (text === undefined) {
    text = readFileSync(join(openapiDir, `${name}_openapi.json`), 'utf8');
    rootDocs.set(name, text);
  }
  return text;
}

function withoutDescriptions(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutDescriptions);
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (k !== 'description') out[k] = withoutDescriptions(v);
  return out;
}

const compactDocs = new Map<string, string>();

/**
 * A built-in document as served: the real spec minus its `description` texts (schemas, paths and
 * extensions unchanged), a quarter of the bytes, which makes helm's and kubectl's OpenAPI parsing
 * (done on every run, up to twice per group-version) several times faster.
 */
function builtinText(gvPath: string): string | undefined {
  const doc = builtins().docs.get(gvPath);
  if (!doc) return undefined;
  let text = compactDocs.get(gvPath);
  if (text === undefined) {
    text = JSON.stringify(withoutDescriptions(doc.doc));
    compactDocs.set(gvPath, text);
  }
  return text;
}

/** gvPath ("api/v1", "apis/example.com/v1") → document text. */
export function openapiDocument(registry: Registry, gvPath: string): string | undefined {
  if (gvPath === 'api' || gvPath === 'apis') return rootDoc(gvPath);
  const builtin = builtinText(gvPath);
  const crdTypes = registry.types.filter((t) => t.crd && t.gvPath === gvPath);
  if (builtin) return builtin;
  if (crdTypes.length === 0) return undefined;
  return JSON.stringify(crdDocument(crdTypes));
}

export function openapiIndex(registry: Registry): unknown {
  const paths: Record<string, { serverRelativeURL: string }> = {};
  const add = (gvPath: string, hash: string): void => {
    paths[gvPath] = { serverRelativeURL: `/openapi/v3/${gvPath}?hash=${hash}` };
  };
  add('api', hashOf('api', rootDoc('api')));
  add('apis', hashOf('apis', rootDoc('apis')));
  for (const [gvPath, doc] of builtins().docs) add(gvPath, hashOf(gvPath, doc.raw));
  for (const gvPath of new Set(registry.types.filter((t) => t.crd).map((t) => t.gvPath))) {
    const text = openapiDocument(registry, gvPath)!;
    add(gvPath, createHash('sha512').update(text).digest('hex').toUpperCase());
  }
  return { paths };
}

const param = (name: string): unknown => ({ name, in: 'query', schema: { type: 'string', uniqueItems: true } });

function componentName(t: ResourceType): string {
  return `${t.group.split('.').reverse().join('.')}.${t.version}.${t.kind}`;
}

function crdDocument(types: ResourceType[]): unknown {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = {};
  for (const t of types) {
    const gvk = { group: t.group, version: t.version, kind: t.kind };
    const ref = { $ref: `#/components/schemas/${componentName(t)}` };
    const ok = { '200': { description: 'OK', content: { 'application/json': { schema: ref } } } };
    const base = `/apis/${t.group}/${t.version}${t.namespaced ? '/namespaces/{namespace}' : ''}/${t.plural}`;
    const write = { parameters: [param('dryRun'), param('fieldManager'), param('fieldValidation')], 'x-kubernetes-group-version-kind': gvk, responses: ok };
    paths[base] = { get: { 'x-kubernetes-action': 'list', 'x-kubernetes-group-version-kind': gvk, responses: ok }, post: { ...write, 'x-kubernetes-action': 'post' } };
    paths[`${base}/{name}`] = {
      get: { 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': gvk, responses: ok },
      put: { ...write, 'x-kubernetes-action': 'put' },
      patch: { ...write, parameters: [...write.parameters, param('force')], 'x-kubernetes-action': 'patch' },
      delete: { 'x-kubernetes-action': 'delete', 'x-kubernetes-group-version-kind': gvk, responses: ok },
    };
    schemas[componentName(t)] = { ...t.crdSchema, 'x-kubernetes-group-version-kind': [gvk] };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes CRD Swagger', version: 'v0.1.0' }, paths, components: { schemas } };
}
