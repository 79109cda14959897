/** `--json`: one masked JSON event per line. */
import { mask, maskDeep } from '../secrets.ts';
import type { Output, Reporter, RunEvent } from './events.ts';

export function jsonReporter(out: Output): Reporter {
  return {
    emit(event: RunEvent): void {
      // Deep first (a secret with quotes is escaped in the text), then the text (keys too).
      out.write(`${mask(JSON.stringify(maskDeep({ ...event, time: new Date().toISOString() })))}\n`);
    },
  };
}
