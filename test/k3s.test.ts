// Table tests of the k3s role's pure planning: config per node, args, topology, kubeconfig
// rewrite/merge/remove, the install/restart decision, prerequisites, validation.
import { readFileSync } from 'node:fs';
import { replacedK3sComponents } from '../lib/role-kit/index.ts';
import { platformView } from './support/platform.ts';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  installStamp, installSpec, nodeConfig, parseK3sVersion, renderEnvFile, splitArgs, yamlMapping,
} from '../roles/k3s/config.ts';
import { mergeKubeconfig, removeFromKubeconfig, rewriteKubeconfig } from '../roles/k3s/kubeconfig.ts';
import { planNode } from '../roles/k3s/node.ts';
import { parseFacts } from '../roles/k3s/prereqs.ts';
import { tokenPassword } from '../roles/k3s/token.ts';
import { apiUrlOf, kindOf, topologyOf } from '../roles/k3s/topology.ts';
import { validateK3s } from '../roles/k3s/validate.ts';

const groups = { k3s_cluster: ['s1', 's2', 's3', 'a1', 'a2'], server: ['s1', 's2', 's3'], agent: ['a1', 'a2'] };
const hostvars = { s1: { ansible_host: '10.0.0.11' }, s2: { ansible_host: '10.0.0.12' }, s3: {}, a1: {}, a2: {} };
const topo = topologyOf({ groups, hostvars, serverGroup: 'server', agentGroup: 'agent', apiEndpoint: undefined, apiPort: 6443 })!;

describe('topology', () => {
  it('takes the first server as cluster-init and its address as the default api_endpoint', () => {
    expect(topo.firstServer).toBe('s1');
    expect(topo.apiUrl).toBe('https://10.0.0.11:6443');
    expect(['s1', 's2', 'a1', 'x'].map((h) => kindOf(topo, h))).toEqual(['first-server', 'server', 'agent', undefined]);
  });
  it('honours api_endpoint, configurable group names, and brackets IPv6', () => {
    const t = topologyOf({ groups: { masters: ['m'], workers: ['w'] }, hostvars: {}, serverGroup: 'masters', agentGroup: 'workers', apiEndpoint: 'vip.lan', apiPort: 7443 })!;
    expect([t.firstServer, t.agents, t.apiUrl]).toEqual(['m', ['w'], 'https://vip.lan:7443']);
    expect(apiUrlOf('fd00::1', 6443)).toBe('https://[fd00::1]:6443');
    expect(topologyOf({ groups: {}, hostvars: {}, serverGroup: 'server', agentGroup: 'agent', apiEndpoint: undefined, apiPort: 6443 })).toBeUndefined();
  });
});

describe('node config', () => {
  const base = { topology: topo, token: 'tok-secret-123', tlsSan: ['k3s.lan'], disable: ['traefik'], extra: {} };
  it.each([
    ['first-server', { 'cluster-init': true }, ['server']],
    ['server', { server: 'https://10.0.0.11:6443' }, ['cluster-init']],
    ['agent', { server: 'https://10.0.0.11:6443' }, ['cluster-init', 'tls-san', 'disable']],
  ] as const)('%s', (kind, has, lacks) => {
    const c = nodeConfig({ ...base, kind, nodeName: 'n' });
    expect(c).toMatchObject({ ...has, token: 'tok-secret-123', 'node-name': 'n' });
    for (const k of lacks) expect(c).not.toHaveProperty(k);
  });
  it('adds api_endpoint to tls-san and merges server_config_yaml lists', () => {
    const c = nodeConfig({ ...base, kind: 'server', nodeName: 'n', extra: yamlMapping('disable: [metrics-server]\nwrite-kubeconfig-mode: "0600"\n') });
    expect(c['tls-san']).toEqual(['10.0.0.11', 'k3s.lan']);
    expect(c['disable']).toEqual(['traefik', 'metrics-server']);
    expect(c['write-kubeconfig-mode']).toBe('0600');
  });
  it('disables what the enabled roles replace: servicelb for MetalLB, traefik for Istio or ingress-nginx', () => {
    const off = { metallb_state: 'absent', enable_istio: false, enable_ingress_nginx: false };
    expect(replacedK3sComponents(platformView({ ...off, metallb_state: 'present', enable_istio: true }))).toEqual(['servicelb', 'traefik']);
    expect(replacedK3sComponents(platformView({ ...off, metallb_state: 'present', enable_ingress_nginx: true, enable_istio: true }))).toEqual(['servicelb', 'traefik']);
    expect(replacedK3sComponents(platformView({ ...off, enable_ingress_nginx: true }))).toEqual(['traefik']);
    expect(replacedK3sComponents(platformView(off))).toEqual([]);
  });
});

describe('arguments and env', () => {
  it.each([
    ['--a=1 --b  x', ['--a=1', '--b', 'x']],
    [`--node-label 'a=b c' --x="q\\"r"`, ['--node-label', 'a=b c', '--x=q"r']],
    ['--kubelet-arg=$(touch /tmp/pwned);rm', ['--kubelet-arg=$(touch', '/tmp/pwned);rm']],
    ['', []],
  ])('splits %j without evaluating anything', (input, words) => {
    expect(splitArgs(input)).toEqual(words);
  });
  it('refuses unbalanced quotes; lists pass through', () => {
    expect(() => splitArgs(`--a 'b`)).toThrow(/unbalanced/);
    expect(splitArgs(['--a b'])).toEqual(['--a b']);
  });
  it('quotes env values for systemd', () => {
    expect(renderEnvFile(['HTTP_PROXY=http://p:3128', 'X=a"b'])).toContain('HTTP_PROXY="http://p:3128"\nX="a\\"b"\n');
  });
});

describe('install decision', () => {
  const spec = installSpec('server', 'v1.31.4+k3s1', ['--flag'], false, '/etc/systemd/system');
  const installed = { version: 'v1.31.4+k3s1', stamp: installStamp(spec), active: true };
  it.each([
    ['fresh host', { version: undefined, stamp: undefined, active: false }, [], 'install'],
    ['other version', { ...installed, version: 'v1.30.0+k3s1' }, [], 'install'],
    ['args changed', { ...installed, stamp: installStamp({ ...spec, args: ['server'] }) }, [], 'install'],
    ['config changed', installed, ['/etc/rancher/k3s/config.yaml'], 'restart'],
    ['service down', { ...installed, active: false }, [], 'restart'],
    ['all the same', installed, [], 'none'],
  ] as const)('%s → %s', (_name, facts, changed, action) => {
    expect(planNode(facts, spec, changed).action).toBe(action);
  });
  it('switching URL ↔ air-gapped does not reinstall the same version', () => {
    expect(installStamp({ ...spec, airgap: true })).toBe(installStamp(spec));
  });
  it('parses k3s --version', () => {
    expect(parseK3sVersion('k3s version v1.31.4+k3s1 (a1b2c3)\ngo version go1.22\n')).toBe('v1.31.4+k3s1');
  });
});

describe('token and prerequisites', () => {
  it('takes the password of a full token', () => {
    expect(tokenPassword('K10abcdef0123::server:s3cret')).toBe('s3cret');
    expect(tokenPassword('plain-token')).toBe('plain-token');
  });
  it('reads the prerequisite facts of one round trip', () => {
    const facts = parseFacts('sysctl net.ipv4.ip_forward 0\nsysctl net.ipv6.conf.all.forwarding 1\nloaded overlay\nswap\nmissing curl\n');
    expect(facts).toEqual({ sysctl: { 'net.ipv4.ip_forward': '0', 'net.ipv6.conf.all.forwarding': '1' }, loaded: ['overlay'], swapOn: true, missing: ['curl'] });
  });
});

describe('kubeconfig', () => {
  const k3sYaml = readFileSync(new URL('./fixtures/k3s/k3s.yaml', import.meta.url), 'utf8');
  const ours = rewriteKubeconfig(k3sYaml, 'https://10.0.0.11:6443', 'homelab');
  it('rewrites the server and renames cluster, context and user', () => {
    const doc = parse(ours);
    expect(doc.clusters[0]).toMatchObject({ name: 'homelab', cluster: { server: 'https://10.0.0.11:6443' } });
    expect(doc.clusters[0].cluster['certificate-authority-data']).toMatch(/^LS0t/);
    expect(doc.contexts[0]).toEqual({ name: 'homelab', context: { cluster: 'homelab', user: 'homelab' } });
    expect(doc['current-context']).toBe('homelab');
  });
  it('merges into and removes from a user kubeconfig, keeping other entries', () => {
    const other = rewriteKubeconfig(k3sYaml, 'https://other:6443', 'work');
    const merged = parse(mergeKubeconfig(mergeKubeconfig(other, ours, 'homelab'), ours, 'homelab'));
    expect(merged.contexts.map((c: { name: string }) => c.name)).toEqual(['work', 'homelab']);
    expect(merged['current-context']).toBe('work');
    const removed = parse(removeFromKubeconfig(mergeKubeconfig(other, ours, 'homelab'), 'homelab'));
    expect(removed.clusters.map((c: { name: string }) => c.name)).toEqual(['work']);
  });
});

describe('validation (before any host is touched)', () => {
  const vars = {
    k3s_server_group: 'server', k3s_agent_group: 'agent', extra_server_args: `--a 'b`, extra_agent_args: [],
    server_config_yaml: 'token: x\nnode-label: [a=b]\n', agent_config_yaml: 'a: [', registries_config_yaml: undefined,
    airgap_dir: '/nonexistent/airgap',
  } as unknown as Parameters<typeof validateK3s>[0];
  const ctx = {
    ...platformView(), allVars: {}, selectedRoles: ['k3s'], sourceOf: (k: string) => `group_vars/all.yml#${k}`,
    host: { name: 'n1', groups: ['k3s_cluster'], vars: {} },
  };
  it('reports every problem with file and key at once', () => {
    const problems = validateK3s(vars, ctx);
    const keys = problems.map((p) => p.key).sort();
    expect(keys).toEqual(['agent_config_yaml', 'airgap_dir', 'extra_server_args', 'k3s_server_group', 'server_config_yaml']);
    expect(problems.find((p) => p.key === 'server_config_yaml')!.message).toMatch(/sets token, which capstan manages \(use the token var\)/);
    expect(problems.find((p) => p.key === 'k3s_server_group')!.message).toMatch(/neither group server nor agent/);
    expect(problems.every((p) => p.file === `group_vars/all.yml#${p.key}`)).toBe(true);
  });
});
