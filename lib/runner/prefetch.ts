/**
 * The runner's prefetch: a host's probes for many tasks in ONE remote command. Tasks that
 * declare their reads (Task.reads) and follow each other in a play form a stretch; before a host
 * runs its first task of a stretch, the reads of all its tasks in that stretch go to its
 * transport's prefetch (lib/transport/prefetch.ts), and the tasks' probes are answered from it:
 * a no-op run is one command per host, whatever the role.
 *
 * The answers stay what each probe would read at its own time: the transport drops them all at
 * the first change made through it (a write, a command that is not read-only) and answers each
 * probe once; a task without declared reads ends the stretch (it may change anything: the
 * cluster, other hosts), so the next stretch reads again; and after a task in which any host of
 * the run changed something, every host drops what it kept (two inventory names may be one
 * machine). A changing run so reads the host as it would without a prefetch.
 */
import type { Task, TaskContext } from '../role.ts';
import type { PrefetchRead } from '../transport/types.ts';

/** What the prefetch needs of a play's step: each host's own task. */
export interface PrefetchStep {
  readonly hosts: ReadonlyMap<string, { readonly task: Task }>;
}

/** Whether every host's task of the step declares its reads (or is skipped, and reads nothing). */
const declared = (s: PrefetchStep) => [...s.hosts.values()].every(({ task }) => task.reads !== undefined || task.skipReason !== undefined);

export class PlayPrefetch {
  /** The stretch each step belongs to; absent: the step declares no reads. */
  private readonly stretchOf = new Map<PrefetchStep, number>();
  private readonly steps: readonly PrefetchStep[];
  /** `host\0stretch` already prefetched. */
  private readonly done = new Set<string>();

  constructor(steps: readonly PrefetchStep[]) {
    this.steps = steps;
    let stretch = 0;
    for (const s of steps) {
      if (declared(s)) this.stretchOf.set(s, stretch);
      else stretch++;
    }
  }

  /** The reads of `host`'s tasks from `step` to the end of its stretch, in task order. */
  readsFrom(step: PrefetchStep, host: string, ctx: TaskContext): PrefetchRead[] {
    const stretch = this.stretchOf.get(step);
    if (stretch === undefined) return [];
    const list: PrefetchRead[] = [];
    for (const s of this.steps.slice(this.steps.indexOf(step))) {
      if (this.stretchOf.get(s) !== stretch) break;
      const task = s.hosts.get(host)?.task;
      if (task?.reads && task.skipReason === undefined) list.push(...task.reads(ctx));
    }
    return list;
  }

  /** Before `host` runs `step`: the prefetch of its stretch, when this is the host's first task in it. */
  async before(step: PrefetchStep, host: string, ctx: TaskContext): Promise<void> {
    const stretch = this.stretchOf.get(step);
    if (stretch === undefined || this.done.has(`${host}\0${stretch}`)) return;
    this.done.add(`${host}\0${stretch}`);
    const list = this.readsFrom(step, host, ctx);
    if (list.length === 0) return;
    const t = await ctx.transport();
    await t.prefetch?.(list);
  }
}
