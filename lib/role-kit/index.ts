/**
 * The role kit: what a role needs beyond the contract (lib/role.ts), so a role touches only its
 * own folder. Helm releases, manifests (rendered through templates/object.yaml.hbs, applied after
 * their CRD), rollout waits and object metadata. docs/architecture.md › "Adding a role".
 */
export { helmEntry, helmTask, pinnedChart, type TaskOrdering } from './helm.ts';
export { applyTask, crdMissingInCheck, deleteTask, hasCrd, manifestEntries, type ApplyTaskOptions } from './manifests.ts';
export { describeObject } from '../kube/compare.ts';
export { MANAGED_BY, objectMeta } from './meta.ts';
export { deployments, readyTask, readyText, waitOptions, waitReady, type ReadySpec, type Workload, type WorkloadKind } from './ready.ts';
export { OBJECT_TEMPLATE, renderObjects, templateData, templateFile } from './render.ts';
export { exposedServices, replacedK3sComponents } from './platform.ts';
export { formatTable, type VerifyRow } from './verify-table.ts';
