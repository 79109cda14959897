/**
 * Vars of the k3s-ansible family's other layouts, with the capstan var each one means, so an
 * inventory written for them gets "did you mean <capstan var>" instead of being half-read:
 * techno-tim/k3s-ansible (k3s_token, apiserver_endpoint, metal_lb_*...) and k3s-io/k3s-ansible's
 * 2021 layout (master_ip, groups master/node). k3s-io/k3s-ansible's current names (token,
 * api_endpoint, k3s_version, extra_server_args...) are capstan's own and need nothing.
 */
export interface ForeignVar {
  /** The layout that uses this name. */
  readonly from: string;
  /** The capstan var to use instead, and how, when it is not a plain rename. */
  readonly use: string;
}

const TIM = 'techno-tim/k3s-ansible';
const OLD = "k3s-io/k3s-ansible's 2021 layout";

export const FOREIGN_VARS: Readonly<Record<string, ForeignVar>> = {
  k3s_token: { from: TIM, use: 'token' },
  apiserver_endpoint: { from: TIM, use: 'api_endpoint' },
  master_ip: { from: OLD, use: 'api_endpoint' },
  metal_lb_ip_range: { from: TIM, use: 'metallb_address_pools (a list of pools: [{name: default, addresses: ["<first>-<last>"]}])' },
  metal_lb_mode: { from: TIM, use: 'metallb_address_pools (layer 2) or metallb_bgp_peers (BGP)' },
  metal_lb_type: { from: TIM, use: 'nothing: capstan installs MetalLB natively (remove it)' },
  metal_lb_controller_tag_version: { from: TIM, use: 'metallb_version (the chart version)' },
  metal_lb_speaker_tag_version: { from: TIM, use: 'metallb_version (the chart version)' },
  metal_lb_frr_tag_version: { from: TIM, use: 'metallb_version (the chart version)' },
  metal_lb_bgp_my_asn: { from: TIM, use: 'metallb_bgp_peers[].my_asn' },
  metal_lb_bgp_peer_asn: { from: TIM, use: 'metallb_bgp_peers[].peer_asn' },
  metal_lb_bgp_peer_address: { from: TIM, use: 'metallb_bgp_peers[].peer_address' },
  group_name_master: { from: TIM, use: 'k3s_server_group' },
  group_name_node: { from: TIM, use: 'k3s_agent_group' },
  flannel_iface: { from: TIM, use: 'extra_server_args and extra_agent_args (--flannel-iface=<iface>)' },
  k3s_node_ip: { from: TIM, use: 'extra_server_args / extra_agent_args (--node-ip=<ip>) in host_vars/' },
  retry_count: { from: TIM, use: 'k3s_wait_timeout (seconds, not tries)' },
  kube_vip_tag_version: { from: TIM, use: 'nothing: capstan fronts the API with the load balancers of api_endpoint (lb-config/haproxy), not kube-vip (remove it)' },
  kube_vip_iface: { from: TIM, use: 'nothing: capstan does not deploy kube-vip (remove it)' },
  system_timezone: { from: TIM, use: 'nothing: capstan does not manage the time zone (remove it)' },
  extra_args: { from: TIM, use: 'extra_server_args and extra_agent_args' },
};

/** The "did you mean" for a var of another layout, or undefined. */
export function foreignVarMessage(name: string): string | undefined {
  const f = FOREIGN_VARS[name];
  return f ? `unknown variable (a ${f.from} name): did you mean ${f.use}?` : undefined;
}
