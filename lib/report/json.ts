/**
 * `--json` and `--json-log FILE`: one masked JSON event per line, in the versioned shape of
 * lib/report/event-schema.ts (docs/events.md): `{"version":1,"time":"…","type":"…",…}`.
 */
import { closeSync, openSync, writeSync } from 'node:fs';
import { mask, maskDeep } from '../secrets.ts';
import { EVENT_SCHEMA_VERSION } from './event-version.ts';
import type { Output, Reporter, RunEvent } from './events.ts';

/** One event as one line of text (masked), with its envelope. */
export function eventLine(event: RunEvent, now = new Date()): string {
  // Deep first (a secret with quotes is escaped in the text), then the text (keys too).
  return `${mask(JSON.stringify(maskDeep({ version: EVENT_SCHEMA_VERSION, time: now.toISOString(), ...event })))}\n`;
}

export function jsonReporter(out: Output): Reporter {
  return { emit: (event) => { out.write(eventLine(event)); } };
}

/**
 * The events appended to a file as they happen (written synchronously: a crash or Ctrl-C loses
 * no line), closed after the recap. Created 0600: a log is for the operator.
 */
export function jsonLogReporter(path: string): Reporter & { close(): void } {
  let fd: number | undefined = openSync(path, 'a', 0o600);
  const close = (): void => {
    if (fd !== undefined) closeSync(fd);
    fd = undefined;
  };
  return {
    emit(event) {
      if (fd === undefined) return;
      writeSync(fd, eventLine(event));
      if (event.type === 'recap') close();
    },
    close,
  };
}
