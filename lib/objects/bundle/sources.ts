/**
 * Where the shipped schema bundle comes from (developers' machines only: ../shared). Built-in
 * kinds: the Kubernetes 1.35 OpenAPI v3 group files. Custom kinds: the CRDs of the pinned charts,
 * each naming the role that installs it, so the objects role orders itself after that role.
 *
 * Adding a chart's CRDs is one entry here, then `npm run schemas -- --write`.
 */
export const KUBERNETES_VERSION = '1.35';

/** The OpenAPI v3 group/version files under ../shared/k8s-openapi/v3. */
export const OPENAPI_DIR = 'k8s-openapi/v3';

export interface CrdSource {
  /** Chart directory under ../shared/charts. */
  readonly chart: string;
  /** The capstan role that installs these CRDs. */
  readonly role: string;
  /** Files holding the CRDs, relative to the chart; a trailing `*` matches by prefix. */
  readonly files: readonly string[];
}

export const CRD_SOURCES: readonly CrdSource[] = [
  { chart: 'istio-base', role: 'istio', files: ['files/crd-all.gen.yaml'] },
  { chart: 'cert-manager', role: 'cert-manager', files: ['templates/crd-*'] },
  { chart: 'seldon-core-v2-crds', role: 'seldon', files: ['templates/seldon-v2-crds.yaml'] },
  { chart: 'metallb', role: 'metallb', files: ['charts/crds/templates/crds.yaml'] },
];

/**
 * Enums the API server enforces for built-in kinds but the published OpenAPI does not list (they
 * live in the Go types' `+enum` markers and validation code). `Type.field` → allowed values.
 */
export const BUILTIN_ENUMS: Readonly<Record<string, readonly string[]>> = {
  'io.k8s.api.core.v1.ServiceSpec.type': ['ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'],
  'io.k8s.api.core.v1.ServiceSpec.externalTrafficPolicy': ['Cluster', 'Local'],
  'io.k8s.api.core.v1.ServiceSpec.internalTrafficPolicy': ['Cluster', 'Local'],
  'io.k8s.api.core.v1.ServiceSpec.sessionAffinity': ['ClientIP', 'None'],
  'io.k8s.api.core.v1.ServiceSpec.ipFamilyPolicy': ['SingleStack', 'PreferDualStack', 'RequireDualStack'],
  'io.k8s.api.core.v1.ServicePort.protocol': ['TCP', 'UDP', 'SCTP'],
  'io.k8s.api.core.v1.ContainerPort.protocol': ['TCP', 'UDP', 'SCTP'],
  'io.k8s.api.networking.v1.NetworkPolicyPort.protocol': ['TCP', 'UDP', 'SCTP'],
  'io.k8s.api.networking.v1.NetworkPolicySpec.policyTypes[]': ['Ingress', 'Egress'],
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec.accessModes[]': ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'],
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec.volumeMode': ['Filesystem', 'Block'],
  'io.k8s.api.core.v1.PersistentVolumeSpec.accessModes[]': ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'],
  'io.k8s.api.core.v1.PersistentVolumeSpec.persistentVolumeReclaimPolicy': ['Retain', 'Delete', 'Recycle'],
  'io.k8s.api.storage.v1.StorageClass.reclaimPolicy': ['Retain', 'Delete', 'Recycle'],
  'io.k8s.api.storage.v1.StorageClass.volumeBindingMode': ['Immediate', 'WaitForFirstConsumer'],
  'io.k8s.api.core.v1.Container.imagePullPolicy': ['Always', 'IfNotPresent', 'Never'],
  'io.k8s.api.core.v1.PodSpec.restartPolicy': ['Always', 'OnFailure', 'Never'],
  'io.k8s.api.core.v1.PodSpec.dnsPolicy': ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'],
  'io.k8s.api.apps.v1.DeploymentStrategy.type': ['Recreate', 'RollingUpdate'],
  'io.k8s.api.batch.v1.JobSpec.completionMode': ['NonIndexed', 'Indexed'],
  'io.k8s.api.batch.v1.CronJobSpec.concurrencyPolicy': ['Allow', 'Forbid', 'Replace'],
  'io.k8s.api.rbac.v1.RoleRef.kind': ['Role', 'ClusterRole'],
  'io.k8s.api.rbac.v1.Subject.kind': ['User', 'Group', 'ServiceAccount'],
};
