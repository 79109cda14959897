// The reset playbook's role: k3s's own uninstall scripts on every node, k3s data removed, and the
// cluster's entry removed from the controller's kubeconfig(s). Asks for confirmation on a
// terminal unless k3s_reset_confirm is true (-e k3s_reset_confirm=true). See docs/k3s.md.
import { defineRole } from '../../../lib/role.ts';
import { k3sVars } from '../vars.ts';
import { resetTasks } from './tasks.ts';

const { k3s_server_group, k3s_agent_group, kubeconfig, kubeconfig_merge, cluster_context, systemd_dir, k3s_reset_confirm } = k3sVars;

export default defineRole({
  name: 'k3s/reset',
  description: 'remove k3s from every node (uninstall scripts, data) and the cluster from the kubeconfig',
  tags: ['k3s/reset', 'reset'],
  vars: { k3s_server_group, k3s_agent_group, kubeconfig, kubeconfig_merge, cluster_context, systemd_dir, k3s_reset_confirm },
  tasks: resetTasks,
});
