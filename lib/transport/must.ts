/**
 * The throwing variant of Transport.run (zx's default): a non-zero exit or a timeout is a
 * CommandError naming the host, the command, the exit code and the output's tail. Both
 * transports get theirs from here; nothing else checks `code !== 0` by hand.
 */
import { CommandError } from '../errors.ts';
import type { Cmd } from '../shell.ts';
import type { CommandResult, MustOptions, RunOptions, Transport } from './types.ts';

/** Transport.must for a host's run function. */
export function mustOf(host: string, run: (cmd: Cmd, options?: RunOptions) => Promise<CommandResult>): Transport['must'] {
  return async (cmd, options = {}) => {
    const { hint, ...o } = options;
    const r = await run(cmd, o);
    if (r.code !== 0) throw new CommandError(host, cmd.text, r.code, r.stderr.trim() ? r.stderr : r.stdout, hint === undefined ? undefined : { hint });
    return r;
  };
}

/** A transport (a test's fake, say) given its must() from its run(). */
export function withMust<T extends Omit<Transport, 'must'>>(t: T): T & Pick<Transport, 'must'> {
  return Object.assign(t, { must: mustOf(t.host, (cmd, o) => t.run(cmd, o)) });
}
