export { helmRelease, type HelmDeps, type ReleaseOptions } from './release.ts';
export { localHelm, nodeHelm, parseHelmMajor, type HelmExec } from './exec.ts';
export { releaseStore, decodeRelease, type DeployedRelease, type ReleaseStore } from './state.ts';
export { planRelease, changedPaths, normalizeValues, type HelmPlan } from './plan.ts';
export { upgradeArgs, templateArgs, uninstallArgs, waitFlags } from './flags.ts';
export { resolveChart, localChartId, type ChartId, type ResolvedChart } from './chart.ts';
