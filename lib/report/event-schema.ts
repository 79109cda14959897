/**
 * The `--json` event schema, version EVENT_SCHEMA_VERSION: what one line of `--json` output (or
 * of a `--json-log` file) is. Written once here with zod; docs/events.schema.json is generated
 * from it (`npm run doc -- --write`), and the compile-time checks at the bottom keep it equal to
 * the RunEvent type the runner emits. docs/events.md describes it for people.
 *
 * Bump the version when a field is removed or changes meaning; adding an event type or an
 * optional field keeps it (consumers ignore what they do not know).
 */
import { z } from 'zod';
import type { RunEvent } from './events.ts';
import { EVENT_SCHEMA_VERSION } from './event-version.ts';

export { EVENT_SCHEMA_VERSION };

const status = z.enum(['ok', 'changed', 'skipped', 'failed', 'unreachable']);
const hostStats = z.object({
  ok: z.number().int(), changed: z.number().int(), unreachable: z.number().int(), failed: z.number().int(),
  skipped: z.number().int(), rescued: z.number().int(), ignored: z.number().int(),
});
const problem = z.object({ file: z.string(), key: z.string(), message: z.string(), host: z.string().optional() });

const planEntry = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('helm'), release: z.string(), namespace: z.string(), chart: z.string(), version: z.string().optional(),
    values: z.unknown(), state: z.enum(['present', 'absent']),
  }),
  z.object({ kind: z.literal('manifest'), description: z.string(), yaml: z.string() }),
  z.object({ kind: z.literal('file'), path: z.string(), mode: z.string().optional(), content: z.string() }),
  z.object({ kind: z.literal('command'), text: z.string() }),
  z.object({ kind: z.literal('note'), text: z.string() }),
]);

const planRole = z.object({
  role: z.string(),
  vars: z.record(z.string(), z.object({ value: z.unknown(), source: z.string() })),
  tasks: z.array(z.object({
    name: z.string(), tags: z.array(z.string()), runOnce: z.boolean(), skipReason: z.string().optional(),
    entries: z.array(planEntry),
  })),
});

const listPlay = z.object({
  name: z.string(), pattern: z.string(), hosts: z.array(z.string()), skipped: z.string().optional(),
  tasks: z.array(z.object({ role: z.string(), task: z.string(), tags: z.array(z.string()) })),
});

/** What every line carries besides its event. */
const envelope = {
  version: z.literal(EVENT_SCHEMA_VERSION).describe('The schema version (docs/events.schema.json).'),
  time: z.iso.datetime().describe('When the event was written (UTC).'),
};

const ev = <T extends string, S extends z.ZodRawShape>(type: T, shape: S, description: string) => ({
  bare: z.object({ type: z.literal(type), ...shape }).describe(description),
  wire: z.object({ ...envelope, type: z.literal(type), ...shape }).describe(description),
});

const events = [
  ev('run_start', {
    playbook: z.string(), mode: z.enum(['run', 'check', 'plan', 'list']), check: z.boolean(), diff: z.boolean(),
    list: z.array(z.enum(['hosts', 'tasks', 'tags'])).optional(),
  }, 'First event of every run: what was asked for.'),
  ev('play_start', { play: z.string(), hosts: z.array(z.string()), skipped: z.string().optional() }, 'A play begins (skipped: why it does not run).'),
  ev('task_start', { play: z.string(), role: z.string(), task: z.string(), hosts: z.array(z.string()) }, 'A task begins on these hosts.'),
  ev('task_end', { play: z.string(), role: z.string(), task: z.string(), duration_ms: z.number() }, 'Every host has a result for the task.'),
  ev('task_result', {
    role: z.string(), task: z.string(), host: z.string(), status, duration_ms: z.number(),
    msg: z.string().optional(), diff: z.string().optional(), data: z.record(z.string(), z.unknown()).optional(),
  }, 'One host\'s result of a task (data.verify: a verify table).'),
  ev('progress', {
    role: z.string(), task: z.string(), host: z.string(), level: z.enum(['progress', 'verbose', 'warn']), message: z.string(),
  }, 'A line from inside a running task: what a wait is waiting for, a -v line, a warning.'),
  ev('span', {
    role: z.string(), task: z.string(), host: z.string(), kind: z.enum(['helm', 'wait']), name: z.string(),
    duration_ms: z.number(), failed: z.boolean(),
  }, 'A Helm release or a health wait inside a task finished (started duration_ms before this event).'),
  ev('warning', { message: z.string() }, 'A warning about the run as a whole.'),
  ev('plan', { play: z.string(), host: z.string(), roles: z.array(planRole) }, '--plan (and --report): what the selected roles would do on a host.'),
  ev('list', { kind: z.enum(['hosts', 'tasks', 'tags']), playbook: z.string(), plays: z.array(listPlay) }, '--list-hosts / --list-tasks / --list-tags.'),
  ev('recap', {
    hosts: z.record(z.string(), hostStats), duration_ms: z.number(), exit_code: z.number().int(),
  }, 'Last event of every run, also of --plan, --list-* and a run that could not start: per-host counts and the exit code.'),
  ev('error', { message: z.string(), problems: z.array(problem), exit_code: z.number().int() }, 'The run could not start (bad input: every problem), or failed inside capstan.'),
] as const;

/** The events without the envelope: what the runner emits. */
export const runEventSchema = z.discriminatedUnion('type', events.map((e) => e.bare) as unknown as MapBare<typeof events>);

/** One line of `--json` output: an event with the envelope (version, time). */
export const jsonEventSchema = z.discriminatedUnion('type', events.map((e) => e.wire) as unknown as MapWire<typeof events>);

type MapBare<T extends readonly { bare: z.ZodObject }[]> = { -readonly [K in keyof T]: T[K]['bare'] };
type MapWire<T extends readonly { wire: z.ZodObject }[]> = { -readonly [K in keyof T]: T[K]['wire'] };

/** docs/events.schema.json. */
export function eventsJsonSchema(): Record<string, unknown> {
  return {
    $id: `urn:capstan:events:v${EVENT_SCHEMA_VERSION}`,
    title: `capstan --json event, version ${EVENT_SCHEMA_VERSION}`,
    description: 'One line of `capstan play --json` output or of a --json-log file. See docs/events.md.',
    ...z.toJSONSchema(jsonEventSchema, { target: 'draft-7', io: 'output' }),
  };
}

// Compile-time: the schema and the RunEvent type the runner emits are the same shape.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type Schema = z.infer<typeof runEventSchema>;
const schemaMatchesRunEvent: Same<Schema['type'], RunEvent['type']> = true;
const everyEventFits: RunEvent extends Schema ? true : false = true;
const everySchemaEventFits: Schema extends RunEvent ? true : false = true;
void [schemaMatchesRunEvent, everyEventFits, everySchemaEventFits];
