// The suite's sequencer (test/support/slowest-first.ts): with no results cache (a fresh clone) the
// known-slow int files start first, longest first, after the unit project; with a cache, vitest's
// own order (by the durations it measured) is kept.
import { expect, it } from 'vitest';
import type { TestSpecification, Vitest } from 'vitest/node';
import SlowestFirst from '../support/slowest-first.ts';

const root = '/repo';
function spec(project: string, groupOrder: number, file: string, size: number): TestSpecification {
  return { project: { name: project, config: { sequence: { groupOrder }, isolate: true } }, moduleId: `${root}/${file}`, size } as unknown as TestSpecification;
}
function sequencer(cached: boolean, files: TestSpecification[]): SlowestFirst {
  const size = new Map(files.map((f) => [`${f.project.name}:${f.moduleId.slice(root.length + 1)}`, (f as unknown as { size: number }).size]));
  const ctx = {
    config: { root },
    cache: {
      getFileTestResults: (key: string) => (cached ? { failed: false, duration: size.get(key) ?? 0 } : undefined),
      getFileStats: (key: string) => ({ size: size.get(key) ?? 0 }),
    },
  };
  return new SlowestFirst(ctx as unknown as Vitest);
}
const names = (files: TestSpecification[]) => files.map((f) => f.moduleId.slice(root.length + 1));

const files = [
  spec('int', 1, 'test/lab/demo.int.test.ts', 100),
  spec('unit', 0, 'test/a.test.ts', 300),
  spec('int', 1, 'test/big-but-fast.int.test.ts', 900),
  spec('int', 1, 'test/lib/cli/bad-input.int.test.ts', 200),
];

it('a fresh clone: unit files first, then the known-slow int files longest first, then the rest by size', async () => {
  expect(names(await sequencer(false, files).sort(files))).toEqual([
    'test/a.test.ts', 'test/lab/demo.int.test.ts', 'test/lib/cli/bad-input.int.test.ts', 'test/big-but-fast.int.test.ts',
  ]);
});

it('with a results cache, vitest\'s order by measured duration is kept', async () => {
  expect(names(await sequencer(true, files).sort(files))).toEqual([
    'test/a.test.ts', 'test/big-but-fast.int.test.ts', 'test/lib/cli/bad-input.int.test.ts', 'test/lab/demo.int.test.ts',
  ]);
});
