/**
 * A run-wide line for changes made one host at a time (the k3s servers' joins): each caller takes
 * its place in call order — the runner starts a task's hosts in inventory order — and may look at
 * its host at once, but waits for `ready` (every earlier holder done) before it changes anything.
 * A holder with nothing to change is done early; the next one still goes only after the holders
 * before it, so two changes never overlap.
 *
 *   const turn = takeTurn(ctx.shared, 'k3s:server-queue');
 *   try { if (nothingToDo) return ok; await turn.ready; change(); } finally { turn.done(); }
 */
export interface Turn {
  /** Resolves when every earlier holder is done (also when one of them failed). */
  readonly ready: Promise<void>;
  /** This holder is done (idempotent): the next may go once the earlier ones are too. */
  done(): void;
}

export function takeTurn(shared: Map<string, unknown>, key: string): Turn {
  const previous = (shared.get(key) as Promise<void> | undefined) ?? Promise.resolve();
  let done!: () => void;
  const mine = new Promise<void>((resolve) => { done = resolve; });
  shared.set(key, previous.then(() => mine));
  return { ready: previous, done };
}
