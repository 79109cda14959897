/**
 * Run-lock vars, read per host like the ansible_* connection vars (every run takes the locks,
 * whatever roles it selects): how long a second run waits for a lock, where the host lock file
 * lives, and the namespace of the cluster Lease. Checked before anything connects.
 */
import { z } from 'zod';
import type { Problem } from '../errors.ts';
import { defineVars, type VarDef } from '../vars/schema.ts';
import { parseVarValue } from '../vars/text.ts';

export const lockVars = defineVars({
  capstan_lock_timeout: {
    schema: z.number().int().min(0).max(86_400),
    default: 120,
    description: 'Seconds a run waits for a lock another run holds (host lock file or cluster Lease) before failing, naming the holder; 0 fails at once.',
    docs: 'docs/reliability.md',
  },
  capstan_lock_path: {
    schema: z.string().regex(/^\/[^\0\n]*[^/]$/, 'must be an absolute file path, e.g. /run/lock/capstan.lock'),
    default: '/run/lock/capstan.lock',
    description: 'The lock file on each host (flock; holds run id, owner, pid, start time). /run/lock is cleared at boot, as a lock should be. Hosts of one run on one machine share it; the environment variable CAPSTAN_LOCK_PATH replaces the default.',
    docs: 'docs/reliability.md',
  },
  capstan_lock_namespace: {
    schema: z.string().regex(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/, 'must be a namespace name (DNS-1123 label)'),
    default: 'kube-system',
    description: 'Namespace of the Lease `capstan-run` that a run holds while it changes the cluster.',
    docs: 'docs/reliability.md',
  },
});

export interface LockSettings {
  capstan_lock_timeout: number;
  capstan_lock_path: string;
  capstan_lock_namespace: string;
}

/** What a good value looks like, for the message. */
const FIX: Record<keyof LockSettings, string> = {
  capstan_lock_timeout: 'give whole seconds from 0 to 86400, e.g. capstan_lock_timeout: 300 (0: fail at once)',
  capstan_lock_path: 'give an absolute file path, e.g. capstan_lock_path: /run/lock/capstan.lock',
  capstan_lock_namespace: 'give an existing namespace, e.g. capstan_lock_namespace: kube-system',
};

/**
 * The environment variable that replaces capstan_lock_path's default (an inventory value still
 * wins): the test suite gives each worker its own file (test/support/lock-path-setup.ts), so
 * parallel runs against local hosts do not wait on each other.
 */
export const LOCK_PATH_ENV = 'CAPSTAN_LOCK_PATH';

/** A host's lock settings (defaults applied) and the problems of bad values. */
export function lockSettings(vars: Readonly<Record<string, unknown>>, env: Readonly<Record<string, string | undefined>> = process.env): { settings: LockSettings; problems: Problem[] } {
  const problems: Problem[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(lockVars) as [string, VarDef][]) {
    const fallback = key === 'capstan_lock_path' && env[LOCK_PATH_ENV] ? env[LOCK_PATH_ENV] : def.default;
    const parsed = parseVarValue(def.schema, vars[key] ?? fallback);
    if (parsed.success) out[key] = parsed.data;
    else problems.push({ file: '', key, message: `${JSON.stringify(vars[key] ?? fallback)} is not valid; ${FIX[key as keyof LockSettings]}` });
  }
  return { settings: out as unknown as LockSettings, problems };
}
