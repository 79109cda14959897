/**
 * kwok's stages (how fake Nodes and Pods move through their lifecycle) as API objects, from
 * kwok's own "fast" set: Nodes become Ready at once, Pods of any controller are scheduled by the
 * real scheduler, then Running and Ready, Job pods Succeeded, deleted pods go.
 *
 * One change to kwok's pod-ready stage, so a test can keep a workload never ready (a bad image
 * on a real cluster): it skips pods whose workload key (`<namespace>/<Kind>/<name>`, Deployment
 * for a ReplicaSet owner) is listed in NEVER_READY's values, which neverReady() below extends.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { clusterCacheDir } from './versions.ts';
import type { ClusterApi } from './api.ts';
import { KWOK_CRD_FILES } from './port-forward.ts';

const STAGE_FILES = ['node-initialize.yaml', 'node-heartbeat-with-lease.yaml', 'pod-ready.yaml', 'pod-complete.yaml', 'pod-delete.yaml'];
const STAGES_PATH = '/apis/kwok.x-k8s.io/v1alpha1/stages';

/** jq: the workload a pod belongs to, as `<namespace>/<Kind>/<name>`. */
export const WORKLOAD_KEY = '.metadata.namespace + "/" + ((.metadata.ownerReferences // [])[0] // {} '
  + '| if .kind == "ReplicaSet" then "Deployment/" + (.name | sub("-[a-z0-9]+$"; "")) elif .kind then .kind + "/" + .name else "-" end)';
/** Placeholder: NotIn needs one value; no workload key looks like this. */
const NONE = '(none)';

export function kwokShareDir(): string {
  return join(clusterCacheDir(), 'share', 'kwok');
}

/** kwok's CRDs (Stage, PortForward, ClusterPortForward), as the build copied them from its module. */
export function kwokCrds(): any[] {
  return Object.values(KWOK_CRD_FILES).map((f) => {
    const file = join(kwokShareDir(), f);
    if (!existsSync(file)) throw new Error(`cluster: ${file} is missing: run \`npm run cluster -- build\` (it copies kwok's CRDs without rebuilding)`);
    return parse(readFileSync(file, 'utf8'));
  });
}

function neverReadyExpression(keys: readonly string[]) {
  return { key: WORKLOAD_KEY, operator: 'NotIn', values: keys.length > 0 ? [...keys] : [NONE] };
}

/** The stages, with pod-ready skipping the never-ready workloads. */
export function stages(neverReady: readonly string[] = []): any[] {
  return STAGE_FILES.map((f) => {
    const stage = parse(readFileSync(join(kwokShareDir(), f), 'utf8'));
    if (stage.metadata.name === 'pod-ready') stage.spec.selector.matchExpressions.push(neverReadyExpression(neverReady));
    return stage;
  });
}

export async function applyStages(api: ClusterApi): Promise<void> {
  for (const s of stages()) await api.apply(`${STAGES_PATH}/${s.metadata.name}`, s, 'capstan-cluster');
}

/**
 * Keep pods of a workload (`<namespace>/<Kind>/<name>`) from becoming ready from now on, on top
 * of those already listed in the cluster's pod-ready stage.
 */
export async function addNeverReady(api: ClusterApi, key: string): Promise<void> {
  const current = await api.must('GET', `${STAGES_PATH}/pod-ready`);
  const listed = (current.spec.selector.matchExpressions as any[]).find((e) => e.key === WORKLOAD_KEY)?.values as string[] | undefined;
  await setNeverReady(api, [...new Set([...(listed ?? []).filter((v) => v !== NONE), key])]);
}

/** Exactly these workloads are kept from becoming ready (none: every pod becomes ready again). */
export async function setNeverReady(api: ClusterApi, keys: readonly string[]): Promise<void> {
  const ready = stages(keys).find((s) => s.metadata.name === 'pod-ready');
  await api.apply(`${STAGES_PATH}/pod-ready`, ready, 'capstan-cluster');
}
