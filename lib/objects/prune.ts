/**
 * Pruning an ApplySet: the members on the cluster (objects carrying the set's part-of label, of
 * the group-kinds and in the namespaces the parent records) that the inventory no longer
 * declares. Only labelled objects are ever listed, so nothing capstan did not apply is touched;
 * a member annotated `capstan.io/prune: "false"` is kept and reported.
 */
import { KubeError } from '../errors.ts';
import type { KubeApi } from '../kube/client.ts';
import type { KubeObject } from '../kube/types.ts';
import { APPLYSET_PART_OF, PRUNE_ANNOTATION, type ApplySetRef, type ApplySetState } from './applyset.ts';
import { schemaBundle } from './bundle/index.ts';
import { deleteOrder } from './order.ts';
import { groupOf } from './validate.ts';

export const identity = (o: Pick<KubeObject, 'apiVersion' | 'kind' | 'metadata'>): string =>
  `${groupOf(o.apiVersion)}/${o.kind}/${o.metadata.namespace ?? ''}/${o.metadata.name}`;

interface KindRef { apiVersion: string; kind: string; namespaced: boolean }

/** An apiVersion to list a `Kind.group` with: one the inventory uses, else one the bundle knows. */
function kindRef(gk: string, members: readonly KubeObject[]): KindRef | undefined {
  const [kind, ...rest] = gk.split('.');
  const group = rest.join('.');
  const entries = Object.entries(schemaBundle().kinds).filter(([k]) => k.endsWith(`/${kind}`) && groupOf(k.slice(0, -kind!.length - 1)) === group);
  const used = members.find((m) => m.kind === kind && groupOf(m.apiVersion) === group)?.apiVersion;
  const pick = entries.find(([k]) => k === `${used}/${kind}`) ?? entries.find(([k]) => /\/v1\/[^/]+$|^v1\//.test(k)) ?? entries[0];
  return pick ? { apiVersion: pick[0].slice(0, -kind!.length - 1), kind: kind!, namespaced: pick[1].namespaced } : undefined;
}

export interface PruneCandidates {
  readonly prune: KubeObject[];
  /** Members left in place because they opted out. */
  readonly kept: KubeObject[];
}

interface Scan { readonly k: KindRef; readonly namespace: string | undefined }

/** The set's labelled objects of each (kind, namespace), keyed `apiVersion/kind/namespace`. */
export type MemberLists = ReadonlyMap<string, readonly KubeObject[]>;

const scanKey = ({ k, namespace }: Scan): string => `${k.apiVersion}/${k.kind}/${namespace ?? ''}`;

/** Every (kind, namespace) a set in `state` may hold members in. */
function scansOf(ref: ApplySetRef, state: ApplySetState, desired: readonly KubeObject[]): Scan[] {
  return state.groupKinds.flatMap((gk) => {
    const k = kindRef(gk, desired);
    if (!k) return [];
    return (k.namespaced ? [ref.namespace, ...state.namespaces] : [undefined]).map((namespace) => ({ k, namespace }));
  });
}

/** A kind the server no longer serves (its CRD was removed) has no members left to prune. */
const kindGone = (err: unknown) => err instanceof KubeError && !!err.hint?.includes('CustomResourceDefinition');
const forbidden = (err: unknown) => err instanceof KubeError && err.status === 403;

/**
 * The set's labelled objects of one kind in each of `scans`' namespaces. A namespaced kind looked
 * for in several namespaces is ONE list across namespaces, split by namespace (only the
 * namespaces asked for are kept, as with one list each); a user who may not list across
 * namespaces (403) gets one list per namespace, as kubectl's ApplySet prune does.
 */
async function listKind(api: KubeApi, scans: readonly Scan[], labelSelector: string): Promise<(readonly KubeObject[])[]> {
  const k = scans[0]!.k;
  const one = async (namespace: string | undefined): Promise<KubeObject[]> => {
    try {
      return (await api.list(k.apiVersion, k.kind, { ...(namespace ? { namespace } : {}), labelSelector })).items;
    } catch (err) {
      if (kindGone(err)) return [];
      throw err;
    }
  };
  if (!k.namespaced || scans.length < 2) return Promise.all(scans.map((s) => one(s.namespace)));
  let all: KubeObject[];
  try {
    all = await one(undefined);
  } catch (err) {
    if (!forbidden(err)) throw err;
    return Promise.all(scans.map((s) => one(s.namespace)));
  }
  return scans.map((s) => all.filter((o) => o.metadata.namespace === s.namespace));
}

/**
 * Lists the set's labelled objects of every (kind, namespace) of `state` at once (a no-op's prune
 * is these reads only), leaving out what `known` already holds.
 */
export async function listMembers(api: KubeApi, ref: ApplySetRef, id: string, state: ApplySetState, desired: readonly KubeObject[], known: MemberLists = new Map()): Promise<MemberLists> {
  const labelSelector = `${APPLYSET_PART_OF}=${id}`;
  const byKind = new Map<string, Scan[]>();
  for (const s of scansOf(ref, state, desired)) {
    if (known.has(scanKey(s))) continue;
    const kindKey = `${s.k.apiVersion}/${s.k.kind}`;
    byKind.set(kindKey, [...(byKind.get(kindKey) ?? []), s]);
  }
  const groups = [...byKind.values()];
  const listed = await Promise.all(groups.map((scans) => listKind(api, scans, labelSelector)));
  return new Map([...known, ...groups.flatMap((scans, g) => scans.map((s, i) => [scanKey(s), listed[g]![i]!] as const))]);
}

/** The set's members on the cluster that `desired` does not hold (`known`: lists made already, e.g. beside the parent's read). */
export async function pruneCandidates(api: KubeApi, ref: ApplySetRef, id: string, state: ApplySetState, desired: readonly KubeObject[], known?: MemberLists): Promise<PruneCandidates> {
  const want = new Set(desired.map(identity));
  const lists = await listMembers(api, ref, id, state, desired, known);
  const scans = scansOf(ref, state, desired);
  const listed = scans.map((s) => lists.get(scanKey(s)) ?? []);
  const prune: KubeObject[] = [];
  const kept: KubeObject[] = [];
  scans.forEach(({ k }, i) => {
    for (const live of listed[i]!) {
      const item = { ...live, apiVersion: k.apiVersion, kind: k.kind };
      if (want.has(identity(item)) || live.metadata.labels?.[APPLYSET_PART_OF] !== id) continue;
      (live.metadata.annotations?.[PRUNE_ANNOTATION] === 'false' ? kept : prune).push(item);
    }
  });
  return { prune: deleteOrder(prune), kept };
}

/** Deletes the candidates (unless check); returns what went or would go. */
export async function pruneMembers(api: KubeApi, candidates: readonly KubeObject[], check: boolean): Promise<KubeObject[]> {
  const gone: KubeObject[] = [];
  for (const obj of candidates) {
    if (check || (await api.delete(obj))) gone.push(obj);
  }
  return gone;
}
