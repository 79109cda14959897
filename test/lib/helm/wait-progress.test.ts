// helm's wait progress as capstan shows it: each resource's status once (helm polls several
// resources in turn and logs each again), and cluster-scoped objects (helm 4 logs
// namespace="") named without `""/`.
import { describe, expect, it } from 'vitest';
import { helmNotReady, waitProgress } from '../../../lib/helm/diagnose.ts';

const helm4 = (ns: string, name: string, kind: string, status: string) =>
  `level=DEBUG msg="waiting for resource" namespace=${ns} name=${name} kind=${kind} expectedStatus=Current actualStatus=${status}\n`;

describe('helm wait progress', () => {
  it('shows each resource\'s status once while helm polls them in turn', () => {
    const lines: string[] = [];
    const feed = waitProgress((m) => lines.push(m), () => 0);
    for (let poll = 0; poll < 6; poll++) feed(helm4('ns', 'a', 'Deployment', 'InProgress') + helm4('ns', 'b', 'DaemonSet', 'InProgress'));
    feed(helm4('ns', 'a', 'Deployment', 'Current'));
    expect(lines).toEqual(['deployment ns/a: InProgress, 0s', 'daemonset ns/b: InProgress, 0s', 'deployment ns/a: Current, 0s']);
  });

  it('names a cluster-scoped object without ""/', () => {
    const lines: string[] = [];
    waitProgress((m) => lines.push(m), () => 0)(helm4('""', 'gateways.networking.istio.io', 'CustomResourceDefinition', 'InProgress'));
    expect(lines).toEqual(['customresourcedefinition gateways.networking.istio.io: InProgress, 0s']);
    expect([...helmNotReady('resource ClusterRole//istiod not ready. status: InProgress, message: x\n').keys()]).toEqual(['clusterrole istiod']);
  });
});
