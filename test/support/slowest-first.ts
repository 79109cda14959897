/**
 * Vitest's sequencer, for a clone whose results cache is empty (CI, a fresh checkout): vitest then
 * runs files largest on disk first, so a file that is short but slow (the demo's: 4 minutes in 136
 * lines) may start last and keep one worker busy alone at the end of `npm test`. Here the files
 * known to be slow start first, longest first, as vitest itself orders them once its cache holds
 * their durations (then its order is kept as it is).
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Seconds the slowest int files took in `npm test` (2 int workers, load ~8, 2026-12-02): only
 * their order matters. Refresh from the "slowest test files" line `npm test` prints.
 */
const KNOWN_SECONDS: Readonly<Record<string, number>> = {
  'test/lab/demo.int.test.ts': 235,
  'test/lib/cli/interrupt-helm.int.test.ts': 72,
  'test/lib/cli/bad-input.int.test.ts': 63,
  'test/lib/helm/stuck-release.int.test.ts': 57,
  'test/lab/report.int.test.ts': 49,
  'test/roles/serving/real-helm4.int.test.ts': 47,
  'test/roles/serving/real-helm3.int.test.ts': 47,
  'test/roles/istio/state-verify.int.test.ts': 44,
  'test/roles/istio/real-helm3.int.test.ts': 43,
  'test/roles/k3s/ha.int.test.ts': 42,
  'test/lib/helm/helm4.int.test.ts': 39,
  'test/roles/objects/cluster.int.test.ts': 37,
  'test/roles/k3s/lab.int.test.ts': 37,
  'test/roles/k3s/cluster-ssh.int.test.ts': 37,
  'test/lib/helm/helm3.int.test.ts': 31,
  'test/roles/istio/zero-trust-helm4.int.test.ts': 27,
  'test/roles/istio/real-helm4.int.test.ts': 27,
  'test/roles/k3s/addons.int.test.ts': 26,
  'test/roles/observability/cluster-helm4.int.test.ts': 23,
  'test/roles/seldon/real-helm4.int.test.ts': 22,
};

export default class SlowestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const key = (f: TestSpecification) => relative(this.ctx.config.root, f.moduleId);
    if (sorted.some((f) => this.ctx.cache.getFileTestResults(`${f.project.name}:${key(f)}`))) return sorted;
    // stable: projects keep their order (groupOrder), unknown files keep vitest's order after the known ones
    const rank = new Map(sorted.map((f, i) => [f, i]));
    const group = (f: TestSpecification) => sorted.findIndex((g) => g.project.name === f.project.name);
    return [...sorted].sort((a, b) => group(a) - group(b) || (KNOWN_SECONDS[key(b)] ?? 0) - (KNOWN_SECONDS[key(a)] ?? 0) || rank.get(a)! - rank.get(b)!);
  }
}
