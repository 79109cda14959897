/** The temp file beside a target that both transports write and then rename over it (atomic). */
import { randomBytes } from 'node:crypto';
import { basename, dirname } from 'node:path';
import type { PutOptions } from './types.ts';

export function tempPathFor(path: string): string {
  return `${dirname(path)}/.${basename(path)}.capstan-${randomBytes(5).toString('hex')}.tmp`;
}

/** `owner`, `owner:group` or `:group` for chown; undefined when neither is set. */
export function ownerSpec(o: Pick<PutOptions, 'owner' | 'group'>): string | undefined {
  if (!o.owner && !o.group) return undefined;
  return `${o.owner ?? ''}${o.group ? `:${o.group}` : ''}`;
}
