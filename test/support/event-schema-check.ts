/**
 * Validates `--json` lines against docs/events.schema.json with ajv (the checked-in file, so a
 * stale schema fails the tests that use this too). Returns each line's problems.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';

const schemaPath = resolve(import.meta.dirname, '../../docs/events.schema.json');
const addFormats = addFormatsModule as unknown as (a: Ajv) => Ajv;

type Branch = { properties: { type: { const: string } } };

/** One validator per event type (the schema's oneOf branches), so a problem names its event's fields only. */
export function eventValidator(): (line: string) => string[] {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const schema = JSON.parse(readFileSync(schemaPath, 'utf8')) as { oneOf: Branch[] };
  const whole = ajv.compile(schema);
  const byType = new Map(schema.oneOf.map((b) => [b.properties.type.const, ajv.compile(b)]));
  return (line) => {
    let event: unknown;
    try {
      event = JSON.parse(line);
    } catch (err) {
      return [`not JSON: ${String(err)}: ${line.slice(0, 200)}`];
    }
    if (whole(event)) return [];
    const type = String((event as { type?: unknown }).type);
    const branch = byType.get(type);
    if (!branch) return [`unknown event type ${type}`];
    branch(event);
    return (branch.errors ?? []).map((e) => `${type} ${e.instancePath} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  };
}

/** Every problem of every line, each prefixed with the line number. */
export function invalidEvents(text: string): string[] {
  const check = eventValidator();
  return text.split('\n').filter(Boolean).flatMap((l, i) => check(l).map((p) => `line ${i + 1}: ${p}`));
}
