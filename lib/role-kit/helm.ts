/**
 * Helm in a role: a chart pinned in its repository, the --plan entry of a release, and the task
 * that brings one release to its spec (--check and --diff aware).
 */
import type { ChartSource, HelmReleaseSpec } from '../kube/types.ts';
import type { PlanEntry, Task } from '../role.ts';

/**
 * A chart pinned in its repository. With helm_chart_dir set, lib/helm takes the chart of that
 * name and version from the directory instead (air-gapped sites, tests: /work/shared/charts/...).
 */
export function pinnedChart(repo: string, name: string, version: string): ChartSource {
  return { repo, name, version };
}

/** What --plan prints for a release: chart, version, values, state. */
export function helmEntry(spec: HelmReleaseSpec): PlanEntry {
  const chart = 'path' in spec.chart ? spec.chart.path : 'oci' in spec.chart ? spec.chart.oci : `${spec.chart.repo} ${spec.chart.name}`;
  const version = 'version' in spec.chart ? spec.chart.version : undefined;
  return { kind: 'helm', release: spec.name, namespace: spec.namespace, chart, ...(version ? { version } : {}), values: spec.values, state: spec.state ?? 'present' };
}

export type TaskOrdering = Pick<Task, 'concurrent' | 'after' | 'skipReason'>;

/** One Helm release brought to its spec; `opts` adds ordering and a skip reason. */
export function helmTask(name: string, release: HelmReleaseSpec, opts: TaskOrdering = {}): Task {
  return {
    name, runOnce: true, ...opts,
    describe: () => [helmEntry(release)],
    run: async (ctx) => (await ctx.cluster()).helmRelease(release, { check: ctx.check, diff: ctx.diff, log: (m) => ctx.log.progress(m) }),
  };
}
