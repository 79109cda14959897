/** The one unified diff of capstan's --diff output: `--- a/<name>` / `+++ b/<name>`, 3 lines of context, '' when equal. */
import { createTwoFilesPatch } from 'diff';

export function unifiedDiff(name: string, before: string, after: string): string {
  if (before === after) return '';
  const shown = name.replace(/^\/+/, '');
  return createTwoFilesPatch(`a/${shown}`, `b/${shown}`, before, after, '', '', { context: 3 });
}
