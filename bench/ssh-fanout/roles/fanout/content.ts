/** The files the benchmark writes; the Ansible playbook and floor.sh write the same bytes. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export function configYaml(host: string, ip: string): string {
  return `write-kubeconfig-mode: "0644"\nnode-name: ${host}\nnode-ip: ${ip}\ndisable:\n  - traefik\n`;
}

export function helperScript(host: string): string {
  return `#!/bin/sh\n# written by the capstan fan-out bench for ${host}\ntest -f /etc/rancher/k3s/config.yaml && echo ok\n`;
}

const NODE_INFO = join(import.meta.dirname, 'node-info.hbs');

export interface NodeInfo {
  host: string;
  ip: string;
  kernel: string;
  osRelease: string;
  ipForward: string;
}

export function nodeInfo(data: NodeInfo) {
  return { source: readFileSync(NODE_INFO, 'utf8'), data, name: NODE_INFO };
}
