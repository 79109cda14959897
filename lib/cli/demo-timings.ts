/** Wall time of the demo's phases (start, play, requests, teardown), printed at its end. */
export class Timings {
  private readonly t0 = Date.now();
  private readonly phases = new Map<string, number>();

  /** Runs `f`, recording its wall time under `phase` (also when it throws). */
  async time<T>(phase: string, f: () => Promise<T>): Promise<T> {
    const start = Date.now();
    try {
      return await f();
    } finally {
      this.phases.set(phase, Date.now() - start);
    }
  }

  seconds(phase: string): string {
    return ((this.phases.get(phase) ?? 0) / 1000).toFixed(1);
  }

  total(): string {
    return ((Date.now() - this.t0) / 1000).toFixed(1);
  }

  /** `start 14.2 s, play 61.0 s, ...` in the order the phases ran. */
  summary(): string {
    return [...this.phases.keys()].map((p) => `${p} ${this.seconds(p)} s`).join(', ');
  }
}
