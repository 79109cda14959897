/**
 * A COUNTING local transport (a stand-in for a host): runs on this machine through
 * lib/transport/local.ts and records every command that reaches the machine, under the
 * prefetch layer (lib/transport/prefetch.ts) as a real transport has it. For tests of how many
 * round trips a step or a role makes.
 */
import type { TaskContext } from '../../lib/role.ts';
import type { Cmd } from '../../lib/shell.ts';
import { localTransport } from '../../lib/transport/local.ts';
import { withPrefetch } from '../../lib/transport/prefetch.ts';
import type { RunOptions, Transport } from '../../lib/transport/types.ts';

export interface CountingTransport {
  readonly t: Transport;
  /** The command texts that reached the machine, in order. */
  readonly sent: string[];
}

export function countingTransport(host = 'counted'): CountingTransport {
  const local = localTransport({ host });
  const sent: string[] = [];
  const inner = {
    host, kind: 'local' as const,
    run: (cmd: Cmd, o: RunOptions = {}) => { sent.push(cmd.text); return local.run(cmd, o); },
    put: local.put, get: local.get, close: local.close,
  };
  return { t: withPrefetch(inner), sent };
}

/** A TaskContext on `t` alone (no runner, no cluster). */
export function stepContext(t: Transport, o: { check?: boolean; diff?: boolean } = {}): TaskContext {
  const host = { name: t.host, groups: [], vars: {} };
  const noop = () => undefined;
  const facts = new Map<string, Promise<unknown>>();
  return {
    host, playHosts: [host], hostvars: { [t.host]: {} }, groups: {},
    check: o.check ?? false, diff: o.diff ?? false,
    log: { progress: noop, verbose: noop, warn: noop },
    signal: new AbortController().signal,
    transport: async () => t,
    fact: <T>(key: string, compute: () => Promise<T>) => {
      if (!facts.has(key)) facts.set(key, compute());
      return facts.get(key) as Promise<T>;
    },
    shared: new Map(),
    cluster: () => Promise.reject(new Error('no cluster in step tests')),
  };
}
