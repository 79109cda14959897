/**
 * The `--json` event schema's version (lib/report/event-schema.ts has the schema, built with zod
 * when the docs or tests ask for it): what every event line carries, without building the schema.
 */
export const EVENT_SCHEMA_VERSION = 1;
