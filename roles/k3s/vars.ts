/**
 * The k3s role's vars, in k3s-ansible's names (k3s_version, api_endpoint, token, extra_server_args,
 * server_config_yaml, ...). Single source for validation, docs and the sample inventory.
 */
import { z } from 'zod';
import { clusterVars } from '../../lib/kube/vars.ts';
import { platform } from '../../lib/vars/platform.ts';
import { defineVars, type VarsOf } from '../../lib/vars/schema.ts';
import { absolutePath, commandName, controllerPath, hostOrIp, kernelModule, nodeName } from '../../lib/vars/types.ts';

/** YAML given either as a string (k3s-ansible's `server_config_yaml: |`) or as a mapping. */
const yamlBlock = z.union([z.string(), z.record(z.string(), z.unknown())]);
/** Extra k3s arguments: a string of words (k3s-ansible) or a list (one argument each). */
const args = z.union([z.string(), z.array(z.string())]);

export const k3sVars = defineVars({
  k3s_version: {
    schema: z.string().regex(/^v\d+\.\d+\.\d+(-rc\d+)?\+k3s\d+$/, 'a pinned k3s release such as v1.31.4+k3s1'),
    description: 'The k3s release to install and keep (pinned, e.g. v1.31.4+k3s1).',
    example: 'v1.31.4+k3s1',
  },
  ...platform('k3s_server_group', 'k3s_agent_group', 'api_port'),
  api_endpoint: {
    schema: hostOrIp, optional: true,
    description: 'Address (or VIP / DNS name) of the Kubernetes API; default: the first server\'s address.',
  },
  token: {
    schema: z.string().min(8), optional: true, secret: true,
    description: 'Cluster join token (from vault). Absent: generated once, stored on the first server and read back; never printed.',
  },
  extra_server_args: { schema: args, default: '', description: 'Extra `k3s server` arguments, one word each (never evaluated by a shell).' },
  extra_agent_args: { schema: args, default: '', description: 'Extra `k3s agent` arguments, one word each (never evaluated by a shell).' },
  server_config_yaml: { schema: yamlBlock, optional: true, description: 'Extra keys for the servers\' /etc/rancher/k3s/config.yaml.' },
  agent_config_yaml: { schema: yamlBlock, optional: true, description: 'Extra keys for the agents\' /etc/rancher/k3s/config.yaml.' },
  registries_config_yaml: { schema: yamlBlock, optional: true, description: 'Content of /etc/rancher/k3s/registries.yaml (mirrors, private registries).' },
  extra_service_envs: {
    schema: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*=/, 'KEY=value')), default: [],
    description: 'Environment of the k3s service (e.g. HTTP_PROXY=...), written to the service env file.',
  },
  k3s_disable: {
    schema: z.array(z.string().min(1)), optional: true,
    description: 'Packaged components to disable; default: those the enabled roles replace (servicelb while metallb_state is present, traefik while Istio or ingress-nginx is on).',
  },
  tls_san: { schema: z.array(hostOrIp), default: [], description: 'Extra names/IPs for the API server certificate (api_endpoint is always added).' },
  k3s_node_name: { schema: nodeName, optional: true, description: 'Kubernetes node name of this host; default: its inventory name.' },
  kubeconfig: clusterVars.kubeconfig,
  kubeconfig_merge: { schema: controllerPath, optional: true, description: 'Also merge the context into this kubeconfig (e.g. ~/.kube/config).' },
  cluster_context: { schema: z.string().min(1), default: 'k3s', description: 'Name of the kubeconfig context (and cluster and user) for this cluster.' },
  k3s_install_script_url: { schema: z.string().url(), default: 'https://get.k3s.io', description: 'The k3s install script (a mirror for restricted sites).' },
  airgap_dir: {
    schema: controllerPath, optional: true,
    description: 'Air-gapped install: a controller dir with k3s, install.sh and k3s-airgap-images-*; uploaded over SFTP.',
  },
  systemd_dir: { schema: absolutePath, default: '/etc/systemd/system', description: 'Where the service units and their env files live.' },
  k3s_kernel_modules: { schema: z.array(kernelModule), default: ['br_netfilter', 'overlay'], description: 'Kernel modules each node needs loaded.' },
  k3s_required_binaries: { schema: z.array(commandName), default: ['sh', 'curl'], description: 'Commands each node must have (curl only matters for URL installs).' },
  k3s_allow_swap: { schema: z.boolean(), default: false, description: 'Allow nodes with active swap (kubelet runs with failSwapOn=false).' },
  k3s_wait_timeout: { schema: z.number().int().positive(), default: 300, description: 'Seconds to wait for the API and for each node to be Ready.' },
  k3s_upgrade_drain: { schema: z.boolean(), default: false, description: 'upgrade: cordon and drain each node before upgrading it (pods evicted through the Eviction API, so PodDisruptionBudgets hold; DaemonSet pods stay), uncordon after.' },
  k3s_upgrade_drain_timeout: { schema: z.number().int().positive(), default: 300, description: 'upgrade: seconds a node\'s drain may take (evictions a PodDisruptionBudget refuses are asked again until then), as kubectl drain --timeout.' },
  k3s_reset_confirm: { schema: z.boolean(), default: false, description: 'reset: proceed without asking (-e k3s_reset_confirm=true); otherwise reset asks on a terminal and refuses without one.' },
});

/** The k3s role's typed vars. */
export type K3sVars = VarsOf<typeof k3sVars>;
