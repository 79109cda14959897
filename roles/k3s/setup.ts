/** What a node task needs, computed from vars alone: this host's kind of node, the cluster topology, the install source. */
import type { RoleContext } from '../../lib/role.ts';
import { replacedK3sComponents } from '../../lib/role-kit/index.ts';
import type { InstallSource } from './source.ts';
import { kindOf, nodeNameOf, topologyOf, type NodeKind, type Topology } from './topology.ts';
import type { K3sVars } from './vars.ts';

/** Everything a node task needs, computed from vars alone. */
export interface NodeSetup {
  readonly kind: NodeKind;
  readonly topology: Topology;
  readonly nodeName: string;
  readonly vars: K3sVars;
  readonly source: InstallSource;
  readonly inventoryDir: string;
  /** The upgrade playbook: drain before upgrading when k3s_upgrade_drain. */
  readonly upgrade: boolean;
  /** Packaged components to disable: k3s_disable, else those the enabled roles replace. */
  readonly disable: readonly string[];
}

export function nodeSetup(vars: K3sVars, ctx: RoleContext, upgrade: boolean): NodeSetup | undefined {
  const topology = topologyOf({
    groups: ctx.groups, hostvars: ctx.hostvars, serverGroup: vars.k3s_server_group, agentGroup: vars.k3s_agent_group,
    apiEndpoint: vars.api_endpoint, apiPort: vars.api_port,
  });
  const kind = topology && kindOf(topology, ctx.host.name);
  if (!topology || !kind) return undefined;
  const source: InstallSource = vars.airgap_dir ? { kind: 'airgap', dir: vars.airgap_dir } : { kind: 'url', url: vars.k3s_install_script_url };
  return { kind, topology, nodeName: nodeNameOf(ctx.hostvars, ctx.host.name), vars, source, inventoryDir: ctx.inventoryDir, upgrade, disable: vars.k3s_disable ?? replacedK3sComponents(ctx) };
}
