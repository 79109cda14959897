// Read-only comparison used by check mode, and the --diff rendering of objects.
import { describe, expect, it } from 'vitest';
import { containsAll, objectDiff, project } from '../lib/kube/compare.ts';
import type { KubeObject } from '../lib/kube/types.ts';

describe('containsAll', () => {
  it.each([
    [{ a: 1, b: { c: 2, d: 3 } }, { b: { c: 2 } }, true],
    [{ a: 1 }, { a: 2 }, false],
    [{ l: [{ n: 'x', extra: 1 }] }, { l: [{ n: 'x' }] }, true],
    [{ l: [{ n: 'x' }, { n: 'y' }] }, { l: [{ n: 'x' }] }, false],
    [{}, { a: null }, true],
    [{ a: '1' }, { a: 1 }, false],
    [{ rule: { ports: [1] } }, { rule: { to: [], ports: [1] } }, true],
    [{ rule: {} }, { rule: { to: [1] } }, false],
  ])('%j ⊇ %j is %s', (live, desired, expected) => {
    expect(containsAll(live, desired)).toBe(expected);
  });
});

describe('objectDiff', () => {
  const desired: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data: { k: 'new' } };
  it('shows only managed fields of the live object', () => {
    const live = { ...desired, metadata: { ...desired.metadata, resourceVersion: '9', uid: 'u' }, data: { k: 'old' } };
    expect(project(live, desired)).toEqual({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'n' }, data: { k: 'old' } });
    const d = objectDiff(live, desired);
    expect(d).toContain('-  k: old');
    expect(d).toContain('+  k: new');
    expect(d).not.toContain('resourceVersion');
  });
  it('is empty when equal', () => {
    expect(objectDiff(desired, desired)).toBe('');
  });
});
