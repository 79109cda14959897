/**
 * Cross-field checks of the k3s vars, all at once, before any host is touched: the inventory
 * shape (server group not empty, the host in one of the groups), YAML blocks that parse and do
 * not set keys capstan manages, extra args that split, a complete airgap_dir.
 */
import type { Problem } from '../../lib/errors.ts';
import type { ValidateContext } from '../../lib/role.ts';
import { MANAGED_CONFIG_KEYS, splitArgs, yamlMapping } from './config.ts';
import { airgapFiles } from './source.ts';
import type { K3sVars } from './vars.ts';

export function validateK3s(vars: K3sVars, ctx: ValidateContext): Problem[] {
  const problems: Problem[] = [];
  const at = (key: string, message: string) => problems.push({ file: ctx.sourceOf(key), key, message, host: ctx.host.name });
  const groups = ctx.host.groups;
  if (!groups.includes(vars.k3s_server_group) && !groups.includes(vars.k3s_agent_group)) {
    // k3s-io/k3s-ansible's 2021 layout (master/node) and techno-tim/k3s-ansible's (master/node): say the two vars to set
    const old = groups.includes('master') || groups.includes('node');
    const fix = old
      ? "this is k3s-ansible's older layout (groups master and node): set k3s_server_group: master and k3s_agent_group: node in group_vars/all.yml"
      : "put it under one (k3s-ansible's shape: k3s_cluster with children server and agent)";
    at('k3s_server_group', `host ${ctx.host.name} is in neither group ${vars.k3s_server_group} nor ${vars.k3s_agent_group}; ${fix}`);
  }
  for (const key of ['server_config_yaml', 'agent_config_yaml', 'registries_config_yaml'] as const) {
    let mapping: Record<string, unknown>;
    try {
      mapping = yamlMapping(vars[key]);
    } catch (e) {
      at(key, `is not valid YAML: ${(e as Error).message.split('\n')[0]!.replace(/:$/, '')}; fix the YAML in the string, or write it as a map`);
      continue;
    }
    if (key === 'registries_config_yaml') continue;
    for (const managed of MANAGED_CONFIG_KEYS) {
      if (managed in mapping) at(key, `sets ${managed}, which capstan manages (${managed === 'token' ? 'use the token var' : managed === 'node-name' ? 'use k3s_node_name' : 'it follows from the server group order'}); remove it`);
    }
  }
  for (const key of ['extra_server_args', 'extra_agent_args'] as const) {
    try {
      splitArgs(vars[key]);
    } catch (e) {
      at(key, `${(e as Error).message}; quote each argument with matching quotes, or give a list`);
    }
  }
  if (vars.airgap_dir !== undefined) {
    const files = airgapFiles(vars.airgap_dir);
    if (Array.isArray(files)) for (const p of files) at('airgap_dir', `${p.file} ${p.message}`);
  }
  return problems;
}
