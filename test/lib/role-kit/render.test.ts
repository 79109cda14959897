// lib/role-kit renderObjects: the generic templates/object.yaml.hbs renders any object whole; an inventory override must keep its kind.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../../lib/errors.ts';
import type { KubeObject } from '../../../lib/kube/types.ts';
import { objectMeta, renderObjects } from '../../../lib/role-kit/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'capstan-kit-render-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function inventoryWith(role: string, file: string, text: string): string {
  const dir = mkdtempSync(join(tmp, 'inv-'));
  mkdirSync(join(dir, 'templates', role), { recursive: true });
  writeFileSync(join(dir, 'templates', role, file), text);
  return dir;
}

const objects: KubeObject[] = [
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { ...objectMeta('reader'), annotations: { 'example.com/why': 'a: colon' } }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] },
  { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: objectMeta('reader'), subjects: [{ kind: 'ServiceAccount', name: 'x', namespace: 'ns' }], roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' } },
  { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: objectMeta('fast'), provisioner: 'rancher.io/local-path', reclaimPolicy: 'Delete' },
  { apiVersion: 'v1', kind: 'ConfigMap', metadata: objectMeta('cfg', 'ns', { app: 'x' }), data: { 'a.yaml': 'k: v\n', empty: '' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bare' } },
];

describe('renderObjects through the generic object template', () => {
  it('renders every object whole: cluster-scoped kinds, annotations, rules, subjects, roleRef, data, provisioner', () => {
    expect(renderObjects('demo', objects, undefined)).toEqual(objects);
  });

  it('an inventory override for one kind replaces the generic template for that kind only', () => {
    const dir = inventoryWith('demo', 'storageclass.yaml.hbs', 'apiVersion: {{apiVersion}}\nkind: {{kind}}\nmetadata:\n  name: {{metadata.name}}\nprovisioner: {{provisioner}}\nallowVolumeExpansion: true\n');
    const out = renderObjects('demo', objects, dir);
    expect(out.find((o) => o.kind === 'StorageClass')).toEqual({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'rancher.io/local-path', allowVolumeExpansion: true });
    expect(out.filter((o) => o.kind !== 'StorageClass')).toEqual(objects.filter((o) => o.kind !== 'StorageClass'));
  });

  it('an override that renders another kind is an input error naming the template', () => {
    const dir = inventoryWith('demo', 'configmap.yaml.hbs', 'apiVersion: v1\nkind: Secret\nmetadata:\n  name: {{metadata.name}}\n');
    let err: unknown;
    try { renderObjects('demo', objects, dir); } catch (e) { err = e; }
    expect(err).toBeInstanceOf(InputError);
    expect((err as InputError).problems[0]).toMatchObject({ file: 'templates/demo/configmap.yaml.hbs', key: 'kind' });
    expect((err as InputError).problems[0]!.message).toMatch(/renders a Secret, but it is the template of ConfigMap objects/);
  });

  it('an override that renders two manifests is an input error', () => {
    const dir = inventoryWith('demo', 'namespace.yaml.hbs', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}\n');
    expect(() => renderObjects('demo', objects, dir)).toThrow(InputError);
  });
});
