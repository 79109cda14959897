/** haproxy role vars: the generation vars of lb-config plus where and how the config is deployed. */
import { z } from 'zod';
import { lbVars } from '../../lib/lb/vars.ts';
import { defineVars } from '../../lib/vars/schema.ts';
import type { VarsOf } from '../../lib/vars/schema.ts';
import { absolutePath, commandName, rule } from '../../lib/vars/types.ts';

/** A systemd unit name, as systemctl takes it. */
const unitName = rule(z.string(), (v) => /^[A-Za-z0-9_][A-Za-z0-9@._:-]*$/.test(v) ? undefined
  : `${JSON.stringify(v)} is not a systemd unit name; use letters, digits, '@', '.', '_', ':' and '-', like haproxy`, 'systemd unit');


export const haproxyDeployVars = defineVars({
  haproxy_config_path: { schema: absolutePath, default: '/etc/haproxy/haproxy.cfg', description: 'Path of the HAProxy config on the load balancers' },
  haproxy_bin: { schema: commandName, default: 'haproxy', description: 'HAProxy binary (validates the uploaded config with -c -f)' },
  haproxy_service: { schema: unitName, default: 'haproxy', description: 'systemd unit reloaded after a change (hosts with systemd)' },
  haproxy_reload_command: {
    schema: z.tuple([commandName], z.string().min(1)), optional: true,
    description: 'Reload command as a word list (each word quoted; no shell) for hosts without systemd',
    example: ['sh', '-c', 'haproxy -D -f /etc/haproxy/haproxy.cfg -p /run/haproxy.pid -sf $(cat /run/haproxy.pid)'],
  },
  haproxy_backup: { schema: z.boolean(), default: true, description: 'Keep the replaced config as <path>.<timestamp>.bak (0600; a rotated-out stats password is replaced by the current one)' },
  haproxy_backup_keep: { schema: z.number().int().min(1), default: 5, description: 'How many backups of the config to keep; older ones are removed after a successful reload' },
  haproxy_command_timeout: { schema: z.number().int().min(1), default: 60, description: 'Seconds allowed for the validate and reload commands' },
});

export const haproxyRoleVars = defineVars({ ...lbVars, ...haproxyDeployVars });
export type HaproxyRoleVars = VarsOf<typeof haproxyRoleVars>;
