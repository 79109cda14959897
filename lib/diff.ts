/**
 * The one unified diff of capstan's --diff output: `--- a/<name>` / `+++ b/<name>`, 3 lines of
 * context, '' when equal; masked, so a secret line shows on neither side (lib/secret-diff.ts).
 * jsdiff (~20 modules) is loaded on the first diff that has changes, not by every run: a no-op
 * makes none.
 */
import { createRequire } from 'node:module';
import { maskDiff } from './secret-diff.ts';

type Jsdiff = typeof import('diff');
let jsdiff: Jsdiff | undefined;

export function unifiedDiff(name: string, before: string, after: string): string {
  if (before === after) return '';
  const shown = name.replace(/^\/+/, '');
  jsdiff ??= createRequire(import.meta.url)('diff') as Jsdiff;
  return maskDiff(jsdiff.createTwoFilesPatch(`a/${shown}`, `b/${shown}`, before, after, '', '', { context: 3 }));
}
