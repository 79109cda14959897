/**
 * Lines of a var's value in the YAML file that set it, so problems about objects from a var
 * (k8s_objects, the shortcuts) point at the inventory line: `group_vars/all.yml:14 › k8s_objects[1]`.
 * A source that is not a readable YAML file (-e, an INI hosts file) gives no lines.
 */
import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { isMap, isNode, isScalar, isSeq, LineCounter, parseDocument, type Node } from 'yaml';
import type { FieldPath } from './schema-check.ts';

export function varLineFinder(source: string, varName: string, projectDir: string): ((path: FieldPath) => number | undefined) | undefined {
  if (!/\.ya?ml$|\/(group|host)_vars\/[^/.]+$/.test(source)) return undefined;
  let text: string;
  try {
    text = readFileSync(isAbsolute(source) ? source : resolve(projectDir, source), 'utf8');
  } catch (err) {
    // Not a file (an inline source): problems then name the source without a line.
    if (['ENOENT', 'ENOTDIR', 'EISDIR'].includes((err as NodeJS.ErrnoException).code ?? '')) return undefined;
    throw err;
  }
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc });
  const lineOf = (n: unknown) => (isNode(n) && n.range ? lc.linePos(n.range[0]).line : undefined);
  return (path) => {
    let node: unknown = doc.contents;
    let line: number | undefined;
    for (const step of [varName, ...path]) {
      if (isMap(node)) {
        const pair = node.items.find((p) => (isScalar(p.key) ? p.key.value : p.key) === step);
        if (!pair) return line;
        line = lineOf(pair.key);
        node = pair.value as Node;
      } else if (isSeq(node) && typeof step === 'number') {
        node = node.items[step];
        line = lineOf(node) ?? line;
      } else return line;
    }
    return line;
  };
}
