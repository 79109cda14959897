/**
 * One Helm release, idempotently: facts (the deployed release from the run's release cache,
 * the chart identity read locally) → plan (pure) → apply (helm upgrade --install / uninstall)
 * unless --check. --diff gives the values diff and the manifest diff (deployed manifest against
 * a `helm template` render), without the helm-diff plugin.
 */
import { stringify } from 'yaml';
import type { TaskResult } from '../results.ts';
import type { HelmReleaseSpec, Waiter } from '../kube/types.ts';
import type { KubeApi } from '../kube/client.ts';
import { unifiedDiff } from '../diff.ts';
import { resolveChart, type ResolvedChart } from './chart.ts';
import type { HelmAuth } from './credentials.ts';
import { HelmError } from '../errors.ts';
import { helmFailure, type HelmExec } from './exec.ts';
import { diagnoseRelease, waitProgress } from './diagnose.ts';
import { rollbackArgs, templateArgs, uninstallArgs, upgradeArgs } from './flags.ts';
import { guardedHelm, type HelmInterrupt } from './interrupt.ts';
import { planRecovery } from './recover.ts';
import { normalizeValues, planRelease, type HelmPlan } from './plan.ts';
import type { DeployedRelease, ReleaseStore } from './state.ts';
import { manifestCrds } from './crds.ts';

export interface HelmDeps {
  /** helm, started only when a release must change (or be rendered for --diff). */
  exec: () => HelmExec;
  store: ReleaseStore;
  api: KubeApi;
  chartDir: string | undefined;
  timeoutSeconds: number;
  /** Private repositories and registries (lib/helm/credentials.ts); absent: charts as given. */
  auth?: HelmAuth;
  /** Waits (watch-based, bounded) until a CRD is Established: after a release installed without helm's wait (crds.ts). */
  crdEstablished?: Waiter['crdEstablished'];
}

/** The chart as helm gets it: by repository name when the repository needs credentials (updated first). */
async function helmChart(deps: HelmDeps, exec: HelmExec, chart: ResolvedChart, signal?: AbortSignal): Promise<ResolvedChart> {
  if (!deps.auth) return chart;
  const c = deps.auth.chart(chart);
  await deps.auth.prepare(exec, signal);
  return c;
}

export interface ReleaseOptions {
  check: boolean;
  diff: boolean;
  log: (m: string) => void;
  /** The run's stop signal (first Ctrl-C): a running helm may finish within graceSeconds. */
  signal?: AbortSignal;
  /** Stop a running helm at once (second Ctrl-C). */
  force?: AbortSignal;
  /** helm_interrupt_grace (default 30). */
  graceSeconds?: number;
  /** Where Ctrl-C messages go (always shown); default log. */
  say?: (m: string) => void;
}

const interruptOf = (o: ReleaseOptions): HelmInterrupt => ({
  ...(o.signal ? { signal: o.signal } : {}), ...(o.force ? { force: o.force } : {}), graceSeconds: o.graceSeconds ?? 30, log: o.say ?? o.log,
});

/** The release's state as its Secrets say now, for "the release is left ..." messages. */
const stateOf = (deps: HelmDeps, spec: HelmReleaseSpec) => async (): Promise<string> => {
  const now = await deps.store.refresh(spec.namespace, spec.name);
  return now ? `at revision ${now.revision}, status ${now.status}` : 'not installed (no release record)';
};

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

async function render(deps: HelmDeps, spec: HelmReleaseSpec, given: ResolvedChart, signal?: AbortSignal): Promise<string> {
  const exec = deps.exec();
  const chart = await helmChart(deps, exec, given, signal);
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

async function upgrade(deps: HelmDeps, spec: HelmReleaseSpec, given: ResolvedChart, o: ReleaseOptions): Promise<DeployedRelease | undefined> {
  const exec = deps.exec();
  const chart = await helmChart(deps, exec, given, o.signal);
  const major = await exec.major();
  const timeoutSeconds = spec.timeoutSeconds ?? deps.timeoutSeconds;
  const wait = spec.wait ?? true;
  o.log(`helm ${major}: upgrade --install ${spec.name} (${chart.from})${wait ? `, waiting up to ${timeoutSeconds}s` : ''}`);
  const r = await guardedHelm(`helm upgrade --install ${spec.namespace}/${spec.name}`, interruptOf(o), (stop) =>
    withValues(exec, spec.values, (valuesFile) => exec.run(upgradeArgs(major, {
      name: spec.name, namespace: spec.namespace, chartArgs: chart.args, valuesFile, timeoutSeconds, wait,
      createNamespace: spec.createNamespace ?? true, clientSideApply: spec.clientSideApply ?? false,
    }), stop, waitProgress(o.log))), stateOf(deps, spec));
  if (r.code !== 0) {
    const err = helmFailure(`helm upgrade --install ${spec.name}`, r, exec.where);
    const now = await deps.store.refresh(spec.namespace, spec.name);
    const notReady = await diagnoseRelease(deps.api, spec.namespace, spec.name, r.stderr)
      .catch((e: unknown) => [`(could not read the release's workloads: ${e instanceof Error ? e.message : String(e)})`]);
    const state = now ? `release now at revision ${now.revision}, status ${now.status}` : 'release not installed';
    err.message += `${notReady.length ? `\n  not ready: ${notReady.join('\n  not ready: ')}` : ''}\n  ${state}`;
    throw err;
  }
  const after = await deps.store.refresh(spec.namespace, spec.name);
  const crds = !wait && after && deps.crdEstablished ? manifestCrds(after.manifest) : [];
  if (crds.length) {
    o.log(`waiting up to ${timeoutSeconds}s for ${crds.length} CRDs of ${spec.name} to be Established (capstan's watch, not helm's 2 s polling)`);
    await Promise.all(crds.map((name) => deps.crdEstablished!(name, { timeoutSeconds, log: o.log, ...(o.signal ? { signal: o.signal } : {}) })));
  }
  return after;
}

async function uninstall(deps: HelmDeps, spec: HelmReleaseSpec, o: ReleaseOptions): Promise<void> {
  const exec = deps.exec();
  const major = await exec.major();
  const r = await guardedHelm(`helm uninstall ${spec.namespace}/${spec.name}`, interruptOf(o), (stop) => exec.run(uninstallArgs(major, {
    name: spec.name, namespace: spec.namespace, timeoutSeconds: spec.timeoutSeconds ?? deps.timeoutSeconds, wait: spec.wait ?? true,
  }), stop), stateOf(deps, spec));
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

/**
 * A release an interrupted helm left stuck (recover.ts) is recovered first, saying what was done;
 * returns the release as it is after that, and the note for the result.
 */
async function recover(deps: HelmDeps, spec: HelmReleaseSpec, found: DeployedRelease | undefined, o: ReleaseOptions): Promise<{ deployed: DeployedRelease | undefined; note?: string }> {
  if (!found || found.status === 'deployed' || found.status === 'superseded') return { deployed: found };
  const r = planRecovery(found, await deps.store.history(spec.namespace, spec.name));
  if (r.action === 'none') return { deployed: found };
  const rel = `${spec.namespace}/${spec.name}`;
  if (o.check) return { deployed: r.action === 'uninstall' ? undefined : found, note: `would recover ${rel} (${r.reason})` };
  o.log(`recovering ${rel}: ${r.reason}`);
  const exec = deps.exec();
  const major = await exec.major();
  const base = { name: spec.name, namespace: spec.namespace, timeoutSeconds: spec.timeoutSeconds ?? deps.timeoutSeconds, wait: spec.wait ?? true };
  const args = r.action === 'uninstall' ? uninstallArgs(major, base) : rollbackArgs(major, { ...base, revision: r.revision });
  const what = `helm ${r.action === 'uninstall' ? 'uninstall' : `rollback to revision ${r.revision}`} ${rel}`;
  const out = await guardedHelm(what, interruptOf(o), (stop) => exec.run(args, stop), stateOf(deps, spec));
  if (out.code !== 0) {
    const err = helmFailure(`recovering ${rel} (${r.reason}): ${what}`, out, exec.where);
    throw new HelmError(err.message, { hint: 'the release stays as it was; see docs/reliability.md for what each stuck state means' });
  }
  const now = await deps.store.refresh(spec.namespace, spec.name);
  return { deployed: now, note: `recovered ${rel} (${r.reason}): ${what} done` };
}

export async function helmRelease(deps: HelmDeps, spec: HelmReleaseSpec, o: ReleaseOptions): Promise<TaskResult> {
  const chart = spec.state === 'absent' ? undefined : resolveChart(spec.chart, deps.chartDir);
  const { deployed, note } = await recover(deps, spec, await deps.store.get(spec.namespace, spec.name), o);
  const plan = planRelease(spec, chart?.id, deployed);
  if (plan.action === 'none') return { status: note && !o.check ? 'changed' : 'ok', msg: note ? `${note}; ${plan.reason}` : plan.reason };
  const diff = o.diff ? await releaseDiff(deps, spec, chart, deployed, o.signal) : '';
  let after: DeployedRelease | undefined;
  if (!o.check) {
    if (plan.action === 'uninstall') await uninstall(deps, spec, o);
    else after = await upgrade(deps, spec, chart!, o);
  }
  const res: TaskResult = {
    status: 'changed',
    msg: `${note ? `${note}; ` : ''}${describePlan(spec, plan, o.check, chart, after)}`,
    data: { release: spec.name, namespace: spec.namespace, action: plan.action, ...(after ? { revision: after.revision } : {}) },
  };
  if (diff) res.diff = diff;
  return res;
}
