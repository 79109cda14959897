/**
 * The one unified diff of capstan's --diff output: `--- a/<name>` / `+++ b/<name>`, 3 lines of
 * context, '' when equal; masked, so a secret line shows on neither side (lib/secret-diff.ts).
 */
import { createTwoFilesPatch } from 'diff';
import { maskDiff } from './secret-diff.ts';

export function unifiedDiff(name: string, before: string, after: string): string {
  if (before === after) return '';
  const shown = name.replace(/^\/+/, '');
  return maskDiff(createTwoFilesPatch(`a/${shown}`, `b/${shown}`, before, after, '', '', { context: 3 }));
}
