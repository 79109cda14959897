// lib/lab/cluster/audit.ts: reading write requests, with their user and dry-run flag, from audit events.
import { describe, expect, it } from 'vitest';
import { parseWrites } from '../../../../lib/lab/cluster/audit.ts';

const event = (verb: string, user: string, uri: string, objectRef: Record<string, string> = {}) =>
  JSON.stringify({ kind: 'Event', verb, user: { username: user }, requestURI: uri, responseStatus: { code: 200 }, objectRef });

describe('audit log writes', () => {
  it('keeps write verbs with user, resource and dry-run; skips reads and the flush marker', () => {
    const text = [
      event('patch', 'capstan', '/apis/apps/v1/namespaces/a/deployments/d?fieldManager=capstan', { apiGroup: 'apps', resource: 'deployments', namespace: 'a', name: 'd' }),
      event('get', 'capstan-admin', '/capstan-audit-mark/123'),
      event('create', 'capstan', '/api/v1/namespaces/a/configmaps?dryRun=All', { resource: 'configmaps', namespace: 'a' }),
      event('update', 'kwok', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/n1', { apiGroup: 'coordination.k8s.io', resource: 'leases' }),
      '',
    ].join('\n');
    const w = parseWrites(text);
    expect(w.map((x) => [x.user, x.verb, x.resource, x.dryRun])).toEqual([
      ['capstan', 'patch', 'apps/deployments', false],
      ['capstan', 'create', 'configmaps', true],
      ['kwok', 'update', 'coordination.k8s.io/leases', false],
    ]);
    expect(w[0]).toMatchObject({ namespace: 'a', name: 'd', code: 200 });
  });
});
