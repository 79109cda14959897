/** MetalLB role vars: flat Ansible names, one schema each (the single source for validation and docs). */
import { z } from 'zod';
import { clusterVars } from '../../lib/kube/vars.ts';
import { platform } from '../../lib/vars/platform.ts';
import { defineVars, type VarsOf } from '../../lib/vars/schema.ts';
import { dns1123Label, duration, ipAddress } from '../../lib/vars/types.ts';

const asn = z.number().int().min(1).max(4294967295);

export const bgpPeer = z.object({
  name: dns1123Label.optional(),
  peer_address: ipAddress,
  peer_asn: asn,
  my_asn: asn,
  peer_port: z.number().int().min(1).max(65535).optional(),
  hold_time: duration.optional(),
}).strict();

export type { AddressPool } from '../../lib/vars/platform.ts';
export type BgpPeer = z.infer<typeof bgpPeer>;

export const metallbVars = defineVars({
  ...clusterVars,
  ...platform('metallb_state', 'metallb_address_pools', 'enable_istio', 'istio_gateway_loadbalancer_ip'),
  metallb_version: {
    schema: z.string().regex(/^\d+\.\d+\.\d+$/, { message: 'must be a chart version such as 0.16.1' }),
    default: '0.16.1',
    description: 'MetalLB Helm chart version (pinned)',
  },
  metallb_chart_repo: {
    schema: z.string().url(),
    default: 'https://metallb.github.io/metallb',
    description: 'Helm repository of the MetalLB chart (with helm_chart_dir set, the metallb chart of this version is taken from that directory)',
  },
  metallb_namespace: {
    schema: dns1123Label,
    default: 'metallb-system',
    description: 'Namespace of the MetalLB release and its pools',
  },
  metallb_bgp_peers: {
    schema: z.array(bgpPeer),
    default: [],
    description: 'BGP peers {peer_address, peer_asn, my_asn}; when set, pools are announced by BGP (BGPAdvertisement) instead of L2',
  },
  metallb_l2_interfaces: {
    schema: z.array(z.string().min(1)),
    default: [],
    description: 'Interfaces the L2Advertisement announces from (empty: all)',
  },
});

/** The MetalLB role's typed vars. */
export type MetallbVars = VarsOf<typeof metallbVars>;
