// The offline object validator: the platform docs' objects pass as pasted, and each file of the
// broken corpus (test/fixtures/objects/broken, its expected problem in its first comment) gets
// exactly that one `file:line › field: message` problem.
import { readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../../lib/errors.ts';
import { readManifestFile, readManifests, varObjects, varsScope } from '../../../lib/objects/sources.ts';
import { validateObjects } from '../../../lib/objects/validate.ts';

const PROJECT = resolve(import.meta.dirname, '../../..');
const FIXTURES = join(PROJECT, 'test/fixtures/objects');
const BROKEN = join(FIXTURES, 'broken');

function validateFile(path: string, defaultNamespace = 'default') {
  const problems: Problem[] = [];
  const items = readManifestFile(path, PROJECT, varsScope({ team: 'ml' }), problems);
  const r = validateObjects(items, { defaultNamespace });
  return { objects: r.objects, problems: [...problems, ...r.problems] };
}

describe('the platform docs objects, pasted as they are', () => {
  it('pass, and those without a namespace land in the default namespace', () => {
    const problems: Problem[] = [];
    const items = readManifests(join(FIXTURES, 'platform-docs'), PROJECT, varsScope({}), problems);
    const r = validateObjects(items, { defaultNamespace: 'apps' });
    expect([...problems, ...r.problems]).toEqual([]);
    const defaulted = r.objects.filter((o) => o.defaultedNamespace).map((o) => `${o.object.kind} ${o.object.metadata.namespace}/${o.object.metadata.name}`);
    expect(defaulted.sort()).toEqual(['NetworkPolicy apps/default-deny-all', 'PersistentVolumeClaim apps/mlops-data', 'Service apps/mlops-database']);
    expect(r.objects.find((o) => o.object.kind === 'StorageClass')?.object.metadata.namespace).toBeUndefined();
    expect(r.objects).toHaveLength(13);
  });
});

describe('the broken corpus: one precise problem each', () => {
  const files = readdirSync(BROKEN).filter((f) => f.endsWith('.yaml')).sort();
  it('has at least 25 cases', () => expect(files.length).toBeGreaterThanOrEqual(25));
  for (const f of files) {
    it(f, () => {
      const text = readFileSync(join(BROKEN, f), 'utf8');
      const [, line, key, message] = /^# expect: (\d+) (\S*) :: (.+)$/m.exec(text)!;
      const options = /^# options: (.+)$/m.exec(text);
      const ns = options ? (JSON.parse(options[1]!) as { defaultNamespace: string }).defaultNamespace : undefined;
      const r = validateFile(join(BROKEN, f), ns);
      expect(r.problems, JSON.stringify(r.problems)).toHaveLength(1);
      const p = r.problems[0]!;
      expect(p.file).toBe(`test/fixtures/objects/broken/${f}:${line}`);
      expect(p.key).toBe(key);
      expect(p.message).toContain(message);
    });
  }
});

describe('objects from the k8s_objects var', () => {
  it('name the var, its index and the field', () => {
    const items = varObjects([{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ok' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web' }, spec: { ports: [{ port: 'http' }] } }], 'inventory/lab/group_vars/all.yml');
    const r = validateObjects(items, { defaultNamespace: 'default' });
    expect(r.problems).toEqual([{ file: 'inventory/lab/group_vars/all.yml', key: 'k8s_objects[1].spec.ports[0].port', message: expect.stringContaining('"http" is a string, but this field takes an integer') }]);
    expect(r.objects.map((o) => o.object.metadata.namespace)).toEqual(['default']);
  });

  it('a duplicate across a manifest and the var is reported once, naming both places', () => {
    const problems: Problem[] = [];
    const items = [...readManifests(join(FIXTURES, 'platform-docs'), PROJECT, varsScope({}), problems),
      ...varObjects([{ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'mlops-platform-sa', namespace: 'mlops' } }], 'group_vars/all.yml')];
    const r = validateObjects(items, { defaultNamespace: 'default' });
    expect(r.problems.map((p) => `${p.file} › ${p.key}: ${p.message}`)).toEqual([
      'group_vars/all.yml › k8s_objects[0].metadata.name: ServiceAccount mlops/mlops-platform-sa is also declared at test/fixtures/objects/platform-docs/manifests/rbac.yaml:3; keep one of them',
    ]);
  });

  it('a manifest string that is one {{ var }} keeps the var\'s type', () => {
    const problems: Problem[] = [];
    const items = readManifestFile(join(FIXTURES, 'templated.yaml'), PROJECT, varsScope({ replicas: 3, team: 'ml' }), problems);
    const r = validateObjects(items, { defaultNamespace: 'default' });
    expect([...problems, ...r.problems]).toEqual([]);
    expect(r.objects[0]!.object['spec']).toMatchObject({ replicas: 3 });
    expect(r.objects[0]!.object.metadata.labels).toEqual({ team: 'ml' });
  });
});
