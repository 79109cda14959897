/**
 * Tag selection as Ansible evaluates it (Taggable.evaluate_tags): a task's tags are its role's
 * tags (the role name among them) plus its own; `--tags` defaults to `all`; `always` runs unless
 * skipped explicitly; `never` runs only when one of its tags is asked for.
 */
export interface TagFilter {
  /** --tags; empty means `all`. */
  readonly tags: readonly string[];
  /** --skip-tags. */
  readonly skipTags: readonly string[];
}

export function parseTagList(values: readonly string[] | string | undefined): string[] {
  const list = typeof values === 'string' ? [values] : values ?? [];
  return list.flatMap((v) => v.split(',')).map((t) => t.trim()).filter(Boolean);
}

/** Tags with a meaning of their own in Ansible. */
export const SPECIAL_TAGS: ReadonlySet<string> = new Set(['all', 'tagged', 'untagged', 'always', 'never']);

const intersects = (a: ReadonlySet<string>, b: readonly string[]): boolean => b.some((t) => a.has(t));

/** Ansible's rule for one task's tag set. */
export function tagsSelected(taskTags: ReadonlySet<string>, filter: TagFilter): boolean {
  const only = filter.tags.length ? filter.tags : ['all'];
  let run: boolean;
  if (taskTags.has('always')) run = true;
  else if (only.includes('all') && !taskTags.has('never')) run = true;
  else if (intersects(taskTags, only)) run = true;
  else run = only.includes('tagged') && taskTags.size > 0 && !taskTags.has('never');
  if (!run) return false;
  const skip = filter.skipTags;
  if (skip.includes('all')) return taskTags.has('always') && !skip.includes('always');
  if (intersects(taskTags, skip)) return false;
  return !(skip.includes('tagged') && taskTags.size > 0);
}

/** The tags of a role (its name is always one of them). */
export function roleTags(role: { name: string; tags: readonly string[] }): Set<string> {
  return new Set([role.name, ...role.tags]);
}

export function taskTags(role: { name: string; tags: readonly string[] }, task: { tags?: readonly string[] }): Set<string> {
  return new Set([...roleTags(role), ...(task.tags ?? [])]);
}

/**
 * Whether a role can have selected tasks, known before its tasks exist (they need validated vars):
 * its own tags match, or some asked-for tag is no role's tag (it may be a task tag like `verify`).
 */
export function roleMaySelect(tags: ReadonlySet<string>, everyRoleTag: ReadonlySet<string>, filter: TagFilter): boolean {
  if (tagsSelected(tags, filter)) return true;
  if (intersects(tags, filter.skipTags) || filter.skipTags.includes('all')) return false;
  return filter.tags.some((t) => !SPECIAL_TAGS.has(t) && !everyRoleTag.has(t));
}
