/**
 * Schema validation of written objects: built-in kinds against the real OpenAPI v3 component
 * schemas, custom resources against their CRD's openAPIV3Schema (ajv). Type errors become a
 * 422 Invalid Status like a real server's, as are two containers with one name or two Service
 * ports alike; unknown fields are pruned, or refused with 400 when the request asked for
 * fieldValidation=Strict.
 */
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { metadataCauses } from './metadata.ts';
import { builtins, type ResourceType, type Schema } from './registry.ts';
import { schemaNav, type SchemaNav } from './schema.ts';
import { elementKey } from './fieldset.ts';
import { badRequest, invalid, type StatusCause } from './status.ts';

const addFormats = addFormatsModule as unknown as (ajv: Ajv) => Ajv;

function makeAjv(): Ajv {
  // unicodeRegExp off: CRD patterns are Go RE2 syntax, where escapes such as `\-` are legal.
  const ajv = new Ajv({ strict: false, allErrors: false, validateSchema: false, logger: false, inlineRefs: false, code: { optimize: false }, unicodeRegExp: false });
  addFormats(ajv);
  for (const f of ['int32', 'int64', 'double', 'float', 'int-or-string', 'quantity', 'duration']) ajv.addFormat(f, true);
  ajv.addFormat('byte', /^[A-Za-z0-9+/]*={0,2}$/);
  return ajv;
}

const ajv = makeAjv();
const added = new Set<string>();
const builtinValidators = new Map<string, ValidateFunction>();
const crdValidators = new WeakMap<object, ValidateFunction>();

function validatorFor(t: ResourceType): ValidateFunction {
  if (t.crdSchema) {
    let v = crdValidators.get(t.crdSchema);
    if (!v) {
      v = compileCrdSchema(t);
      crdValidators.set(t.crdSchema, v);
    }
    return v;
  }
  const key = `${t.gvPath}#${t.component}`;
  let v = builtinValidators.get(key);
  if (!v) {
    const id = `urn:kube-sim:${t.gvPath.replaceAll('/', ':')}`;
    if (!added.has(id)) {
      ajv.addSchema({ $id: id, components: builtins().docs.get(t.gvPath)!.doc.components }, id);
      added.add(id);
    }
    v = ajv.compile({ $ref: `${id}#/components/schemas/${t.component}` });
    builtinValidators.set(key, v);
  }
  return v;
}

/**
 * A CRD schema that JavaScript cannot compile (a Go RE2 pattern JS lacks) is not checked; the
 * simulator says so once on stderr instead of failing every write of that type.
 */
function compileCrdSchema(t: ResourceType): ValidateFunction {
  try {
    return ajv.compile(t.crdSchema!);
  } catch (e) {
    process.stderr.write(`kube-sim: ${t.kind}.${t.group} objects are not schema-checked: ${(e as Error).message}\n`);
    return Object.assign(() => true, { errors: null }) as unknown as ValidateFunction;
  }
}

function fieldPath(instancePath: string): string {
  return instancePath.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, seg) => (/^\d+$/.test(seg) ? `${acc}[${seg}]` : acc ? `${acc}.${seg}` : seg), '');
}

function valueAtPointer(obj: unknown, instancePath: string): unknown {
  let cur: any = obj;
  for (const seg of instancePath.split('/').slice(1)) cur = cur?.[seg.replace(/~1/g, '/').replace(/~0/g, '~')];
  return cur;
}

function causeOf(e: ErrorObject, obj: unknown): StatusCause {
  const field = fieldPath(e.instancePath);
  const value = JSON.stringify(valueAtPointer(obj, e.instancePath));
  switch (e.keyword) {
    case 'required': {
      const missing = `${field ? `${field}.` : ''}${(e.params as { missingProperty: string }).missingProperty}`;
      return { reason: 'FieldValueRequired', field: missing, message: 'Required value' };
    }
    case 'type':
      return { field, message: `Invalid value: ${value}: ${field} in body must be of type ${(e.params as { type: string }).type}: ${value}` };
    case 'enum':
      return { reason: 'FieldValueNotSupported', field, message: `Unsupported value: ${value}: supported values: ${((e.params as { allowedValues: unknown[] }).allowedValues).map((v) => JSON.stringify(v)).join(', ')}` };
    case 'format':
      return { field, message: `Invalid value: ${value}: ${field} in body must be of type ${(e.params as { format: string }).format}: ${value}` };
    default:
      return { field, message: `Invalid value: ${value}: ${field} in body ${e.message ?? 'is invalid'}` };
  }
}

/** Drop JSON nulls (the API server treats them as absent on create/update). */
export function dropNulls(v: any): any {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (typeof v !== 'object' || v === null) return v;
  for (const [k, cv] of Object.entries(v)) {
    if (cv === null) delete v[k];
    else dropNulls(cv);
  }
  return v;
}

/**
 * Lists whose repeated keys a real server refuses: containers by name and a Service's ports (it
 * only warns about others, such as repeated env names).
 */
const uniqueLists = /(^|\.)(containers|initContainers|ephemeralContainers)$|^spec\.ports$/;

/** Elements of those lists that repeat their keys, as 422 causes. */
function duplicateKeys(nav: SchemaNav, value: unknown, s: Schema | undefined, path: string, atRoot: boolean, out: StatusCause[]): void {
  if (Array.isArray(value)) {
    const lt = nav.listType(s);
    const seen = new Set<string>();
    value.forEach((item, i) => {
      if (lt.type === 'map' && lt.keys.length && uniqueLists.test(path) && item && typeof item === 'object') {
        const key = elementKey(item, lt.keys);
        const shown = lt.keys.length === 1 ? `${path}[${i}].${lt.keys[0]}` : `${path}[${i}]`;
        const shownValue = lt.keys.length === 1 ? JSON.stringify((item as Record<string, unknown>)[lt.keys[0]!]) : key.slice(2);
        if (seen.has(key)) out.push({ reason: 'FieldValueDuplicate', field: shown, message: `Duplicate value: ${shownValue}` });
        seen.add(key);
      }
      duplicateKeys(nav, item, nav.items(s), `${path}[${i}]`, false, out);
    });
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) if (v && typeof v === 'object') duplicateKeys(nav, v, nav.child(s, k, atRoot), path ? `${path}.${k}` : k, false, out);
  }
}

/** Unknown fields: refused with 400 under strict field validation, else pruned in place. */
export function checkUnknownFields(t: ResourceType, obj: any, strict: boolean): void {
  dropNulls(obj);
  const unknown = schemaNav(t).unknownFields(obj, !strict);
  if (strict && unknown.length) {
    throw badRequest(`strict decoding error: ${unknown.map((f) => `unknown field "${f}"`).join(', ')}`);
  }
}

/**
 * Check an object of this type in place: unknown fields pruned (or a 400 under strict), then
 * schema errors as 422 Invalid.
 */
export function validateObject(t: ResourceType, obj: any, strict: boolean): void {
  checkUnknownFields(t, obj, strict);
  const metaCauses = metadataCauses(t, obj);
  if (!t.crd) duplicateKeys(schemaNav(t), obj, schemaNav(t).root, '', true, metaCauses);
  if (metaCauses.length) throw invalid(t, obj?.metadata?.name ?? '', metaCauses);
  const validate = validatorFor(t);
  if (validate(obj)) return;
  const seen = new Set<string>();
  const causes: StatusCause[] = [];
  for (const e of validate.errors ?? []) {
    if (e.keyword === 'oneOf' || e.keyword === 'anyOf') continue;
    const c = causeOf(e, obj);
    const key = `${c.field}`;
    if (seen.has(key)) continue;
    seen.add(key);
    causes.push(c);
  }
  if (causes.length) throw invalid(t, obj?.metadata?.name ?? '', causes);
}
