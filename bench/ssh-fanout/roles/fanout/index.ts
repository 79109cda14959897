/**
 * The benchmark role: the same 10 idempotent tasks as bench/ssh-fanout/ansible/site.yml and
 * floor.sh (k3s-node flavoured). A first run on fresh hosts changes 6 tasks (4,5,6,7,8,10);
 * a rerun changes none. The end state is byte-identical to Ansible's and the floor's, so the
 * modes can follow each other on the same hosts.
 */
import { defineRole } from '../../../../lib/role.ts';
import type { TaskContext } from '../../../../lib/role.ts';
import { sh } from '../../../../lib/shell.ts';
import { command, ensureDirectory, ensureLine, fact, putFile } from '../../../../lib/steps/index.ts';
import { defineVars } from '../../../../lib/vars/schema.ts';
import { configYaml, helperScript, nodeInfo } from './content.ts';

const kernel = (ctx: TaskContext) => fact(ctx, 'kernel', sh`uname -r`, (s) => s.trim());
const osRelease = (ctx: TaskContext) => fact(ctx, 'os_release', sh`if test -e /etc/os-release; then echo True; else echo False; fi`, (s) => s.trim());
const ipForward = (ctx: TaskContext) => fact(ctx, 'ip_forward', sh`sysctl -n net.ipv4.ip_forward`, (s) => s.trim());

const address = (ctx: TaskContext) => String(ctx.host.vars.ansible_host ?? ctx.host.name);

export default defineRole({
  name: 'fanout',
  description: 'Benchmark: 10 idempotent k3s-node-style tasks per host.',
  tags: ['fanout'],
  vars: defineVars({}),
  tasks: () => [
    { name: '1 kernel release', run: async (ctx) => ({ status: 'ok', msg: await kernel(ctx) }) },
    { name: '2 stat os-release', run: async (ctx) => ({ status: 'ok', msg: `exists=${await osRelease(ctx)}` }) },
    { name: '3 sysctl check', run: async (ctx) => ({ status: 'ok', msg: `ip_forward=${await ipForward(ctx)}` }) },
    { name: '4 config dir', run: (ctx) => ensureDirectory(ctx, { path: '/etc/rancher/k3s', mode: 0o755 }) },
    { name: '5 manifests dir', run: (ctx) => ensureDirectory(ctx, { path: '/var/lib/rancher/k3s/server/manifests', mode: 0o700 }) },
    { name: '6 config.yaml', run: (ctx) => putFile(ctx, { path: '/etc/rancher/k3s/config.yaml', mode: 0o600, content: configYaml(ctx.host.name, address(ctx)) }) },
    {
      name: '7 env line',
      run: (ctx) => ensureLine(ctx, { path: '/etc/rancher/k3s/k3s.env', regexp: /^K3S_NODE_NAME=/, line: `K3S_NODE_NAME=${ctx.host.name}`, mode: 0o644 }),
    },
    {
      name: '8 node-info template',
      run: async (ctx) => putFile(ctx, {
        path: '/etc/rancher/k3s/node-info.txt', mode: 0o644,
        template: nodeInfo({ host: ctx.host.name, ip: address(ctx), kernel: await kernel(ctx), osRelease: await osRelease(ctx), ipForward: await ipForward(ctx) }),
      }),
    },
    {
      name: '9 k3s binary present?',
      run: (ctx) => command(ctx, sh`if [ -x /usr/local/bin/k3s ]; then /usr/local/bin/k3s --version; else echo absent; fi`, { readOnly: true }),
    },
    { name: '10 helper script', run: (ctx) => putFile(ctx, { path: '/usr/local/bin/k3s-bench-check.sh', mode: 0o755, content: helperScript(ctx.host.name) }) },
  ],
});
