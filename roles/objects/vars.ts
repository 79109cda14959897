/**
 * objects role vars: the objects themselves (k8s_objects, plus <inventory>/manifests/), where a
 * namespaced object without a namespace goes, the ApplySet that prunes, health waits, and the
 * typed shortcuts (shortcut-vars.ts) for what the platform docs write over and over.
 */
import { z } from 'zod';
import { clusterVars } from '../../lib/kube/vars.ts';
import { defineVars, type VarsOf } from '../../lib/vars/schema.ts';
import { dns1123Label, dns1123Subdomain } from '../../lib/vars/types.ts';
import { appNamespace, appRbac, appService } from './shortcut-vars.ts';

export const objectsVars = defineVars({
  ...clusterVars,
  k8s_objects: {
    schema: z.array(z.record(z.string(), z.unknown())), default: [],
    description: 'Kubernetes objects to apply, in their native shape (apiVersion, kind, metadata, spec...), checked offline against the Kubernetes 1.35 and pinned CRD schemas',
    docs: 'docs/objects.md',
  },
  k8s_objects_namespace: {
    schema: z.union([dns1123Label, z.literal('')]), default: 'default',
    description: 'Namespace of a namespaced object that names none (as kubectl uses its context\'s namespace); \'\' makes a missing namespace an error',
  },
  k8s_objects_prune: {
    schema: z.boolean(), default: true,
    description: 'Delete objects capstan applied that the inventory no longer declares (ApplySet members only; an object annotated capstan.io/prune: "false" is kept)',
  },
  k8s_objects_applyset: {
    schema: dns1123Subdomain, default: 'capstan-objects',
    description: 'Name of the ApplySet parent ConfigMap that records what capstan applied (kubectl --applyset=configmap/<name> sees the same set)',
  },
  k8s_objects_applyset_namespace: {
    schema: dns1123Label, default: 'kube-system', description: 'Namespace of the ApplySet parent ConfigMap (must exist)',
  },
  k8s_objects_wait: {
    schema: z.boolean(), default: true, description: 'Wait until every applied object is healthy by its kind\'s rule (docs/objects.md#health)',
  },
  k8s_objects_wait_timeout: {
    schema: z.number().int().positive(), default: 300, description: 'Seconds to wait for the objects to become healthy before failing, naming what is pending',
  },
  k8s_app_namespaces: {
    schema: z.array(appNamespace), default: [],
    description: 'Application namespaces: labels (istio-injection, PodSecurity, name=<ns>), a default-deny NetworkPolicy, DNS always allowed, per-app allow policies',
    docs: 'docs/objects.md#application-namespaces',
  },
  k8s_app_rbac: {
    schema: z.array(appRbac), default: [],
    description: 'Per-application RBAC: a ServiceAccount, a Role with these rules and the RoleBinding between them',
    docs: 'docs/objects.md#rbac-per-application',
  },
  k8s_services: {
    schema: z.array(appService), default: [],
    description: 'Services: ClusterIP, headless, ExternalName, NodePort or LoadBalancer, with Prometheus scrape annotations',
    docs: 'docs/objects.md#services',
  },
});

export type ObjectsVars = VarsOf<typeof objectsVars>;
