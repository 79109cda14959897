/**
 * The console's TASK sections when tasks run concurrently (independent Helm releases): one task
 * at a time owns the console; what the others print is held, with their header, and shown in one
 * piece when the owner ends. So no TASK header is printed empty, none twice, and no task's lines
 * are interleaved with another's. Sequential tasks pass straight through.
 */
export class TaskSections {
  /** The task whose header was printed last and whose lines go straight out. */
  private active: string | undefined;
  private readonly running = new Set<string>();
  /** Held output of tasks that are not active, in start order (header first). */
  private readonly held = new Map<string, string[]>();
  private readonly write: (text: string) => void;

  constructor(write: (text: string) => void) {
    this.write = write;
  }

  /** A task begins; `header` is its banner. */
  start(key: string, header: string): void {
    if (this.running.has(key) || this.held.has(key)) return;
    this.running.add(key);
    if (this.active === undefined) {
      this.active = key;
      this.write(header);
    } else {
      this.held.set(key, [header]);
    }
  }

  /** A line of a task (started implicitly, for emitters that send no task_start). */
  line(key: string, header: string, text: string): void {
    if (key !== this.active && !this.running.has(key) && !this.held.has(key)) {
      if (this.active !== undefined && !this.running.has(this.active)) this.active = undefined;
      this.start(key, header);
    }
    if (key === this.active) this.write(text);
    else this.held.get(key)?.push(text);
  }

  /** The task has every result: show the held tasks, up to the first one still running. */
  end(key: string): void {
    this.running.delete(key);
    if (key !== this.active) return;
    this.active = undefined;
    for (const [k, lines] of this.held) {
      this.held.delete(k);
      this.write(lines.join(''));
      if (this.running.has(k)) {
        this.active = k;
        return;
      }
    }
  }

  /** Show everything held (a new play, the recap): nothing is lost when an end never came. */
  flush(): void {
    for (const lines of this.held.values()) this.write(lines.join(''));
    this.held.clear();
    this.running.clear();
    this.active = undefined;
  }
}
