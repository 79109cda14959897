/**
 * The benchmark role: the same 10 idempotent tasks as bench/ssh-fanout/ansible/site.yml and
 * floor.sh (k3s-node flavoured). A first run on fresh hosts changes 6 tasks (4,5,6,7,8,10);
 * a rerun changes none. The end state is byte-identical to Ansible's and the floor's, so the
 * modes can follow each other on the same hosts.
 */
import { defineRole } from '../../../../lib/role.ts';
import type { TaskContext } from '../../../../lib/role.ts';
import { sh } from '../../../../lib/shell.ts';
import { command, ensureDirectory, ensureLine, fact, putFile, reads } from '../../../../lib/steps/index.ts';
import type { DirectoryArgs, LineArgs, PutFileArgs } from '../../../../lib/steps/index.ts';
import { defineVars } from '../../../../lib/vars/schema.ts';
import { configYaml, helperScript, nodeInfo } from './content.ts';

const KERNEL = sh`uname -r`;
const OS_RELEASE = sh`if test -e /etc/os-release; then echo True; else echo False; fi`;
const IP_FORWARD = sh`sysctl -n net.ipv4.ip_forward`;
const K3S_VERSION = sh`if [ -x /usr/local/bin/k3s ]; then /usr/local/bin/k3s --version; else echo absent; fi`;
const kernel = (ctx: TaskContext) => fact(ctx, 'kernel', KERNEL, (s) => s.trim());
const osRelease = (ctx: TaskContext) => fact(ctx, 'os_release', OS_RELEASE, (s) => s.trim());
const ipForward = (ctx: TaskContext) => fact(ctx, 'ip_forward', IP_FORWARD, (s) => s.trim());

const address = (ctx: TaskContext) => String(ctx.host.vars.ansible_host ?? ctx.host.name);

const CONFIG_DIR: DirectoryArgs = { path: '/etc/rancher/k3s', mode: 0o755 };
const MANIFESTS_DIR: DirectoryArgs = { path: '/var/lib/rancher/k3s/server/manifests', mode: 0o700 };
const config = (ctx: TaskContext): PutFileArgs => ({ path: '/etc/rancher/k3s/config.yaml', mode: 0o600, content: configYaml(ctx.host.name, address(ctx)) });
const envLine = (ctx: TaskContext): LineArgs => ({ path: '/etc/rancher/k3s/k3s.env', regexp: /^K3S_NODE_NAME=/, line: `K3S_NODE_NAME=${ctx.host.name}`, mode: 0o644 });
const NODE_INFO = { path: '/etc/rancher/k3s/node-info.txt', mode: 0o644 };
const helper = (ctx: TaskContext): PutFileArgs => ({ path: '/usr/local/bin/k3s-bench-check.sh', mode: 0o755, content: helperScript(ctx.host.name) });

export default defineRole({
  name: 'fanout',
  description: 'Benchmark: 10 idempotent k3s-node-style tasks per host.',
  tags: ['fanout'],
  vars: defineVars({}),
  // Each task lists the probes it makes (`reads`): the runner reads them all in one command per host.
  tasks: () => [
    { name: '1 kernel release', reads: () => reads.command(KERNEL), run: async (ctx) => ({ status: 'ok', msg: await kernel(ctx) }) },
    { name: '2 stat os-release', reads: () => reads.command(OS_RELEASE), run: async (ctx) => ({ status: 'ok', msg: `exists=${await osRelease(ctx)}` }) },
    { name: '3 sysctl check', reads: () => reads.command(IP_FORWARD), run: async (ctx) => ({ status: 'ok', msg: `ip_forward=${await ipForward(ctx)}` }) },
    { name: '4 config dir', reads: () => reads.ensureDirectory(CONFIG_DIR), run: (ctx) => ensureDirectory(ctx, CONFIG_DIR) },
    { name: '5 manifests dir', reads: () => reads.ensureDirectory(MANIFESTS_DIR), run: (ctx) => ensureDirectory(ctx, MANIFESTS_DIR) },
    { name: '6 config.yaml', reads: (ctx) => reads.putFile(config(ctx)), run: (ctx) => putFile(ctx, config(ctx)) },
    { name: '7 env line', reads: (ctx) => reads.ensureLine(envLine(ctx)), run: (ctx) => ensureLine(ctx, envLine(ctx)) },
    {
      name: '8 node-info template',
      reads: () => reads.putFile(NODE_INFO),
      run: async (ctx) => putFile(ctx, {
        ...NODE_INFO,
        template: nodeInfo({ host: ctx.host.name, ip: address(ctx), kernel: await kernel(ctx), osRelease: await osRelease(ctx), ipForward: await ipForward(ctx) }),
      }),
    },
    { name: '9 k3s binary present?', reads: () => reads.command(K3S_VERSION), run: (ctx) => command(ctx, K3S_VERSION, { readOnly: true }) },
    { name: '10 helper script', reads: (ctx) => reads.putFile(helper(ctx)), run: (ctx) => putFile(ctx, helper(ctx)) },
  ],
});
