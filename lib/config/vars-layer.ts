/**
 * ansible.cfg's connection and become settings as Ansible applies them: below every inventory
 * var (`ansible_user` in host_vars beats `remote_user` in ansible.cfg, as in Ansible), above
 * ~/.ssh/config (they go on ssh's command line, as Ansible puts `-o User=` there). So they become
 * the lowest var layer, under the role defaults, with the names of the vars they stand for.
 */
import type { ResolveOptions, VarLayer } from '../inventory/types.ts';
import type { AnsibleConfig, AnsibleSettings } from './ansible-cfg.ts';

const VAR_OF: Readonly<Partial<Record<keyof AnsibleSettings, string>>> = {
  remoteUser: 'ansible_user',
  remotePort: 'ansible_port',
  privateKeyFile: 'ansible_ssh_private_key_file',
  hostKeyChecking: 'ansible_host_key_checking',
  timeout: 'ansible_timeout',
  become: 'ansible_become',
  becomeUser: 'ansible_become_user',
  becomeMethod: 'ansible_become_method',
  sshArgs: 'ansible_ssh_args',
  sshCommonArgs: 'ansible_ssh_common_args',
  sshExtraArgs: 'ansible_ssh_extra_args',
};

/**
 * The layer for ansible.cfg / ANSIBLE_* (and the become password asked for with
 * --ask-become-pass, which Ansible also ranks below inventory vars); undefined when empty.
 */
export function configVarLayer(config: AnsibleConfig, extra: Readonly<Record<string, unknown>> = {}): VarLayer | undefined {
  const vars: Record<string, unknown> = { ...extra };
  for (const [setting, name] of Object.entries(VAR_OF)) {
    const value = config.settings[setting as keyof AnsibleSettings];
    if (value !== undefined) vars[name!] = value;
  }
  if (Object.keys(vars).length === 0) return undefined;
  return { source: config.file ?? 'ANSIBLE_* environment', vars };
}

/** ResolveOptions with `layer` below the role defaults; the same arrays each time (lib/inventory caches per array). */
export function withBaseLayer(layer: VarLayer | undefined): (options: ResolveOptions) => ResolveOptions {
  if (!layer) return (o) => o;
  const alone = [layer];
  const memo = new WeakMap<readonly VarLayer[], VarLayer[]>();
  return (o) => {
    const defaults = o.roleDefaults;
    if (!defaults) return { ...o, roleDefaults: alone };
    let stacked = memo.get(defaults);
    if (!stacked) memo.set(defaults, (stacked = [layer, ...defaults]));
    return { ...o, roleDefaults: stacked };
  };
}
