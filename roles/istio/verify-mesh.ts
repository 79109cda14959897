/**
 * The verify table's mesh rows, as `istioctl analyze` reports them, for the objects the vars
 * declare: each VirtualService's Gateways exist (IST0101 ReferencedResourceNotFound) and serve its
 * hosts (IST0132 VirtualServiceHostNotFoundInGateway), each DestinationRule subset selects pods
 * of its host's Service (a host whose Service does not exist yet is a warning: not deployed yet),
 * and the PeerAuthentications and AuthorizationPolicies of each namespace are in force. Facts are
 * read once (meshFacts); the rows are a pure function of declared objects and facts.
 */
import type { Cluster, KubeObject } from '../../lib/kube/types.ts';
import type { VerifyRow } from '../../lib/role-kit/index.ts';

type Obj = Record<string, any>;

export interface MeshFacts {
  /** Every Gateway on the cluster (a VirtualService may name one the vars do not declare). */
  readonly gateways: readonly KubeObject[];
  /** Pods and Services of the namespaces the DestinationRules' hosts live in. */
  readonly pods: Readonly<Record<string, readonly KubeObject[]>>;
  readonly services: Readonly<Record<string, readonly KubeObject[]>>;
  /** Live PeerAuthentications and AuthorizationPolicies, by `Kind namespace/name`. */
  readonly security: ReadonlySet<string>;
  /** Live PeerAuthentication modes, by `namespace/name`. */
  readonly peerModes: Readonly<Record<string, string | undefined>>;
}

const ISTIO_CRD = 'virtualservices.networking.istio.io';

/** The namespace a DestinationRule host resolves to (`name`, `name.ns`, `name.ns.svc[.cluster.local]`), or undefined for a host outside the cluster. */
export function hostService(host: string, ruleNamespace: string): { namespace: string; name: string } | undefined {
  const parts = host.split('.');
  if (parts.length === 1) return { namespace: ruleNamespace, name: host };
  if (parts.length === 2 || (parts[2] === 'svc' && (parts.length === 3 || parts.slice(3).join('.') === 'cluster.local'))) return { namespace: parts[1]!, name: parts[0]! };
  return undefined;
}

/**
 * The mesh facts, read in one round trip: the lists go out beside the look at Istio's CRD (without
 * it there are no mesh facts, and the lists' "not served" answers are moot; with it their answers,
 * failures included, are the facts).
 */
export async function meshFacts(cluster: Cluster, declared: readonly KubeObject[]): Promise<MeshFacts | undefined> {
  const lists = readMesh(cluster, declared).then((facts) => ({ facts }), (err: unknown) => ({ err }));
  const [crd, read] = await Promise.all([cluster.get('apiextensions.k8s.io/v1', 'CustomResourceDefinition', ISTIO_CRD), lists]);
  if (!crd) return undefined;
  if ('err' in read) throw read.err;
  return read.facts;
}

async function readMesh(cluster: Cluster, declared: readonly KubeObject[]): Promise<MeshFacts> {
  const ruleNs = [...new Set(declared.filter((o) => o.kind === 'DestinationRule').flatMap((o) => {
    const s = hostService(String((o.spec as Obj).host), o.metadata.namespace!);
    return s ? [s.namespace] : [];
  }))];
  const secNs = [...new Set(declared.filter((o) => o.kind === 'PeerAuthentication' || o.kind === 'AuthorizationPolicy').map((o) => o.metadata.namespace!))];
  const [gateways, pods, services, peer, authz] = await Promise.all([
    cluster.list('networking.istio.io/v1', 'Gateway'),
    Promise.all(ruleNs.map(async (ns) => [ns, await cluster.list('v1', 'Pod', { namespace: ns })] as const)),
    Promise.all(ruleNs.map(async (ns) => [ns, await cluster.list('v1', 'Service', { namespace: ns })] as const)),
    Promise.all(secNs.map((ns) => cluster.list('security.istio.io/v1', 'PeerAuthentication', { namespace: ns }))),
    Promise.all(secNs.map((ns) => cluster.list('security.istio.io/v1', 'AuthorizationPolicy', { namespace: ns }))),
  ]);
  const id = (kind: string, o: KubeObject) => `${kind} ${o.metadata.namespace}/${o.metadata.name}`;
  return {
    gateways, pods: Object.fromEntries(pods), services: Object.fromEntries(services),
    security: new Set([...peer.flat().map((o) => id('PeerAuthentication', o)), ...authz.flat().map((o) => id('AuthorizationPolicy', o))]),
    peerModes: Object.fromEntries(peer.flat().map((o) => [`${o.metadata.namespace}/${o.metadata.name}`, (o.spec as Obj | undefined)?.mtls?.mode])),
  };
}

/** Istio's host matching: exact, `*`, or `*.suffix` on the Gateway side (a server host may carry a `ns/` prefix). */
export function hostMatches(gatewayHost: string, host: string): boolean {
  const g = gatewayHost.includes('/') ? gatewayHost.slice(gatewayHost.indexOf('/') + 1) : gatewayHost;
  if (g === '*' || g === host) return true;
  return g.startsWith('*.') && (host.endsWith(g.slice(1)) || (host.startsWith('*.') && host.endsWith(g.slice(1))));
}

const serverHosts = (g: KubeObject): string[] => (((g.spec as Obj | undefined)?.servers ?? []) as Obj[]).flatMap((s) => (s.hosts ?? []) as string[]);

function virtualServiceRows(vs: KubeObject, facts: MeshFacts): VerifyRow[] {
  const spec = vs.spec as Obj;
  const refs = ((spec.gateways ?? []) as string[]).filter((g) => g !== 'mesh');
  if (!refs.length) return [];
  const check = `vs ${vs.metadata.namespace}/${vs.metadata.name}`;
  const rows: VerifyRow[] = [];
  const found: KubeObject[] = [];
  for (const ref of refs) {
    const [ns, name] = ref.includes('/') ? ref.split('/') as [string, string] : [vs.metadata.namespace!, ref];
    const g = facts.gateways.find((x) => x.metadata.namespace === ns && x.metadata.name === name);
    if (g) { found.push(g); continue; }
    rows.push({ check: `${check} gateway ${ns}/${name}`, expected: 'Gateway exists', actual: 'not found', result: 'FAIL',
      fix: `IST0101 ReferencedResourceNotFound: add Gateway ${ns}/${name} to istio_gateways, or name an existing one in the VirtualService's gateways` });
  }
  if (!found.length) return rows;
  for (const host of (spec.hosts ?? []) as string[]) {
    if (found.some((g) => serverHosts(g).some((h) => hostMatches(h, host)))) continue;
    const names = found.map((g) => `${g.metadata.namespace}/${g.metadata.name}`).join(', ');
    rows.push({ check: `${check} host ${host}`, expected: `served by ${names}`, actual: 'no Gateway serves it', result: 'FAIL',
      fix: `IST0132 VirtualServiceHostNotFoundInGateway: add ${host} to the hosts of ${names}, or fix the VirtualService's hosts` });
  }
  return rows.length ? rows : [{ check, expected: 'gateways found, hosts served', actual: `${found.length} gateway${found.length === 1 ? '' : 's'}, ${(spec.hosts ?? []).length} host${(spec.hosts ?? []).length === 1 ? '' : 's'} served`, result: 'ok' }];
}

const matches = (labels: Record<string, string> | undefined, want: Record<string, string>) => Object.entries(want).every(([k, v]) => labels?.[k] === v);

function subsetRows(dr: KubeObject, facts: MeshFacts): VerifyRow[] {
  const spec = dr.spec as Obj;
  const target = hostService(String(spec.host), dr.metadata.namespace!);
  if (!target) return [];
  const svc = (facts.services[target.namespace] ?? []).find((s) => s.metadata.name === target.name);
  // No Service yet: the workload is not deployed (the objects role runs after istio), nothing routes there yet.
  if (!svc) {
    return [{ check: `dr ${dr.metadata.namespace}/${dr.metadata.name}`, expected: `service ${target.namespace}/${target.name}`, actual: 'not found', result: 'warn',
      fix: `deploy the workload behind ${spec.host} (its subsets are checked against its pods once the Service exists), or fix the DestinationRule's host` }];
  }
  const selector = ((svc?.spec as Obj | undefined)?.selector ?? {}) as Record<string, string>;
  const pods = (facts.pods[target.namespace] ?? []).filter((p) => matches(p.metadata.labels, selector));
  return ((spec.subsets ?? []) as Obj[]).map((s) => {
    const labels = (s.labels ?? {}) as Record<string, string>;
    const n = pods.filter((p) => matches(p.metadata.labels, labels)).length;
    const shown = Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(',');
    const row = { check: `dr ${dr.metadata.namespace}/${dr.metadata.name} subset ${s.name}`, expected: `pods of ${spec.host} with ${shown}`, actual: `${n} pod${n === 1 ? '' : 's'}` };
    return n ? { ...row, result: 'ok' as const } : { ...row, result: 'FAIL' as const,
      fix: `no pod of ${target.namespace}/${target.name} carries ${shown}: label the workload's pods ${shown}, or fix subset ${s.name}'s labels` };
  });
}

function securityRows(declared: readonly KubeObject[], facts: MeshFacts): VerifyRow[] {
  const byNs = new Map<string, KubeObject[]>();
  for (const o of declared.filter((x) => x.kind === 'PeerAuthentication' || x.kind === 'AuthorizationPolicy')) byNs.set(o.metadata.namespace!, [...(byNs.get(o.metadata.namespace!) ?? []), o]);
  return [...byNs].map(([ns, objs]) => {
    const shown = (o: KubeObject) => (o.kind === 'PeerAuthentication' ? `mTLS ${o.metadata.name}=${(o.spec as Obj)?.mtls?.mode ?? 'UNSET'}` : `authz ${o.metadata.name}`);
    const live = (o: KubeObject) => (o.kind === 'PeerAuthentication' ? facts.peerModes[`${ns}/${o.metadata.name}`] === ((o.spec as Obj)?.mtls?.mode) && facts.security.has(`PeerAuthentication ${ns}/${o.metadata.name}`)
      : facts.security.has(`AuthorizationPolicy ${ns}/${o.metadata.name}`));
    const missing = objs.filter((o) => !live(o));
    return {
      check: `security ns ${ns}`, expected: objs.map(shown).join(', '),
      actual: missing.length ? `missing: ${missing.map(shown).join(', ')}` : 'in force', result: missing.length ? 'FAIL' : 'ok',
      ...(missing.length ? { fix: 'rerun the istio role (the mesh config task applies them), or look for a webhook or admission policy refusing them' } : {}),
    } satisfies VerifyRow;
  });
}

export function meshRows(declared: readonly KubeObject[], facts: MeshFacts | undefined): VerifyRow[] {
  if (!facts) return declared.length ? [{ check: 'mesh config', expected: `${declared.length} objects`, actual: 'Istio CRDs not installed', result: 'FAIL', fix: 'run the istio role without --check first' }] : [];
  return [
    ...securityRows(declared, facts),
    ...declared.filter((o) => o.kind === 'VirtualService').flatMap((v) => virtualServiceRows(v, facts)),
    ...declared.filter((o) => o.kind === 'DestinationRule').flatMap((d) => subsetRows(d, facts)),
  ];
}
