/**
 * Run-wide services behind each TaskContext: one transport per host (opened on first use), a
 * fact cache per host, the shared map, and one cluster connection per run (lib/kube imported
 * only when a task asks for it). close() closes them all, also after Ctrl-C.
 */
import type { OpenClusterOptions } from '../kube/index.ts';
import type { Cluster } from '../kube/types.ts';
import type { HostInfo, TaskContext, TaskLog } from '../role.ts';
import { connectionSpec } from '../transport/connection.ts';
import { openTransport } from '../transport/index.ts';
import type { OpenTransportOptions } from '../transport/index.ts';
import type { Transport } from '../transport/types.ts';
import type { Reporter } from '../report/events.ts';
import { timedCluster } from './spans.ts';

/** What lib/kube's openCluster takes: the host the cluster is reached through, its lazy transport, ... */
export type OpenClusterArgs = Pick<OpenClusterOptions, 'host' | 'transport' | 'shared' | 'log' | 'signal'>;

export type ClusterHandle = Cluster & { close(): Promise<void> };
export type OpenCluster = (args: OpenClusterArgs) => Promise<ClusterHandle>;
export type OpenHostTransport = (host: HostInfo, options: OpenTransportOptions) => Promise<Transport>;

export interface ServicesOptions {
  signal: AbortSignal;
  acceptNewHostKeys?: boolean;
  /** The machine's SSH files and the passphrase prompt, for every SSH transport of the run. */
  ssh?: Pick<OpenTransportOptions, 'system' | 'askPassphrase'>;
  /** Replaces opening transports from ansible_* vars (tests). */
  openTransport?: OpenHostTransport;
  /** Replaces lib/kube's openCluster (tests). */
  openCluster?: OpenCluster;
}

/** lib/kube (and @kubernetes/client-node behind it) is loaded only when a task asks for the cluster. */
async function importOpenCluster(): Promise<OpenCluster> {
  return (await import('../kube/index.ts')).openCluster;
}

export class RunServices {
  readonly shared = new Map<string, unknown>();
  private readonly transports = new Map<string, Promise<Transport>>();
  private readonly facts = new Map<string, Map<string, Promise<unknown>>>();
  private cluster: Promise<ClusterHandle> | undefined;
  private readonly options: ServicesOptions;

  constructor(options: ServicesOptions) {
    this.options = options;
  }

  transport(host: HostInfo): Promise<Transport> {
    let t = this.transports.get(host.name);
    if (!t) {
      const o: OpenTransportOptions = { ...this.options.ssh, signal: this.options.signal, acceptNewHostKeys: this.options.acceptNewHostKeys ?? false };
      t = this.options.openTransport ? this.options.openTransport(host, o) : openTransport(connectionSpec(host.name, host.vars), o);
      // A failed open is not cached: the host is marked unreachable and runs nothing more anyway.
      t.catch(() => this.transports.delete(host.name));
      this.transports.set(host.name, t);
    }
    return t;
  }

  fact<T>(host: string, key: string, compute: () => Promise<T>): Promise<T> {
    let cache = this.facts.get(host);
    if (!cache) { cache = new Map(); this.facts.set(host, cache); }
    let v = cache.get(key);
    if (!v) {
      v = compute();
      v.catch(() => cache.delete(key));
      cache.set(key, v);
    }
    return v as Promise<T>;
  }

  openCluster(host: HostInfo, log: TaskLog): Promise<ClusterHandle> {
    this.cluster ??= (async () => {
      const open = this.options.openCluster ?? (await importOpenCluster());
      return open({ host, transport: () => this.transport(host), shared: this.shared, log, signal: this.options.signal });
    })();
    this.cluster.catch(() => { this.cluster = undefined; });
    return this.cluster;
  }

  /** Close the cluster and every transport; every close is attempted, the first failure is rethrown. */
  async close(): Promise<void> {
    const closing: Promise<void>[] = [];
    if (this.cluster) closing.push(this.cluster.then((c) => c.close(), () => undefined));
    for (const t of this.transports.values()) closing.push(t.then((tr) => tr.close(), () => undefined));
    this.cluster = undefined;
    this.transports.clear();
    const results = await Promise.allSettled(closing);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

export interface TaskScope {
  host: HostInfo;
  playHosts: readonly HostInfo[];
  hostvars: TaskContext['hostvars'];
  groups: TaskContext['groups'];
  check: boolean;
  diff: boolean;
  role: string;
  task: string;
  reporter: Reporter;
  signal: AbortSignal;
}

function taskLog(s: Pick<TaskScope, 'reporter' | 'role' | 'task'>, host: string): TaskLog {
  const emit = (level: 'progress' | 'verbose' | 'warn') => (message: string) =>
    s.reporter.emit({ type: 'progress', role: s.role, task: s.task, host, level, message });
  return { progress: emit('progress'), verbose: emit('verbose'), warn: emit('warn') };
}

export function taskContext(s: TaskScope, services: RunServices): TaskContext {
  const log = taskLog(s, s.host.name);
  return {
    host: s.host, playHosts: s.playHosts, hostvars: s.hostvars, groups: s.groups,
    check: s.check, diff: s.diff, log, signal: s.signal, shared: services.shared,
    transport: () => services.transport(s.host),
    fact: (key, compute) => services.fact(s.host.name, key, compute),
    cluster: async () => timedCluster(await services.openCluster(s.host, log), (kind, name, durationMs, failed) =>
      s.reporter.emit({ type: 'span', role: s.role, task: s.task, host: s.host.name, kind, name, duration_ms: durationMs, failed })),
  };
}
