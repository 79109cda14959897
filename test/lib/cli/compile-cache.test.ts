// lib/cli/compile-cache.mjs: the preload turns the compile cache on before any TypeScript is
// stripped, so a second run of an unchanged .ts entry never starts Node's type stripper (amaro).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const PROJECT = resolve(import.meta.dirname, '../../..');
const NODE = join(PROJECT, 'node_modules', '.bin', 'node');
const dir = mkdtempSync(join(tmpdir(), 'capstan-compile-cache-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Runs `entry` with the preload and its own cache dir; says whether the type stripper was loaded. */
function run(preload: string, entry: string, cache: string): { stripper: boolean; out: string } {
  const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: cache };
  // NODE_COMPILE_CACHE (the test workers have it) would turn the cache on before any preload:
  // without it, as for users, the preload's enableCompileCache() uses $TMPDIR/node-compile-cache
  delete env.NODE_COMPILE_CACHE;
  mkdirSync(cache, { recursive: true });
  const r = spawnSync(NODE, ['--import', resolve(PROJECT, preload), entry], { encoding: 'utf8', timeout: 30_000, env });
  expect(r.status, r.stderr).toBe(0);
  return { stripper: r.stderr.includes('STRIPPER true'), out: r.stdout };
}

describe('the compile-cache preload', () => {
  const entry = join(dir, 'entry.ts');
  writeFileSync(entry, [
    "const n: number = 41 + 1; console.log(`answer ${n}`);",
    "process.on('exit', () => process.stderr.write(`STRIPPER ${process.moduleLoadList.some((m) => m.includes('amaro'))}\\n`));",
  ].join('\n'));

  it('strips a .ts entry once; the next run takes it from the cache without starting the stripper', () => {
    const cache = join(dir, 'cache-a');
    const first = run('lib/cli/compile-cache.mjs', entry, cache);
    expect(first.out).toBe('answer 42\n');
    expect(first.stripper).toBe(true);
    const second = run('lib/cli/compile-cache.mjs', entry, cache);
    expect(second.out).toBe('answer 42\n');
    expect(second.stripper).toBe(false);
  });

  it('(control) a TypeScript preload of the same two lines starts the stripper on every run', () => {
    const tsPreload = join(dir, 'preload.ts');
    writeFileSync(tsPreload, readFileSync(join(PROJECT, 'lib/cli/compile-cache.mjs'), 'utf8'));
    const cache = join(dir, 'cache-b');
    run(tsPreload, entry, cache);
    expect(run(tsPreload, entry, cache).stripper).toBe(true);
  });

  it('is plain JavaScript: the npm scripts and bin/capstan.js preload it, never a .ts preload', () => {
    const pkg = JSON.parse(readFileSync(join(PROJECT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    const preloads = Object.values(pkg.scripts).flatMap((s) => [...s.matchAll(/--import (\S+)/g)].map((m) => m[1]));
    expect(preloads.length).toBeGreaterThan(5);
    expect(new Set(preloads)).toEqual(new Set(['./lib/cli/compile-cache.mjs']));
    expect(readFileSync(join(PROJECT, 'bin', 'capstan.js'), 'utf8')).toContain("'compile-cache.mjs'");
  });
});
