// lib/lab/cluster/go-module.ts: the throw-away Go modules (staging replaces from kubernetes' go.mod, ldflags, tools.go).
import { describe, expect, it } from 'vitest';
import { goDirectives, ldflags, stagingReplaces, throwAwayGoMod, toolsGo } from '../../../../lib/lab/cluster/go-module.ts';
import { GROUPS } from '../../../../lib/lab/cluster/versions.ts';

const staging = ['api', 'apimachinery', 'apiserver', 'client-go', 'component-base', 'controller-manager', 'kube-aggregator', 'kubectl', 'kubelet', 'metrics', 'mount-utils'];
const kubernetesGoMod = [
  'module k8s.io/kubernetes', '', 'go 1.25.0', '', 'godebug default=go1.25', '', 'require (', '\tk8s.io/api v0.0.0', ')', '',
  'replace (', ...staging.map((m) => `\tk8s.io/${m} => ./staging/src/k8s.io/${m}`), '\tk8s.io/other => k8s.io/other v1.2.3', ')',
].join('\n');

describe('throw-away Go modules', () => {
  it('replaces each staging module of kubernetes v1.35.4 with v0.35.4 and nothing else', () => {
    const r = stagingReplaces(kubernetesGoMod, 'v1.35.4');
    expect(r).toHaveLength(staging.length);
    expect(r).toContain('k8s.io/client-go => k8s.io/client-go v0.35.4');
    expect(r.some((l) => l.includes('k8s.io/other'))).toBe(false);
  });

  it('refuses a go.mod without the staging replaces (a kubernetes layout it does not know)', () => {
    expect(() => stagingReplaces('module k8s.io/kubernetes\n', 'v1.35.4')).toThrow(/lists 0 staging replaces/);
    expect(() => stagingReplaces(kubernetesGoMod, 'v2.0')).toThrow(/unexpected kubernetes version/);
  });

  it('keeps upstream go and godebug lines, requires the module, lists the replaces', () => {
    const k8s = GROUPS.find((g) => g.id === 'kubernetes')!;
    expect(goDirectives(kubernetesGoMod)).toEqual(['go 1.25.0', 'godebug default=go1.25']);
    const mod = throwAwayGoMod(k8s, kubernetesGoMod, ['k8s.io/api => k8s.io/api v0.35.4']);
    expect(mod).toBe('module capstan.local/build-kubernetes\n\ngo 1.25.0\ngodebug default=go1.25\n\nrequire k8s.io/kubernetes v1.35.4\n\nreplace (\n\tk8s.io/api => k8s.io/api v0.35.4\n)\n');
    expect(toolsGo(k8s)).toContain('_ "k8s.io/kubernetes/cmd/kube-apiserver"');
  });

  it('stamps the kubernetes version into the binaries (charts check kubeVersion)', () => {
    const flags = ldflags(GROUPS.find((g) => g.id === 'kubernetes')!);
    expect(flags).toMatch(/^-s -w /);
    expect(flags).toContain('-X k8s.io/component-base/version.gitVersion=v1.35.4');
    expect(flags).toContain('-X k8s.io/client-go/pkg/version.gitMinor=35');
    expect(ldflags(GROUPS.find((g) => g.id === 'etcd')!)).toBe('-s -w');
  });
});
