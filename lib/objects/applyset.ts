/**
 * The ApplySet convention (KEP-3659, what `kubectl apply --prune --applyset` uses), so pruning
 * deletes only what capstan applied: a parent object (a ConfigMap) labelled with the set's id
 * and annotated with the group-kinds and namespaces its members use, and a `part-of` label on
 * every member. kubectl can list or prune the same set (`--applyset=configmap/<name> -n <ns>`).
 */
import { createHash } from 'node:crypto';
import type { KubeObject } from '../kube/types.ts';
import { groupOf } from './validate.ts';

export const APPLYSET_ID = 'applyset.kubernetes.io/id';
export const APPLYSET_PART_OF = 'applyset.kubernetes.io/part-of';
export const APPLYSET_TOOLING = 'applyset.kubernetes.io/tooling';
export const APPLYSET_GROUP_KINDS = 'applyset.kubernetes.io/contains-group-kinds';
export const APPLYSET_NAMESPACES = 'applyset.kubernetes.io/additional-namespaces';
/** Per-object opt-out: a live object annotated `capstan.io/prune: "false"` is never pruned. */
export const PRUNE_ANNOTATION = 'capstan.io/prune';
export const TOOLING = 'capstan/v0.1.0';

export interface ApplySetRef {
  readonly name: string;
  readonly namespace: string;
}

/** The set's id: `applyset-<base64url(sha256(name.namespace.kind.group))>-v1`, as the KEP defines it. */
export function applySetId(ref: ApplySetRef): string {
  const digest = createHash('sha256').update(`${ref.name}.${ref.namespace}.ConfigMap.`).digest('base64url');
  return `applyset-${digest}-v1`;
}

/** `Kind.group` (`Deployment.apps`, `ConfigMap`), as the group-kinds annotation lists them. */
export function groupKind(o: Pick<KubeObject, 'apiVersion' | 'kind'>): string {
  const g = groupOf(o.apiVersion);
  return g ? `${o.kind}.${g}` : o.kind;
}

/** The member as applied: the desired object with the set's part-of label. */
export function asMember(o: KubeObject, id: string): KubeObject {
  return { ...o, metadata: { ...o.metadata, labels: { ...o.metadata.labels, [APPLYSET_PART_OF]: id } } };
}

export interface ApplySetState {
  groupKinds: string[];
  namespaces: string[];
}

/** What a live parent says the set holds (empty when there is no parent yet). */
export function parentState(parent: KubeObject | undefined): ApplySetState {
  const split = (v: string | undefined) => (v ? v.split(',').filter(Boolean) : []);
  const a = parent?.metadata.annotations ?? {};
  return { groupKinds: split(a[APPLYSET_GROUP_KINDS]), namespaces: split(a[APPLYSET_NAMESPACES]) };
}

/** The state of a set of members: their group-kinds and the namespaces other than the parent's. */
export function membersState(members: readonly KubeObject[], ref: ApplySetRef): ApplySetState {
  const kinds = new Set(members.map(groupKind));
  const namespaces = new Set(members.map((m) => m.metadata.namespace).filter((n): n is string => !!n && n !== ref.namespace));
  return { groupKinds: [...kinds].sort(), namespaces: [...namespaces].sort() };
}

export function unionState(a: ApplySetState, b: ApplySetState): ApplySetState {
  return { groupKinds: [...new Set([...a.groupKinds, ...b.groupKinds])].sort(), namespaces: [...new Set([...a.namespaces, ...b.namespaces])].sort() };
}

export function sameState(a: ApplySetState, b: ApplySetState): boolean {
  return a.groupKinds.join(',') === b.groupKinds.join(',') && a.namespaces.join(',') === b.namespaces.join(',');
}

/** The parent ConfigMap recording `state`. */
export function parentObject(ref: ApplySetRef, state: ApplySetState): KubeObject {
  return {
    apiVersion: 'v1', kind: 'ConfigMap',
    metadata: {
      name: ref.name, namespace: ref.namespace,
      labels: { [APPLYSET_ID]: applySetId(ref), 'app.kubernetes.io/managed-by': 'capstan' },
      annotations: { [APPLYSET_TOOLING]: TOOLING, [APPLYSET_GROUP_KINDS]: state.groupKinds.join(','), [APPLYSET_NAMESPACES]: state.namespaces.join(',') },
    },
  };
}
