/**
 * MetalLB planning, pure: vars in, the Helm release and the pool manifests out. Feeds both --plan
 * (describe) and the run, so what --plan prints is what the run applies.
 */
import type { HelmReleaseSpec, KubeObject } from '../../lib/kube/types.ts';
import { objectMeta, pinnedChart } from '../../lib/role-kit/index.ts';
import { toMetallbAddress } from '../../lib/vars/address-pools.ts';
import type { AddressPool, BgpPeer, MetallbVars } from './vars.ts';

/** The release is always called `metallb`: the chart derives its object names from it. */
export const METALLB_RELEASE = 'metallb';


export function usesBgp(vars: Pick<MetallbVars, 'metallb_bgp_peers'>): boolean {
  return vars.metallb_bgp_peers.length > 0;
}

/** Chart values: the bundled frr-k8s BGP backend only when BGP peers are configured. */
export function metallbValues(vars: MetallbVars): Record<string, unknown> {
  return { frrk8s: { enabled: usesBgp(vars) } };
}

export function metallbRelease(vars: MetallbVars): HelmReleaseSpec {
  return {
    name: METALLB_RELEASE,
    namespace: vars.metallb_namespace,
    chart: pinnedChart(vars.metallb_chart_repo, 'metallb', vars.metallb_version),
    values: metallbValues(vars),
    state: vars.metallb_state,
    createNamespace: true,
    wait: true,
    timeoutSeconds: vars.helm_timeout,
  };
}

/** The workloads and the webhook Service the chart names after the release. */
export const metallbWorkloads = {
  controller: `${METALLB_RELEASE}-controller`,
  speaker: `${METALLB_RELEASE}-speaker`,
  webhookService: `${METALLB_RELEASE}-webhook-service`,
} as const;

export function ipAddressPool(pool: AddressPool, namespace: string): KubeObject {
  return {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'IPAddressPool',
    metadata: objectMeta(pool.name, namespace),
    spec: { addresses: pool.addresses.map(toMetallbAddress), autoAssign: pool.auto_assign ?? true },
  };
}

function bgpPeerName(peer: BgpPeer): string {
  return peer.name ?? `peer-${peer.peer_address.replace(/\./g, '-')}`;
}

function bgpObjects(vars: MetallbVars, poolNames: string[]): KubeObject[] {
  const ns = vars.metallb_namespace;
  const peers: KubeObject[] = vars.metallb_bgp_peers.map((p) => ({
    apiVersion: 'metallb.io/v1beta2',
    kind: 'BGPPeer',
    metadata: objectMeta(bgpPeerName(p), ns),
    spec: {
      myASN: p.my_asn,
      peerASN: p.peer_asn,
      peerAddress: p.peer_address,
      ...(p.peer_port === undefined ? {} : { peerPort: p.peer_port }),
      ...(p.hold_time === undefined ? {} : { holdTime: p.hold_time }),
    },
  }));
  const advert: KubeObject = {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'BGPAdvertisement',
    metadata: objectMeta('capstan-bgp', ns),
    spec: { ipAddressPools: poolNames },
  };
  return [...peers, advert];
}

function l2Advertisement(vars: MetallbVars, poolNames: string[]): KubeObject {
  const interfaces = vars.metallb_l2_interfaces;
  return {
    apiVersion: 'metallb.io/v1beta1',
    kind: 'L2Advertisement',
    metadata: objectMeta('capstan-l2', vars.metallb_namespace),
    spec: { ipAddressPools: poolNames, ...(interfaces.length ? { interfaces: [...interfaces] } : {}) },
  };
}

/** IPAddressPools, then either an L2Advertisement or BGP peers and a BGPAdvertisement. */
export function poolManifests(vars: MetallbVars): KubeObject[] {
  const pools = vars.metallb_address_pools.map((p) => ipAddressPool(p, vars.metallb_namespace));
  const names = vars.metallb_address_pools.map((p) => p.name);
  if (names.length === 0) return [];
  return [...pools, ...(usesBgp(vars) ? bgpObjects(vars, names) : [l2Advertisement(vars, names)])];
}
