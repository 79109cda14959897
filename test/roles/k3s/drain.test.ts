// Which pods a k3s upgrade's drain evicts (roles/k3s/drain.ts podsToEvict), as kubectl drain --ignore-daemonsets picks them.
import { describe, expect, it } from 'vitest';
import { podsToEvict } from '../../../roles/k3s/drain.ts';

const pod = (name: string, node: string, extra: { owner?: string; mirror?: boolean; phase?: string } = {}) => ({
  apiVersion: 'v1', kind: 'Pod',
  metadata: {
    name, namespace: 'default',
    ...(extra.owner ? { ownerReferences: [{ kind: extra.owner, name: 'x' }] } : {}),
    ...(extra.mirror ? { annotations: { 'kubernetes.io/config.mirror': 'abc' } } : {}),
  },
  spec: { nodeName: node }, status: { phase: extra.phase ?? 'Running' },
});

describe('drain: pods to evict', () => {
  it('takes the node\'s pods but DaemonSet pods, mirror (static) pods and finished pods', () => {
    const pods = [
      pod('web', 'agent1', { owner: 'ReplicaSet' }), pod('bare', 'agent1'), pod('other-node', 'agent2'),
      pod('speaker', 'agent1', { owner: 'DaemonSet' }), pod('static', 'agent1', { mirror: true }),
      pod('done', 'agent1', { owner: 'Job', phase: 'Succeeded' }), pod('crashed', 'agent1', { phase: 'Failed' }),
    ];
    expect(podsToEvict(pods, 'agent1').map((p) => p.metadata.name)).toEqual(['web', 'bare']);
  });
});
