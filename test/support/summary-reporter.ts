/**
 * Prints one plain closing line after vitest's own summary: `tests: N passed, N failed, N skipped`.
 * CI reads that line; skipped tests are counted apart, never as passed. Before it, the slowest
 * test files (what `npm test`'s wall time is made of, for whoever makes the suite faster).
 */
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failed++;
        else skipped++;
      }
      if (m.state() === 'failed' && [...m.children.allTests()].length === 0) failed++;
    }
    const slowest = [...modules].map((m) => ({ file: m.relativeModuleId, ms: m.diagnostic().duration }))
      .sort((a, b) => b.ms - a.ms).slice(0, 12);
    if (modules.length > 1) {
      process.stdout.write(`\nslowest test files: ${slowest.map((f) => `${f.file} ${(f.ms / 1000).toFixed(1)} s`).join(', ')}\n`);
    }
    process.stdout.write(`\ntests: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
  }
}
