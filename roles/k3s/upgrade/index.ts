// The upgrade playbook's role: the k3s role's tasks with a new k3s_version: the first server,
// then the other servers one at a time, then the agents, each waiting for Ready on the new
// version; with k3s_upgrade_drain each node is drained first and uncordoned after. See docs/k3s.md.
import { defineRole } from '../../../lib/role.ts';
import { k3sTasks } from '../tasks.ts';
import { validateK3s } from '../validate.ts';
import { k3sVars } from '../vars.ts';

export default defineRole({
  name: 'k3s/upgrade',
  description: 'upgrade k3s to k3s_version: servers one at a time, then agents, each waiting for Ready (optional drain)',
  tags: ['k3s/upgrade', 'k3s', 'upgrade'],
  vars: k3sVars,
  validate: validateK3s,
  tasks: (vars, ctx) => k3sTasks(vars, ctx, true),
});
