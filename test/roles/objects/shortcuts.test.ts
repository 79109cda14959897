// The objects role's typed shortcuts: rendered through the role kit and the validator, they give
// the same objects as the platform docs pasted into manifests/; ExternalName and Prometheus
// Services; problems in a rendered object point at the var's line in group_vars.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { stringify } from 'yaml';
import { InputError } from '../../../lib/errors.ts';
import type { KubeObject } from '../../../lib/kube/types.ts';
import type { RoleContext } from '../../../lib/role.ts';
import type { VarDef } from '../../../lib/vars/schema.ts';
import { parseVarValue } from '../../../lib/vars/text.ts';
import { collectObjects } from '../../../roles/objects/collect.ts';
import { objectsVars, type ObjectsVars } from '../../../roles/objects/vars.ts';
import { platformView } from '../../support/platform.ts';

const PROJECT = resolve(import.meta.dirname, '../../..');
const dirs: string[] = [];
afterAll(() => { for (const d of dirs) rmSync(d, { recursive: true, force: true }); });

function typedVars(overrides: Record<string, unknown>): ObjectsVars {
  const out: Record<string, unknown> = {};
  for (const [k, def] of Object.entries(objectsVars) as [string, VarDef][]) {
    const v = overrides[k] ?? def.default;
    if (v === undefined) continue;
    const parsed = parseVarValue(def.schema, v);
    if (!parsed.success) throw new Error(`${k}: ${parsed.error.message}`);
    out[k] = parsed.data;
  }
  return out as ObjectsVars;
}

function roleContext(inventoryDir: string, sources: Record<string, string> = {}): RoleContext {
  const host = { name: 'k8s-node1', groups: ['server'], vars: {} };
  return { ...platformView(), host, playHosts: [host], groups: {}, hostvars: {}, selectedRoles: ['objects'], inventoryDir, sourceOf: (n) => sources[n] ?? '' };
}

/** An inventory folder with these group_vars/all.yml vars (and no manifests). */
function inventoryWith(vars: Record<string, unknown>): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-objects-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'group_vars'));
  const file = join(dir, 'group_vars', 'all.yml');
  writeFileSync(file, stringify(vars));
  return { dir, file };
}

const SHORTCUTS = {
  k8s_app_namespaces: [
    { name: 'financial-inference', default_deny: false, policies: [{
      name: 'financial-inference-isolation',
      ingress: [{ from: [{ namespaces: { name: 'istio-system' } }] }],
      egress: [{ to: [{ namespaces: { name: 'seldon-system' } }] }],
    }] },
    { name: 'production', default_deny: false, policies: [{
      name: 'model-server-policy', pod_selector: { app: 'model-server' },
      ingress: [{ from: [{ namespaces: { name: 'gateway' } }, { pods: { app: 'api-gateway' } }], ports: [8080] }],
      egress: [
        { to: [{ pods: { app: 'feature-store' } }], ports: [6379] },
        { to: [{ namespaces: {}, pods: { 'k8s-app': 'kube-dns' } }], ports: [{ port: 53, protocol: 'UDP' }] },
      ],
    }] },
    { name: 'mlops', default_deny: false, policies: [{
      name: 'mlops-network-policy', pod_selector: { app: 'mlops-platform' },
      ingress: [{ from: [{ pods: { app: 'frontend' } }], ports: [8000] }],
      egress: [{ to: [{ pods: { app: 'database' } }], ports: [5432] }, { to: [], ports: [443, 80] }],
    }] },
    { name: 'default' },
  ],
  k8s_app_rbac: [{ name: 'mlops-platform', namespace: 'mlops', rules: [{ api_groups: [''], resources: ['pods', 'services'], verbs: ['get', 'list', 'watch'] }] }],
  k8s_services: [{ name: 'mlops-database', type: 'headless', ports: [5432], selector: { app: 'database' } }],
};

const key = (o: KubeObject) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`;

describe('typed shortcuts', () => {
  it('give the same objects as the platform docs pasted into manifests/', () => {
    const pasted = collectObjects(typedVars({}), roleContext(join(PROJECT, 'test/fixtures/objects/platform-docs'))).objects.map((o) => o.object);
    const inv = inventoryWith(SHORTCUTS);
    const short = collectObjects(typedVars(SHORTCUTS), roleContext(inv.dir, Object.fromEntries(Object.keys(SHORTCUTS).map((k) => [k, inv.file])))).objects.map((o) => o.object);
    const byKey = new Map(short.map((o) => [key(o), o]));
    const covered = pasted.filter((o) => !['Namespace', 'StorageClass', 'PersistentVolumeClaim'].includes(o.kind));
    expect(covered).toHaveLength(8);
    for (const o of covered) expect(byKey.get(key(o)), key(o)).toEqual(o);
    // Beyond the docs: the namespaces with their name= label, and DNS to kube-dns in every
    // namespace whose egress is restricted (default-deny, or a policy with egress rules).
    const extra = short.filter((o) => !covered.some((c) => key(c) === key(o))).map(key);
    expect(extra.sort()).toEqual(['Namespace /default', 'Namespace /financial-inference', 'Namespace /mlops', 'Namespace /production',
      'NetworkPolicy default/allow-dns', 'NetworkPolicy financial-inference/allow-dns', 'NetworkPolicy mlops/allow-dns', 'NetworkPolicy production/allow-dns']);
    expect(byKey.get('Namespace /mlops')!.metadata.labels).toEqual({ name: 'mlops' });
  });

  it('namespace labels: istio-injection, PodSecurity levels, name=<ns>; allow-dns whenever egress is restricted', () => {
    const vars = { k8s_app_namespaces: [{ name: 'serving', istio_injection: true, pod_security: { enforce: 'baseline', warn: 'restricted' }, labels: { team: 'ml' },
      policies: [{ name: 'api-egress', pod_selector: { app: 'api' }, egress: [{ to: [{ cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] }], ports: [443] }] }] }] };
    const inv = inventoryWith(vars);
    const objs = collectObjects(typedVars({ ...vars, k8s_objects_namespace: 'x' }), roleContext(inv.dir)).objects.map((o) => o.object);
    expect(objs.map(key)).toEqual(['Namespace /serving', 'NetworkPolicy serving/default-deny-all', 'NetworkPolicy serving/allow-dns', 'NetworkPolicy serving/api-egress']);
    expect(objs[0]!.metadata.labels).toEqual({ name: 'serving', 'istio-injection': 'enabled', 'pod-security.kubernetes.io/enforce': 'baseline', 'pod-security.kubernetes.io/warn': 'restricted', team: 'ml' });
    expect(objs[2]!['spec']).toEqual({ podSelector: {}, policyTypes: ['Egress'], egress: [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }] });
    expect(objs[3]!['spec']).toEqual({ podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Egress'], egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ protocol: 'TCP', port: 443 }] }] });
  });

  it('ExternalName and Prometheus-annotated Services', () => {
    const vars = { k8s_services: [
      { name: 'billing-db', namespace: 'apps', type: 'external_name', external_name: 'db.billing.example.internal' },
      { name: 'mlops-platform', ports: [{ name: 'http', port: 8000, target_port: 8000 }], selector: { app: 'mlops-platform' }, prometheus: { port: 8000 } },
    ] };
    const objs = collectObjects(typedVars(vars), roleContext(inventoryWith(vars).dir)).objects.map((o) => o.object);
    expect(objs[0]).toEqual({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'billing-db', namespace: 'apps' }, spec: { type: 'ExternalName', externalName: 'db.billing.example.internal' } });
    expect(objs[1]!.metadata).toEqual({ name: 'mlops-platform', namespace: 'default', annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8000', 'prometheus.io/path': '/metrics' } });
  });

  it('a rendered object the API would refuse names the var entry and its line in group_vars', () => {
    const vars = { k8s_app_rbac: [{ name: 'ok', namespace: 'mlops', rules: [{ api_groups: [''], resources: ['pods'], verbs: ['get'] }] },
      { name: 'bad', namespace: 'mlops', role: 'a/b', rules: [{ api_groups: [''], resources: ['pods'], verbs: ['get'] }] }] };
    const inv = inventoryWith(vars);
    let err: unknown;
    try { collectObjects(typedVars(vars), roleContext(inv.dir, { k8s_app_rbac: inv.file })); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(InputError);
    const lines = stringify(vars).split('\n');
    const line = lines.findIndex((l) => l.includes('name: bad')) + 1;
    expect((err as InputError).problems.map((p) => `${p.file} › ${p.key}`)).toEqual([`${inv.file}:${line} › k8s_app_rbac[1]`]);
    expect((err as InputError).problems[0]!.message).toContain('"a/b" is not a valid Role name');
  });
});
