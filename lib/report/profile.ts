/**
 * Where a run's time goes (`capstan play --profile`, and the whole-site bench): the phases of
 * the process (Node start and module load, inventory, roles and vars, tasks, closing) and what
 * costs time inside tasks without being one: modules loaded when first needed (lib/kube and
 * client-node), opening the cluster (kubeconfig or tunnel, the run lock), SSH connects, remote commands, Kubernetes API
 * reads and writes, watches, helm processes started. Always counted (a Map update per item:
 * nothing measurable); printed only when asked.
 *
 *   profile.phase('inventory', t0);                          // a phase from t0 (performance.now()) to now
 *   await profile.time('ssh connect', () => connectSsh(...)); // count and time one item
 *   profile.text()                                           // the table --profile prints
 *
 * Items run concurrently (hosts in parallel, requests at once): their summed time can exceed
 * the wall time; the phases do not overlap.
 */
export type ProfileItem = 'lazy module load' | 'cluster open' | 'ssh connect' | 'remote command' | 'api read' | 'api write' | 'api dry-run' | 'api watch' | 'helm process';

export interface ProfileCount { count: number; ms: number }

export interface ProfileSnapshot {
  /** ms per phase, in the order they ended. */
  phases: Record<string, number>;
  items: Partial<Record<ProfileItem, ProfileCount>>;
}

const ITEMS: readonly ProfileItem[] = ['lazy module load', 'cluster open', 'ssh connect', 'remote command', 'api read', 'api write', 'api dry-run', 'api watch', 'helm process'];

class Profile {
  private readonly phases = new Map<string, number>();
  private readonly items = new Map<ProfileItem, ProfileCount>();

  /** A phase that ran from `since` (performance.now()) until now. */
  phase(name: string, since: number): void {
    this.phases.set(name, (this.phases.get(name) ?? 0) + performance.now() - since);
  }

  add(item: ProfileItem, ms: number): void {
    const c = this.items.get(item) ?? { count: 0, ms: 0 };
    c.count++;
    c.ms += ms;
    this.items.set(item, c);
  }

  /** Counts `item` and adds the time `run` took (also when it throws). */
  async time<T>(item: ProfileItem, run: () => Promise<T>): Promise<T> {
    const t0 = performance.now();
    try {
      return await run();
    } finally {
      this.add(item, performance.now() - t0);
    }
  }

  snapshot(): ProfileSnapshot {
    return { phases: Object.fromEntries(this.phases), items: Object.fromEntries(this.items) };
  }

  /** Forget everything counted (a test that runs several plays in one process). */
  reset(): void {
    this.phases.clear();
    this.items.clear();
  }

  /** The `--profile` table: phases (wall), then items (count, summed time). */
  text(): string {
    const s = this.snapshot();
    const sec = (ms: number) => `${(ms / 1000).toFixed(3)} s`;
    const lines = ['PROFILE (phases are wall time; items inside them overlap when concurrent) '.padEnd(72, '*')];
    for (const [name, ms] of Object.entries(s.phases)) lines.push(`${`phase ${name}`.padEnd(44)} ${sec(ms).padStart(12)}`);
    lines.push(`${'total since the process started'.padEnd(44)} ${sec(performance.now()).padStart(12)}`);
    for (const item of ITEMS) {
      const c = s.items[item] ?? { count: 0, ms: 0 };
      lines.push(`${item.padEnd(30)} ${String(c.count).padStart(6)} × ${sec(c.ms).padStart(12)} summed`);
    }
    return `${lines.join('\n')}\n`;
  }
}

/** The process's one profile. */
export const profile = new Profile();
