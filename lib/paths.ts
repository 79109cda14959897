/** Paths on the controller. */
import { homedir } from 'node:os';

/** `~` and `~/x` under the user's home folder; any other path as it is. */
export function expandHome(path: string): string {
  return path === '~' ? homedir() : path.startsWith('~/') ? `${homedir()}${path.slice(1)}` : path;
}
