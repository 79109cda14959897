// The reset playbook's role: k3s's own uninstall scripts on every node, k3s data removed, and the
// cluster's entry removed from the controller's kubeconfig(s). Asks for confirmation on a
// terminal unless k3s_reset_confirm is true (-e k3s_reset_confirm=true). See docs/k3s.md.
import { defineRole } from '../../../lib/role.ts';
import { k3sVars } from '../vars.ts';
import { resetTasks } from './tasks.ts';

// every k3s var is accepted (the same inventory), k3s_version is not needed to remove k3s
const vars = { ...k3sVars, k3s_version: { ...k3sVars.k3s_version, optional: true as const } };

export default defineRole({
  name: 'k3s/reset',
  description: 'remove k3s from every node (uninstall scripts, data) and the cluster from the kubeconfig',
  tags: ['k3s/reset', 'reset'],
  vars,
  tasks: resetTasks,
});
