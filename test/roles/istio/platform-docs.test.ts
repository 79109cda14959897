// Every Istio object of ../shared/platform-docs, written as typed istio_* vars (test/fixtures/istio/platform-docs), passes --plan with offline validation and equals the docs' YAML.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parse, parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { playMain } from '../../../lib/cli/play.ts';
import { SHARED_DIR } from '../../../lib/lab/shared-dir.ts';
import { objectId as id, planEntries as entriesOf } from '../../fixtures/istio/plan-manifests.ts';

const projectDir = resolve(import.meta.dirname, '../../..');
const INVENTORY = 'test/fixtures/istio/platform-docs';
type Obj = Record<string, any>;

/** The Istio objects (networking/security.istio.io) of a docs file's ```yaml blocks, in order. */
function docsObjects(file: string): Obj[] {
  const text = readFileSync(`${SHARED_DIR}/platform-docs/${file}`, 'utf8');
  const blocks = [...text.matchAll(/```yaml\n([\s\S]*?)```/g)].map((m) => m[1]!);
  return blocks.flatMap((b) => {
    const docs = parseAllDocuments(b);
    // Blocks the docs leave unfinished (the networking guide's NetworkPolicy) are not Istio objects.
    if (docs.some((d) => d.errors.length)) return [];
    return docs.map((d) => d.toJS() as Obj);
  }).filter((o) => /^(networking|security)\.istio\.io\//.test(String(o?.apiVersion)));
}

/** `--plan --json` of the fixture: every manifest the istio role would apply, parsed. */
async function planEntries(): Promise<Obj[]> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => { stdout += s; } }, stderr: { write: (s: string) => { stderr += s; } }, projectDir, cwd: projectDir, env: {} };
  const code = await playMain(['-i', INVENTORY, '--plan', '--json', '--tags', 'istio'], io);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return entriesOf(stdout.trim().split('\n').map((l) => JSON.parse(l) as Obj));
}

/**
 * Where the docs' YAML and the served API part, on purpose: Istio 1.30 serves v1 (EnvoyFilter
 * v1alpha3 only); objects without a namespace get the fixture's; the circuit breaker's
 * deprecated consecutiveErrors is consecutive5xxErrors; the rate limit enables and enforces the
 * filter (Envoy's local_ratelimit enforces nothing without filter_enabled/filter_enforced).
 */
function asServed(o: Obj, namespace: string): Obj {
  const x = structuredClone(o);
  x.apiVersion = x.kind === 'EnvoyFilter' ? 'networking.istio.io/v1alpha3' : x.apiVersion.replace(/v1beta1$/, 'v1');
  x.metadata.namespace ??= namespace;
  const od = x.spec?.trafficPolicy?.outlierDetection;
  if (od?.consecutiveErrors !== undefined) {
    od.consecutive5xxErrors = od.consecutiveErrors;
    delete od.consecutiveErrors;
  }
  if (x.kind === 'EnvoyFilter') {
    const value = x.spec.configPatches[0].patch.value.typed_config.value;
    const full = (key: string) => ({ default_value: { numerator: 100, denominator: 'HUNDRED' }, runtime_key: key });
    value.filter_enabled = full('local_rate_limit_enabled');
    value.filter_enforced = full('local_rate_limit_enforced');
  }
  return x;
}

/** The planned object without the role's own labels (app.kubernetes.io/managed-by). */
function withoutRoleLabels(o: Obj): Obj {
  const { labels: _l, ...metadata } = o.metadata;
  return { ...o, metadata };
}

/** Docs objects the fixture places in another namespace than the docs' default (alternatives that would clash). */
const NAMESPACE_OF: Record<string, string> = { 'ab-testing': 'ml-ab-testing' };

describe('the platform docs\' Istio objects, from typed vars', async () => {
  const entries = await planEntries();
  const planned = entries.filter((e) => e.kind === 'manifest').map((e) => parse(e.yaml) as Obj);
  const byId = new Map(planned.map((o) => [id(o), withoutRoleLabels(o)]));
  const lecture = docsObjects('lecture-service-mesh.md');
  const guide = docsObjects('networking-guide.md');
  const role = docsObjects('istio-ansible-role.md');

  it('finds every object the issue lists in the docs (the extraction can fail)', () => {
    expect(lecture.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([
      'Gateway/ml-gateway', 'VirtualService/model-inference', 'VirtualService/model-canary', 'DestinationRule/model-server',
      'VirtualService/ab-testing', 'VirtualService/traffic-mirroring', 'DestinationRule/circuit-breaker', 'VirtualService/retry-timeout',
      'EnvoyFilter/rate-limit', 'PeerAuthentication/default', 'PeerAuthentication/default', 'PeerAuthentication/model-server-mtls',
      'AuthorizationPolicy/model-server-authz', 'AuthorizationPolicy/deny-all', 'RequestAuthentication/jwt-auth', 'AuthorizationPolicy/require-jwt',
      'VirtualService/multi-model-routing', 'VirtualService/feature-store', 'DestinationRule/feature-store-lb', 'VirtualService/distributed-training',
      'DestinationRule/training-workers',
    ]);
    expect(guide.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['VirtualService/seldon-vs', 'PeerAuthentication/default']);
    expect(role.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['Gateway/ml-gateway', 'VirtualService/ml-routing']);
  });

  // The permissive PeerAuthentication is the docs' alternative to the strict one in the same namespace.
  const permissive = lecture.find((o) => o.spec?.mtls?.mode === 'PERMISSIVE')!;
  const cases = [
    ...lecture.map((o) => (o === permissive
      ? asServed({ ...o, metadata: { ...o.metadata, namespace: 'ml-staging' } }, 'ml-staging')
      : asServed(o, NAMESPACE_OF[o.metadata.name] ?? 'ml-production'))),
    ...guide.map((o) => asServed(o, 'financial-inference')),
    ...role.map((o) => asServed(o, 'istio-system')),
  ];
  it.each(cases.map((o) => [id(o), o] as const))('%s equals the docs\' YAML', (name, want) => {
    expect(byId.get(name), `${name} is not in the plan`).toEqual(want);
  });

  it('the Gateways select the docs\' istio: ingressgateway, and the gateway pods carry it', () => {
    expect(planned.filter((o) => o.kind === 'Gateway').map((g) => g.spec.selector)).toEqual([{ istio: 'ingressgateway' }, { istio: 'ingressgateway' }]);
    const gateway = entries.find((e) => e.kind === 'helm' && e.release === 'istio-gateway')!;
    expect(gateway.values.labels).toEqual({ istio: 'ingressgateway' });
    expect(gateway.namespace).toBe('istio-gateway'); // the release (and so the Service the checks look for) keeps its name
  });
});
