/**
 * haproxy: puts the generated haproxy.cfg on the `loadbalancers` hosts over SSH, validated with
 * `haproxy -c` before it replaces anything, then reloads HAProxy (see deploy.ts).
 */
import { haproxyConfig } from '../../lib/lb/generate.ts';
import { defineRole } from '../../lib/role.ts';
import { lbInput, lbValidate } from '../../lib/lb/role-input.ts';
import { deployHaproxy } from './deploy.ts';
import { haproxyRoleVars } from './vars.ts';

export default defineRole({
  name: 'haproxy',
  description: 'Deploy the generated haproxy.cfg to the load balancers: validate, swap atomically with a backup, reload',
  tags: ['haproxy', 'lb-deploy'],
  vars: haproxyRoleVars,
  validate: (vars, ctx) => lbValidate(vars, ctx),
  tasks(vars, ctx) {
    // Rendered once, here: a bad node list or template is an input error before anything connects.
    const { model, text } = haproxyConfig(lbInput(vars, ctx), ctx.inventoryDir, { checkVars: false });
    const plan = { text, secret: model.stats !== undefined };
    return [{
      name: 'deploy haproxy.cfg',
      usesHost: true,
      describe: () => [
        { kind: 'file', path: vars.haproxy_config_path, content: plan.text },
        { kind: 'command', text: `${vars.haproxy_bin} -c -f ${vars.haproxy_config_path}.capstan-new-<random>, then install and reload` },
      ],
      run: (tctx) => deployHaproxy(tctx, vars, plan),
    }];
  },
});
