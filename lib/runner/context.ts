/**
 * Run-wide services behind each TaskContext: one transport per host (opened on first use), a
 * fact cache per host, the shared map, and one cluster connection per run (lib/kube imported
 * only when a task asks for it). close() closes them all, also after Ctrl-C.
 */
import type { OpenClusterOptions } from '../cluster/index.ts';
import { readHostLock, takeHostLock, type HeldHostLock } from '../lock/host.ts';
import type { RunLock } from '../lock/index.ts';
import { lockSettings } from '../lock/vars.ts';
import type { Cluster } from '../kube/types.ts';
import type { HostInfo, TaskContext, TaskLog } from '../role.ts';
import { connectionSpec } from '../transport/connection.ts';
import { openTransport } from '../transport/index.ts';
import type { OpenTransportOptions } from '../transport/index.ts';
import type { Transport } from '../transport/types.ts';
import type { Reporter } from '../report/events.ts';
import { timedCluster } from './spans.ts';
import { profile } from '../report/profile.ts';

/** What lib/kube's openCluster takes: the host the cluster is reached through, its lazy transport, ... */
export type OpenClusterArgs = Pick<OpenClusterOptions, 'host' | 'transport' | 'shared' | 'log' | 'signal' | 'force' | 'lock' | 'warm'>;

export type ClusterHandle = Cluster & { close(): Promise<void> };
export type OpenCluster = (args: OpenClusterArgs) => Promise<ClusterHandle>;
export type OpenHostTransport = (host: HostInfo, options: OpenTransportOptions) => Promise<Transport>;

export interface ServicesOptions {
  signal: AbortSignal;
  /** Second Ctrl-C: stop what still runs at once (a running helm: see lib/helm/interrupt.ts). */
  force?: AbortSignal;
  acceptNewHostKeys?: boolean;
  /** The machine's SSH files and the passphrase prompt, for every SSH transport of the run. */
  ssh?: Pick<OpenTransportOptions, 'system' | 'askPassphrase'>;
  /** Replaces opening transports from ansible_* vars (tests). */
  openTransport?: OpenHostTransport;
  /** Replaces lib/kube's openCluster (tests). */
  openCluster?: OpenCluster;
  /** The run's locks: a lock file on each host when it is first connected to, the cluster Lease when the cluster is first opened. */
  lock?: RunLock;
}

/**
 * lib/cluster (lib/kube, @kubernetes/client-node, undici: ~0.3 s of module loading) is loaded only
 * when a task asks for the cluster, or from the run's start when it selects a role that uses the
 * cluster (preloadCluster), so the load overlaps the first plays' SSH work. The profile item is the
 * load's own time either way.
 */
async function importOpenCluster(): Promise<OpenCluster> {
  return (await profile.time('lazy module load', () => import('../cluster/index.ts'))).openCluster;
}

export class RunServices {
  readonly shared = new Map<string, unknown>();
  private readonly transports = new Map<string, Promise<Transport>>();
  /** Hosts connected by warm() that no task has asked for yet. */
  private readonly warming = new Set<string>();
  private readonly facts = new Map<string, Map<string, Promise<unknown>>>();
  private cluster: Promise<ClusterHandle> | undefined;
  private clusterModule: Promise<OpenCluster> | undefined;
  /** preloadCluster was asked: the run selects roles that use the cluster (their first reads start when it opens). */
  private clusterWarm = false;
  private readonly hostLocks = new Map<string, HeldHostLock>();
  /** Open transports, with their change count when they were handed to the run (after the lock take). */
  private readonly opened = new Map<string, { t: Transport; base: number }>();
  private readonly options: ServicesOptions;

  constructor(options: ServicesOptions) {
    this.options = options;
  }

  transport(host: HostInfo): Promise<Transport> {
    let t = this.transports.get(host.name);
    if (t && this.warming.delete(host.name)) this.forgetIfFailed(host.name, t);
    if (!t) {
      t = this.open(host);
      this.forgetIfFailed(host.name, t);
      this.transports.set(host.name, t);
    }
    return t;
  }

  /**
   * Connect to these hosts now, all at once (the run's start: their connects overlap the plays
   * before theirs). The first task that asks for one gets this connection, or its failure.
   */
  warm(hosts: readonly HostInfo[]): void {
    for (const host of hosts) {
      if (this.transports.has(host.name)) continue;
      const t = this.open(host);
      t.catch(() => undefined); // kept for the first task that asks: it reports the failure
      this.transports.set(host.name, t);
      this.warming.add(host.name);
    }
  }

  private open(host: HostInfo): Promise<Transport> {
    const o: OpenTransportOptions = { ...this.options.ssh, signal: this.options.signal, acceptNewHostKeys: this.options.acceptNewHostKeys ?? false };
    const opened = this.options.openTransport ? this.options.openTransport(host, o) : openTransport(connectionSpec(host.name, host.vars), o);
    return opened.then((tr) => this.lockHost(host, tr)).then((tr) => {
      this.opened.set(host.name, { t: tr, base: tr.changeCount?.() ?? 0 });
      return tr;
    });
  }

  /** Calls that may have changed a host, on every transport of the run since it was opened (the lock take not counted). */
  changeCount(): number {
    let n = 0;
    for (const { t, base } of this.opened.values()) n += (t.changeCount?.() ?? base) - base;
    return n;
  }

  /** Every host drops its prefetched answers (lib/runner/prefetch.ts). */
  forgetPrefetched(): void {
    for (const { t } of this.opened.values()) t.forgetPrefetched?.();
  }

  /** A failed open is not cached: the host is marked unreachable and runs nothing more anyway. */
  private forgetIfFailed(name: string, t: Promise<Transport>): void {
    t.catch(() => { if (this.transports.get(name) === t) this.transports.delete(name); });
  }

  /** Before any task command runs on the host: take its lock (or, for --check, look at it). */
  private async lockHost(host: HostInfo, t: Transport): Promise<Transport> {
    const lock = this.options.lock;
    if (!lock) return t;
    const { settings } = lockSettings(host.vars);
    try {
      if (lock.mode === 'take') {
        this.hostLocks.set(host.name, await takeHostLock(t, lock.run, settings, { say: lock.say, signal: this.options.signal }));
      } else {
        const holder = await readHostLock(t, lock.run, settings);
        if (holder) lock.say(`${host.name}: ${settings.capstan_lock_path} is held by ${holder}: another run is changing this host while this check reads it, so what it reports may change`);
      }
    } catch (err) {
      await t.close();
      throw err;
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

  /** Start loading lib/cluster now (the run selects a role that uses the cluster); a failed load fails the first openCluster. */
  preloadCluster(): void {
    this.clusterWarm = true;
    if (this.options.openCluster) return;
    this.clusterModule ??= importOpenCluster();
    // not dropped: openCluster awaits this same promise and rethrows its failure to the task
    this.clusterModule.catch(() => undefined);
  }

  /** Whether lib/cluster was asked for (preloaded or opened). */
  get clusterLoadStarted(): boolean {
    return this.clusterModule !== undefined;
  }

  openCluster(host: HostInfo, log: TaskLog): Promise<ClusterHandle> {
    this.cluster ??= (async () => {
      const open = this.options.openCluster ?? (await (this.clusterModule ??= importOpenCluster()));
      return profile.time('cluster open', () => open({
        host, transport: () => this.transport(host), shared: this.shared, log, signal: this.options.signal, warm: this.clusterWarm,
        ...(this.options.lock ? { lock: this.options.lock } : {}),
        ...(this.options.force ? { force: this.options.force } : {}),
      }));
    })();
    this.cluster.catch(() => { this.cluster = undefined; });
    return this.cluster;
  }

  /**
   * Release the locks, close the cluster and every transport; every step is attempted, the first
   * failure is rethrown. A host's lock is let go over its connection before that closes.
   */
  async close(): Promise<void> {
    const closing: Promise<void>[] = [];
    if (this.cluster) closing.push(this.cluster.then((c) => c.close(), () => undefined));
    for (const [name, t] of this.transports) {
      const held = this.hostLocks.get(name);
      closing.push(t.then(async (tr) => {
        try {
          await held?.release();
        } finally {
          await tr.close();
        }
      }, () => undefined));
    }
    this.hostLocks.clear();
    this.opened.clear();
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
