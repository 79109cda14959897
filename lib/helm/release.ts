/**
 * One Helm release, idempotently: facts (the deployed release from the run's release cache,
 * the chart identity read locally) → plan (pure) → apply (helm upgrade --install / uninstall)
 * unless --check. --diff gives the values diff and the manifest diff (deployed manifest against
 * a `helm template` render), without the helm-diff plugin.
 */
import { stringify } from 'yaml';
import type { TaskResult } from '../results.ts';
import type { HelmReleaseSpec } from '../kube/types.ts';
import type { KubeApi } from '../kube/client.ts';
import { unifiedDiff } from '../diff.ts';
import { resolveChart, type ResolvedChart } from './chart.ts';
import { helmFailure, type HelmExec } from './exec.ts';
import { diagnoseRelease, waitProgress } from './diagnose.ts';
import { templateArgs, uninstallArgs, upgradeArgs } from './flags.ts';
import { normalizeValues, planRelease, type HelmPlan } from './plan.ts';
import type { DeployedRelease, ReleaseStore } from './state.ts';

export interface HelmDeps {
  /** helm, started only when a release must change (or be rendered for --diff). */
  exec: () => HelmExec;
  store: ReleaseStore;
  api: KubeApi;
  chartDir: string | undefined;
  timeoutSeconds: number;
}

export interface ReleaseOptions {
  check: boolean;
  diff: boolean;
  log: (m: string) => void;
  signal?: AbortSignal;
}

/** Values as YAML with keys sorted (as Helm stores them), so a diff shows changes, not key order. */
function valuesYaml(values: Record<string, unknown>): string {
  return stringify(normalizeValues(values), { sortMapEntries: true });
}

/** Runs helm with the values in a private temp file (-f), removing the file after. */
async function withValues<T>(exec: HelmExec, values: Record<string, unknown>, fn: (file: string) => Promise<T>): Promise<T> {
  const tmp = await exec.tempFile('values.yaml', valuesYaml(values));
  try {
    return await fn(tmp.path);
  } finally {
    await tmp.remove();
  }
}

async function render(deps: HelmDeps, spec: HelmReleaseSpec, chart: ResolvedChart, signal?: AbortSignal): Promise<string> {
  const exec = deps.exec();
  const r = await withValues(exec, spec.values, (valuesFile) =>
    exec.run(templateArgs({ name: spec.name, namespace: spec.namespace, chartArgs: chart.args, valuesFile }), signal));
  if (r.code !== 0) throw helmFailure(`helm template ${spec.name}`, r, exec.where);
  return r.stdout;
}

async function releaseDiff(deps: HelmDeps, spec: HelmReleaseSpec, chart: ResolvedChart | undefined, deployed: DeployedRelease | undefined, signal?: AbortSignal): Promise<string> {
  const wantValues = spec.state === 'absent' ? {} : normalizeValues(spec.values);
  const values = unifiedDiff(`${spec.namespace}/${spec.name} values`, deployed ? valuesYaml(deployed.values) : '', valuesYaml(wantValues));
  const manifest = chart ? await render(deps, spec, chart, signal) : '';
  const manifests = unifiedDiff(`${spec.namespace}/${spec.name} manifest`, deployed?.manifest.trim() ?? '', manifest.trim());
  return [values, manifests].filter(Boolean).join('\n');
}

async function upgrade(deps: HelmDeps, spec: HelmReleaseSpec, chart: ResolvedChart, o: ReleaseOptions): Promise<DeployedRelease | undefined> {
  const exec = deps.exec();
  const major = await exec.major();
  const timeoutSeconds = spec.timeoutSeconds ?? deps.timeoutSeconds;
  const wait = spec.wait ?? true;
  o.log(`helm ${major}: upgrade --install ${spec.name} (${chart.from})${wait ? `, waiting up to ${timeoutSeconds}s` : ''}`);
  const r = await withValues(exec, spec.values, (valuesFile) => exec.run(upgradeArgs(major, {
    name: spec.name, namespace: spec.namespace, chartArgs: chart.args, valuesFile, timeoutSeconds, wait,
    createNamespace: spec.createNamespace ?? true,
  }), o.signal, waitProgress(o.log)));
  if (r.code !== 0) {
    const err = helmFailure(`helm upgrade --install ${spec.name}`, r, exec.where);
    const now = await deps.store.refresh(spec.namespace, spec.name);
    const notReady = await diagnoseRelease(deps.api, spec.namespace, spec.name, r.stderr)
      .catch((e: unknown) => [`(could not read the release's workloads: ${e instanceof Error ? e.message : String(e)})`]);
    const state = now ? `release now at revision ${now.revision}, status ${now.status}` : 'release not installed';
    err.message += `${notReady.length ? `\n  not ready: ${notReady.join('\n  not ready: ')}` : ''}\n  ${state}`;
    throw err;
  }
  return deps.store.refresh(spec.namespace, spec.name);
}

async function uninstall(deps: HelmDeps, spec: HelmReleaseSpec, o: ReleaseOptions): Promise<void> {
  const exec = deps.exec();
  const major = await exec.major();
  const r = await exec.run(uninstallArgs(major, {
    name: spec.name, namespace: spec.namespace, timeoutSeconds: spec.timeoutSeconds ?? deps.timeoutSeconds, wait: spec.wait ?? true,
  }), o.signal);
  if (r.code !== 0) throw helmFailure(`helm uninstall ${spec.name}`, r, exec.where);
  await deps.store.refresh(spec.namespace, spec.name);
}

function describePlan(spec: HelmReleaseSpec, plan: Exclude<HelmPlan, { action: 'none' }>, check: boolean, chart?: ResolvedChart, after?: DeployedRelease): string {
  const rel = `${spec.namespace}/${spec.name}`;
  if (plan.action === 'uninstall') return `${check ? 'would uninstall' : 'uninstalled'} ${rel}`;
  const what = `${rel} (${chart!.id.name} ${chart!.id.version})`;
  if (plan.action === 'install') return `${check ? 'would install' : 'installed'} ${what}${after ? `, revision ${after.revision}` : ''}`;
  return `${check ? 'would upgrade' : 'upgraded'} ${what}${after ? ` to revision ${after.revision}` : ''}, was ${plan.reason}`;
}

export async function helmRelease(deps: HelmDeps, spec: HelmReleaseSpec, o: ReleaseOptions): Promise<TaskResult> {
  const chart = spec.state === 'absent' ? undefined : resolveChart(spec.chart, deps.chartDir);
  const deployed = await deps.store.get(spec.namespace, spec.name);
  const plan = planRelease(spec, chart?.id, deployed);
  if (plan.action === 'none') return { status: 'ok', msg: plan.reason };
  const diff = o.diff ? await releaseDiff(deps, spec, chart, deployed, o.signal) : '';
  let after: DeployedRelease | undefined;
  if (!o.check) {
    if (plan.action === 'uninstall') await uninstall(deps, spec, o);
    else after = await upgrade(deps, spec, chart!, o);
  }
  const res: TaskResult = {
    status: 'changed',
    msg: describePlan(spec, plan, o.check, chart, after),
    data: { release: spec.name, namespace: spec.namespace, action: plan.action, ...(after ? { revision: after.revision } : {}) },
  };
  if (diff) res.diff = diff;
  return res;
}
