// k3s on bare metal over SSH (homelab bootstrap), in k3s-ansible's inventory shape. See docs/k3s.md.
import { defineRole } from '../../lib/role.ts';
import { k3sTasks } from './tasks.ts';
import { validateK3s } from './validate.ts';
import { k3sVars } from './vars.ts';

export default defineRole({
  name: 'k3s',
  description: 'k3s servers and agents from bare metal over SSH: prerequisites, install (URL or air-gapped), HA join, kubeconfig',
  tags: ['k3s'],
  // every node waits for its Node to be Ready through the API (wait.ts)
  usesCluster: true,
  vars: k3sVars,
  validate: validateK3s,
  tasks: k3sTasks,
});
