/**
 * The one "adjacent concurrent tasks" rule: a run of adjacent tasks marked concurrent is one
 * batch; any other task is a batch of its own. prepare.ts checks `after` lists against it and
 * execute.ts runs by it, so the two cannot disagree.
 */
export function batchesOf<T>(items: readonly T[], concurrent: (item: T) => boolean): T[][] {
  const out: T[][] = [];
  for (const item of items) {
    const last = out.at(-1);
    if (concurrent(item) && last !== undefined && concurrent(last[0]!)) last.push(item);
    else out.push([item]);
  }
  return out;
}
