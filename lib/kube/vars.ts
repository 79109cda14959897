/**
 * Cluster-access vars. Cluster roles spread `clusterVars` into their own var tables, so every
 * role that talks to the cluster accepts (and documents) the same names. openCluster reads them
 * from the host's resolved vars, applying these defaults when a role did not.
 */
import { z } from 'zod';
import { InputError, type Problem } from '../errors.ts';
import { defineVars, type VarDef } from '../vars/schema.ts';
import { parseVarValue } from '../vars/text.ts';
import { absolutePath, commandName, controllerPath } from '../vars/types.ts';
import type { RegistryVar, RepoVar } from '../helm/credentials.ts';

export const clusterVars = defineVars({
  kubeconfig: {
    schema: controllerPath,
    optional: true,
    description: 'Kubeconfig on the controller (`~` expanded): the cluster roles read it, the k3s role writes the cluster\'s context there (0600). Unset: they read $KUBECONFIG (several files merged as kubectl merges them), else ~/.kube/config, and k3s writes ~/.kube/config.new (k3s-ansible\'s default) and hands it to the later roles of the run.',
    example: '~/.kube/config',
  },
  kube_context: {
    schema: z.string().min(1),
    optional: true,
    description: 'Kubeconfig context to use (also --kube-context). Default: the kubeconfig\'s current-context.',
  },
  cluster_access: {
    schema: z.enum(['kubeconfig', 'ssh']),
    default: 'kubeconfig',
    description: 'How to reach the API: a kubeconfig on the controller, or over SSH to the first k3s server (its k3s.yaml, tunnelled).',
    docs: 'docs/cluster-access.md',
  },
  k3s_remote_kubeconfig: {
    schema: absolutePath,
    default: '/etc/rancher/k3s/k3s.yaml',
    description: 'With cluster_access: ssh (or helm_on_node), the kubeconfig read on the server node.',
  },
  helm_on_node: {
    schema: z.boolean(),
    default: false,
    description: 'Run helm on the k3s server node over SSH (for controllers without helm).',
  },
  helm_binary: {
    schema: commandName,
    default: 'helm',
    description: 'The helm executable (path or name on PATH); helm 3 and helm 4 are both supported.',
  },
  helm_chart_dir: {
    schema: controllerPath,
    optional: true,
    description: 'Take charts from this directory (a chart dir or .tgz whose Chart.yaml has the wanted name and version) instead of their repositories: air-gapped sites.',
  },
  helm_timeout: {
    schema: z.number().int().positive(),
    default: 300,
    description: 'Seconds helm waits for a release\'s workloads before failing and rolling back.',
  },
  helm_repositories: {
    schema: z.array(z.object({
      url: z.string().url(), username: z.string().optional(), password: z.string().optional(),
      ca_file: controllerPath.optional(), cert_file: controllerPath.optional(), key_file: controllerPath.optional(),
      insecure_skip_tls_verify: z.boolean().optional(),
    }).strict()),
    default: [],
    secret: true,
    description: 'Credentials of private chart repositories, by URL (keep passwords in vault); those in Helm\'s own repositories.yaml are used too.',
    docs: 'docs/helm.md#private-repositories-and-registries',
  },
  helm_registries: {
    schema: z.array(z.object({ host: z.string().min(1), username: z.string().min(1), password: z.string().min(1) }).strict()),
    default: [],
    secret: true,
    description: 'Logins of OCI registries for oci:// charts (keep passwords in vault); those in Helm\'s registry config are used too.',
    docs: 'docs/helm.md#private-repositories-and-registries',
  },
  helm_interrupt_grace: {
    schema: z.number().int().min(0).max(3600),
    default: 30,
    description: 'After Ctrl-C, seconds a running helm may go on to finish or roll back before it is stopped (a second Ctrl-C stops it at once).',
    docs: 'docs/reliability.md',
  },
  kube_apply_force: {
    schema: z.boolean(),
    default: false,
    description: 'Server-side apply takes over fields owned by another field manager instead of failing.',
  },
});

export interface ClusterSettings {
  kubeconfig: string | undefined;
  kube_context: string | undefined;
  cluster_access: 'kubeconfig' | 'ssh';
  k3s_remote_kubeconfig: string;
  helm_on_node: boolean;
  helm_binary: string;
  helm_chart_dir: string | undefined;
  helm_timeout: number;
  helm_repositories: RepoVar[];
  helm_registries: RegistryVar[];
  helm_interrupt_grace: number;
  kube_apply_force: boolean;
}

/** Reads the cluster vars of a host (defaults applied), reporting every bad value at once. */
export function clusterSettings(vars: Readonly<Record<string, unknown>>): ClusterSettings {
  const problems: Problem[] = [];
  const out: Record<string, unknown> = {};
  for (const [key, def] of Object.entries(clusterVars) as [string, VarDef][]) {
    const value = vars[key] ?? def.default;
    if (value === undefined) continue;
    const parsed = parseVarValue(def.schema, value);
    if (parsed.success) out[key] = parsed.data;
    else problems.push({ file: '', key, message: parsed.error.issues.map((i) => i.message).join('; ') });
  }
  if (problems.length) throw new InputError(problems, 'invalid cluster access vars');
  return out as unknown as ClusterSettings;
}
