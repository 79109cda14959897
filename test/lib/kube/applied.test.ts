// The compare-first rule of server-side apply (lib/kube/applied.ts): no PATCH when the live
// object holds every desired value and every field capstan applied before is still desired.
import { describe, expect, it } from 'vitest';
import { applyWouldChange } from '../../../lib/kube/applied.ts';
import type { KubeObject } from '../../../lib/kube/types.ts';

const fieldsV1 = {
  'f:metadata': { 'f:labels': { 'f:app': {}, 'f:tier': {} } },
  'f:spec': {
    'f:ports': { 'k:{"port":80,"protocol":"TCP"}': { '.': {}, 'f:port': {}, 'f:protocol': {} } },
    'f:selector': { 'f:app': {} },
  },
  'f:data': { 'f:list': { 'v:"a"': {} } },
};

const live: KubeObject = {
  apiVersion: 'v1', kind: 'Service',
  metadata: { name: 's', namespace: 'n', labels: { app: 'web', tier: 'front' }, resourceVersion: '7',
    managedFields: [{ manager: 'capstan', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1 }, { manager: 'kubectl', operation: 'Update', fieldsV1: { 'f:metadata': { 'f:annotations': { 'f:note': {} } } } }] },
  spec: { ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }], selector: { app: 'web' }, clusterIP: '10.0.0.1' },
  data: { list: ['a'] },
};

const desired = (o: Partial<KubeObject> = {}): KubeObject => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'n', labels: { app: 'web', tier: 'front' } },
  spec: { ports: [{ port: 80 }], selector: { app: 'web' } }, data: { list: ['a'] }, ...o,
});

describe('applyWouldChange', () => {
  it('nothing to do when every value is there and nothing capstan owns was dropped (a defaulted key field counts as there)', () => {
    expect(applyWouldChange(live, desired(), 'capstan')).toBe(false);
  });
  it('a new object, or a changed value', () => {
    expect(applyWouldChange(undefined, desired(), 'capstan')).toBe(true);
    expect(applyWouldChange(live, desired({ spec: { ports: [{ port: 80 }], selector: { app: 'api' } } }), 'capstan')).toBe(true);
  });
  it('a field capstan applied and no longer declares (the apply removes it)', () => {
    expect(applyWouldChange(live, desired({ metadata: { name: 's', namespace: 'n', labels: { app: 'web' } } }), 'capstan')).toBe(true);
    expect(applyWouldChange(live, desired({ data: { list: [] } }), 'capstan')).toBe(true);
    expect(applyWouldChange(live, desired({ spec: { ports: [], selector: { app: 'web' } } }), 'capstan')).toBe(true);
  });
  it('fields another manager owns do not count; neither does an object capstan never applied', () => {
    expect(applyWouldChange(live, desired(), 'someone-else')).toBe(false);
  });
});
