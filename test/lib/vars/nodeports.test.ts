// The one NodePort clash check (lib/vars/nodeports.ts) as the runner runs it: exposed NodePorts of enabled roles, selected in the run or not.
import { Socket } from 'node:net';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { playMain } from '../../../lib/cli/play.ts';

const projectDir = resolve(import.meta.dirname, '../../..');

async function play(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => { stdout += s; } }, stderr: { write: (s: string) => { stderr += s; } }, projectDir, cwd: projectDir, env: {} };
  // --plan: offline and, unlike --list-tasks (which warns, as Ansible's listing does not check vars), validating
  return { code: await playMain(['-i', 'sample', '--plan', ...argv], io), stdout, stderr };
}

let connects: ReturnType<typeof vi.spyOn>;
beforeEach(() => { connects = vi.spyOn(Socket.prototype, 'connect'); });
afterEach(() => { expect(connects).not.toHaveBeenCalled(); connects.mockRestore(); });

describe('NodePort clashes', () => {
  it('--tags istio: the gateway against ingress-nginx (not selected, but enabled) is input error 5', async () => {
    const r = await play('--tags', 'istio', '-e', 'enable_ingress_nginx=true', '-e', 'ingress_nginx_http_nodeport=31080');
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/istio_gateway_http_nodeport: NodePort 31080 is also used by ingress_nginx_http_nodeport \(-e\)/);
  });

  it('a disabled role takes no NodePort', async () => {
    expect((await play('--tags', 'istio', '-e', 'ingress_nginx_http_nodeport=31080')).code).toBe(0);
  });

  it('lb-config: lb_extra_services on ingress-nginx\'s 30080 is input error 5', async () => {
    const extra = JSON.stringify({ enable_ingress_nginx: true, lb_extra_services: [{ name: 'web', port: 8088, node_port: 30080 }] });
    const r = await play('--tags', 'lb-config', '-e', extra);
    expect(r.code).toBe(5);
    expect(r.stderr).toMatch(/ingress_nginx_http_nodeport: NodePort 30080 is also used by lb_extra_services\[0\]\.node_port/);
  });
});
