// Import rules read from the source: lib/ imports nothing from roles/ or test/, a role imports another role only when it declares it a dependency, lib/ has no import cycles.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '../../..');

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' ? [] : tsFiles(path);
    return name.endsWith('.ts') ? [path] : [];
  });
}

/** Relative imports of a file (static, dynamic and type-only), as project-relative paths. */
function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  const specs = [...text.matchAll(/(?:^|\n)\s*(?:import|export)\s[^;]*?from\s+'([^']+)'/g), ...text.matchAll(/import\(\s*'([^']+)'\s*\)/g)].map((m) => m[1]!);
  return specs.filter((s) => s.startsWith('.')).map((s) => relative(ROOT, resolve(dirname(file), s)));
}

const rel = (f: string) => relative(ROOT, f);
const libFiles = tsFiles(join(ROOT, 'lib'));
const roleFiles = tsFiles(join(ROOT, 'roles'));

/** roles/<name>/... → <name> (nested roles such as k3s/upgrade belong to their folder's role). */
const roleOf = (path: string): string => path.split('/')[1]!;

async function declaredDependencies(role: string): Promise<string[]> {
  const mod = (await import(join(ROOT, 'roles', role, 'index.ts'))) as { default: { dependencies?: string[] } };
  return mod.default.dependencies ?? [];
}

/** Import cycles among the given files: each as the list of files around it. */
function cycles(files: readonly string[]): string[][] {
  const graph = new Map(files.map((f) => [rel(f), importsOf(f).filter((i) => i.startsWith('lib/'))]));
  const found: string[][] = [];
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (f: string): void => {
    if (state.get(f) === 'done') return;
    if (state.get(f) === 'open') { found.push([...stack.slice(stack.indexOf(f)), f]); return; }
    state.set(f, 'open');
    stack.push(f);
    for (const next of graph.get(f) ?? []) visit(next);
    stack.pop();
    state.set(f, 'done');
  };
  for (const f of graph.keys()) visit(f);
  return found;
}

describe('import rules', () => {
  it('finds the imports it checks (the reader works)', () => {
    expect(importsOf(join(ROOT, 'lib/role-kit/index.ts'))).toContain('lib/role-kit/helm.ts');
    expect(importsOf(join(ROOT, 'roles/istio/index.ts'))).toContain('roles/metallb/index.ts');
  });

  it('lib/ imports nothing from roles/ or test/', () => {
    const bad = libFiles.flatMap((f) => importsOf(f).filter((i) => i.startsWith('roles/') || i.startsWith('test/')).map((i) => `${rel(f)} → ${i}`));
    expect(bad).toEqual([]);
  });

  it('a role imports another role only when it declares it a dependency', async () => {
    const bad: string[] = [];
    for (const f of roleFiles) {
      const own = roleOf(rel(f));
      for (const i of importsOf(f).filter((p) => p.startsWith('roles/') && roleOf(p) !== own)) {
        if (!(await declaredDependencies(own)).includes(roleOf(i))) bad.push(`${rel(f)} → ${i} (${own} does not list ${roleOf(i)} in dependencies)`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('lib/ has no import cycles (type-only imports count)', () => {
    expect(cycles(libFiles).map((c) => c.join(' → '))).toEqual([]);
  });
});
