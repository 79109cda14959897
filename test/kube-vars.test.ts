// Cluster-access vars (lib/kube/vars.ts): defaults, -e text, every problem at once.
import { describe, expect, it } from 'vitest';
import { clusterSettings } from '../lib/kube/vars.ts';

describe('clusterSettings', () => {
  it('applies defaults, takes -e text for numbers and booleans, and reports every bad var', () => {
    expect(clusterSettings({})).toMatchObject({ cluster_access: 'kubeconfig', helm_binary: 'helm', helm_timeout: 300, helm_on_node: false, kube_apply_force: false });
    expect(clusterSettings({ helm_timeout: '600', helm_on_node: 'yes' })).toMatchObject({ helm_timeout: 600, helm_on_node: true });
    expect(() => clusterSettings({ cluster_access: 'telnet', helm_timeout: -1 })).toThrow(/2 problems[\s\S]*cluster_access[\s\S]*helm_timeout/);
  });
});
