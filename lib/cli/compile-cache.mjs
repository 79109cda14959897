/**
 * Preloaded by the npm scripts and bin/capstan.js (`node --import ./lib/cli/compile-cache.mjs ...`):
 * turns on Node's on-disk compile cache before the CLI's module graph loads, so later runs reuse
 * every module's compiled code AND its stripped TypeScript. Plain JavaScript on purpose: a .ts
 * preload is itself stripped before the cache is on, which starts Node's type stripper (a
 * WebAssembly module compiled on every start, ~50 ms CPU) in every run; with this file, a run
 * whose .ts files are all in the cache never starts it (test/lib/cli/compile-cache.test.ts).
 */
import module from 'node:module';

module.enableCompileCache?.();
