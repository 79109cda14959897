/**
 * The play/task loop, Ansible's linear strategy: one task at a time across the play's hosts
 * (at most `forks` at once), `runOnce` tasks on the first host, adjacent `concurrent` tasks as a
 * DAG by their `after` lists. A host with a failed task runs nothing more (in later plays too);
 * a ConnectionError marks it unreachable and the others go on.
 */
import pLimit from 'p-limit';
import { CapstanError, ConnectionError } from '../errors.ts';
import type { Task, TaskResult, TaskStatus } from '../role.ts';
import { Stats } from '../report/events.ts';
import type { Reporter } from '../report/events.ts';
import { batchesOf } from './batches.ts';
import { RunServices, taskContext } from './context.ts';
import { PlayPrefetch } from './prefetch.ts';
import type { HostTask, PreparedHost, PreparedPlay, PreparedRun } from './prepare.ts';

export interface ExecuteOptions {
  readonly reporter: Reporter;
  readonly services: RunServices;
  readonly check: boolean;
  readonly diff: boolean;
  /** Hosts at once per task; default: all targeted hosts, at most 50. */
  readonly forks?: number;
  readonly signal: AbortSignal;
}

/** One task of the play, with the hosts that have it. */
interface Step {
  readonly role: string;
  readonly name: string;
  readonly task: Task;
  readonly hosts: Map<string, HostTask>;
}

/** Task order across hosts: each host's list merged in, new tasks after the previous one seen. */
function mergeSteps(hosts: readonly PreparedHost[]): Step[] {
  const steps: Step[] = [];
  const index = new Map<string, Step>();
  for (const h of hosts) {
    let at = 0;
    for (const ht of h.tasks) {
      const key = `${ht.role.name}\0${ht.task.name}`;
      let step = index.get(key);
      if (!step) {
        step = { role: ht.role.name, name: ht.task.name, task: ht.task, hosts: new Map() };
        index.set(key, step);
        steps.splice(at, 0, step);
      }
      step.hosts.set(h.info.name, ht);
      at = steps.indexOf(step) + 1;
    }
  }
  return steps;
}

/** Adjacent concurrent steps form one batch; others are batches of one. */
export function batches(steps: readonly Step[]): Step[][] {
  return batchesOf(steps, (s) => s.task.concurrent === true);
}

/** What a failed task says: a CapstanError's message and hint; for anything else, its message. */
export function errorMessage(err: unknown): string {
  if (err instanceof CapstanError) return err.hint ? `${err.message}\n${err.hint}` : err.message;
  if (err instanceof Error) return `${err.name === 'Error' ? '' : `${err.name}: `}${err.message}`;
  return String(err);
}

/** An unexpected error's stack, for -v (a CapstanError's message says it all). */
function errorData(err: unknown): Record<string, unknown> | undefined {
  return err instanceof Error && !(err instanceof CapstanError) && err.stack ? { stack: err.stack } : undefined;
}

class PlayRun {
  private readonly stats: Stats;
  private readonly down: Set<string>;
  private readonly o: ExecuteOptions;
  private readonly p: PreparedPlay;
  private readonly run: PreparedRun;
  /**
   * At most `forks` hosts at once, as Ansible's forks: one limit for the play, shared by the tasks
   * of a concurrent batch. A host counts once however many of the batch's tasks it runs at once:
   * with one slot per task instead, a one-host play (the cluster services) ran its concurrent
   * tasks one after another and the DAG bought nothing.
   */
  private readonly forks: ReturnType<typeof pLimit>;
  private readonly slots = new Map<string, { users: number; entered: Promise<void>; free: () => void }>();
  private readonly prefetch: PlayPrefetch;

  constructor(p: PreparedPlay, run: PreparedRun, o: ExecuteOptions, stats: Stats, down: Set<string>, steps: readonly Step[]) {
    this.p = p; this.run = run; this.o = o; this.stats = stats; this.down = down;
    this.forks = pLimit(Math.max(1, o.forks ?? Math.min(50, p.hosts.length)));
    this.prefetch = new PlayPrefetch(steps);
  }

  private targets(step: Step): PreparedHost[] {
    const hosts = this.p.hosts.filter((h) => step.hosts.has(h.info.name) && !this.down.has(h.info.name));
    return step.task.runOnce ? hosts.slice(0, 1) : hosts;
  }

  private async onHost(step: Step, h: PreparedHost): Promise<void> {
    const started = Date.now();
    const report = (status: TaskStatus, r: Partial<TaskResult> = {}): void => {
      this.stats.add(h.info.name, status);
      if (status === 'failed' || status === 'unreachable') this.down.add(h.info.name);
      this.o.reporter.emit({
        type: 'task_result', role: step.role, task: step.name, host: h.info.name, status,
        duration_ms: Date.now() - started,
        ...(r.msg !== undefined ? { msg: r.msg } : {}), ...(r.diff !== undefined ? { diff: r.diff } : {}),
        ...(r.data !== undefined ? { data: r.data } : {}),
      });
    };
    // This host's own task: tasks are built per host, from that host's vars.
    const task = step.hosts.get(h.info.name)!.task;
    if (task.skipReason !== undefined) return report('skipped', { msg: task.skipReason });
    const ctx = taskContext({
      host: h.info, playHosts: this.p.hosts.map((x) => x.info), hostvars: this.run.hostvars, groups: this.run.groups,
      check: this.o.check, diff: this.o.diff, role: step.role, task: step.name, reporter: this.o.reporter, signal: this.o.signal,
    }, this.o.services);
    try {
      await this.prefetch.before(step, h.info.name, ctx);
      const result = await task.run(ctx);
      report(result.status, result);
    } catch (err) {
      const data = errorData(err);
      report(err instanceof ConnectionError ? 'unreachable' : 'failed', { msg: errorMessage(err), ...(data ? { data } : {}) });
    }
  }

  /** Runs `fn` once the host holds a forks slot: taken by its first running task, let go by its last. */
  private async onHostSlot(host: string, fn: () => Promise<void>): Promise<void> {
    let slot = this.slots.get(host);
    if (!slot) {
      let entered!: () => void;
      let free!: () => void;
      const held = new Promise<void>((r) => { free = r; });
      const s = { users: 0, entered: new Promise<void>((r) => { entered = r; }), free };
      void this.forks(() => { entered(); return held; });
      this.slots.set(host, s);
      slot = s;
    }
    slot.users++;
    try {
      await slot.entered;
      await fn();
    } finally {
      if (--slot.users === 0) {
        this.slots.delete(host);
        slot.free();
      }
    }
  }

  async step(step: Step): Promise<void> {
    if (this.o.signal.aborted) return;
    const hosts = this.targets(step);
    if (hosts.length === 0) return;
    const started = Date.now();
    const ids = { play: this.p.play.name, role: step.role, task: step.name };
    this.o.reporter.emit({ type: 'task_start', ...ids, hosts: hosts.map((h) => h.info.name) });
    await Promise.all(hosts.map((h) => this.onHostSlot(h.info.name, () => this.onHost(step, h))));
    this.o.reporter.emit({ type: 'task_end', ...ids, duration_ms: Date.now() - started });
  }

  /** The batch's steps; then, if any host changed something, every host's prefetched answers are dropped. */
  async batch(steps: Step[]): Promise<void> {
    const changes = this.o.services.changeCount();
    try {
      await this.steps(steps);
    } finally {
      if (this.o.services.changeCount() !== changes) this.o.services.forgetPrefetched();
    }
  }

  private async steps(steps: Step[]): Promise<void> {
    if (steps.length === 1) return this.step(steps[0]!);
    const done = new Map<string, Promise<void>>();
    const start = (s: Step): Promise<void> => {
      let p = done.get(s.name);
      if (!p) {
        const deps = (s.task.after ?? []).map((name) => steps.find((x) => x.name === name)).filter((x): x is Step => !!x);
        p = Promise.all(deps.map(start)).then(() => this.step(s));
        done.set(s.name, p);
      }
      return p;
    };
    await Promise.all(steps.map(start));
  }

  alive(): boolean {
    return this.p.hosts.some((h) => !this.down.has(h.info.name));
  }
}

/** Hosts that a task of a play that runs will run commands on (Task.usesHost, or reads to prefetch), in play order. */
function hostsUsed(run: PreparedRun): PreparedHost['info'][] {
  const hosts = new Map<string, PreparedHost['info']>();
  for (const p of run.plays) {
    if (p.skipped) continue;
    for (const h of p.hosts) {
      if (h.tasks.some((ht) => (ht.task.usesHost || ht.task.reads) && ht.task.skipReason === undefined)) hosts.set(h.info.name, h.info);
    }
  }
  return [...hosts.values()];
}

/** Run every play; returns the stats (the exit code comes from them). */
export async function executeRun(run: PreparedRun, o: ExecuteOptions): Promise<Stats> {
  const stats = new Stats();
  const down = new Set<string>();
  o.services.warm(hostsUsed(run));
  for (const p of run.plays) {
    if (o.signal.aborted) break;
    const hosts = p.hosts.map((h) => h.info.name).filter((h) => !down.has(h));
    o.reporter.emit({ type: 'play_start', play: p.play.name, hosts, ...(p.skipped ? { skipped: p.skipped } : {}) });
    for (const h of hosts) stats.of(h);
    if (p.skipped) continue;
    const steps = mergeSteps(p.hosts);
    const playRun = new PlayRun(p, run, o, stats, down, steps);
    for (const b of batches(steps)) {
      if (o.signal.aborted) break;
      if (!playRun.alive()) {
        o.reporter.emit({ type: 'warning', message: 'NO MORE HOSTS LEFT' });
        break;
      }
      await playRun.batch(b);
    }
  }
  return stats;
}
