/**
 * Ctrl-C around a running helm. Killing helm mid-operation is what leaves a release stuck
 * (pending-install, uninstalling...), so the first Ctrl-C lets the running helm finish, or roll
 * back, for at most helm_interrupt_grace seconds, saying what it waits for; a second Ctrl-C (or
 * the grace running out) stops helm and says the state the release is left in, which the next
 * run recovers (recover.ts). A helm not yet started is not started after Ctrl-C.
 */
import { HelmError } from '../errors.ts';

export interface HelmInterrupt {
  /** The run's stop signal (first Ctrl-C). */
  signal?: AbortSignal;
  /** Stop at once (second Ctrl-C). */
  force?: AbortSignal;
  /** How long a running helm may go on after the first Ctrl-C. */
  graceSeconds: number;
  log: (message: string) => void;
}

/** Why helm was stopped: the abort reason of the signal handed to HelmExec.run. */
export class HelmStop extends Error {
  readonly how: 'force' | 'grace';
  constructor(how: 'force' | 'grace') {
    super(how === 'force' ? 'stopped at once (Ctrl-C twice)' : 'the grace after Ctrl-C ran out');
    this.name = 'HelmStop';
    this.how = how;
  }
}

/** SIGKILL for a forced stop (at once), SIGTERM for the end of the grace (helm records the failure). */
export function stopSignalOf(reason: unknown): NodeJS.Signals {
  return reason instanceof HelmStop && reason.how === 'force' ? 'SIGKILL' : 'SIGTERM';
}

/**
 * Runs one helm operation under the interrupt rules. `run` gets the signal that stops helm;
 * `stateAfter` reads the release's state for the message when helm was stopped.
 */
export async function guardedHelm<T>(what: string, i: HelmInterrupt, run: (stop: AbortSignal) => Promise<T>, stateAfter: () => Promise<string>): Promise<T> {
  if (i.signal?.aborted || i.force?.aborted) throw new HelmError(`${what} was not started: the run was interrupted`);
  const stop = new AbortController();
  let grace: NodeJS.Timeout | undefined;
  const onStop = () => {
    i.log(`Ctrl-C: waiting up to ${i.graceSeconds}s for ${what} to finish or roll back (helm_interrupt_grace); Ctrl-C again to stop it now`);
    grace = setTimeout(() => stop.abort(new HelmStop('grace')), i.graceSeconds * 1000);
  };
  const onForce = () => stop.abort(new HelmStop('force'));
  i.signal?.addEventListener('abort', onStop, { once: true });
  i.force?.addEventListener('abort', onForce, { once: true });
  try {
    const result = await run(stop.signal);
    if (stop.signal.aborted) throw stop.signal.reason;
    if (i.signal?.aborted) i.log(`${what} finished after Ctrl-C; the run stops here`);
    return result;
  } catch (err) {
    if (!stop.signal.aborted) throw err;
    const how = (stop.signal.reason as HelmStop).how;
    const state = await stateAfter().catch((e: unknown) => `unknown (reading it failed: ${e instanceof Error ? e.message : String(e)})`);
    throw new HelmError(`${what} was stopped ${how === 'force' ? 'at once (Ctrl-C twice)' : `after the ${i.graceSeconds}s grace (helm_interrupt_grace)`}: the release is left ${state}`, {
      hint: 'the next run detects this state and recovers the release by itself (docs/reliability.md); no helm command by hand is needed',
    });
  } finally {
    clearTimeout(grace);
    i.signal?.removeEventListener('abort', onStop);
    i.force?.removeEventListener('abort', onForce);
  }
}
