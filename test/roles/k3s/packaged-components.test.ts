// k3s's packaged components in --plan: servicelb and traefik are disabled when the platform vars (not the play) say MetalLB, Istio or ingress-nginx are on.
import { Socket } from 'node:net';
import { resolve } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { playMain } from '../../../lib/cli/play.ts';

const projectDir = resolve(import.meta.dirname, '../../..');

interface PlanEvent { type: string; host: string; roles: { role: string; vars: Record<string, { value: unknown; source: string }>; tasks: { name: string; entries: { kind: string; path?: string; content?: string }[] }[] }[] }

/** `--plan --json` of the sample inventory: the plan events. */
async function plan(...argv: string[]): Promise<PlanEvent[]> {
  let stdout = '';
  let stderr = '';
  const io = { stdout: { write: (s: string) => { stdout += s; } }, stderr: { write: (s: string) => { stderr += s; } }, projectDir, cwd: projectDir, env: {} };
  const code = await playMain(['-i', 'sample', '--plan', '--json', ...argv], io);
  expect(stderr).toBe('');
  expect(code).toBe(0);
  return stdout.trim().split('\n').map((l) => JSON.parse(l) as PlanEvent).filter((e) => e.type === 'plan');
}

/** The config.yaml the first server would get. */
function firstServerConfig(events: PlanEvent[]): string {
  const k3s = events.find((e) => e.host === 'k8s-node1')!.roles.find((r) => r.role === 'k3s' || r.role === 'k3s/upgrade')!;
  const entries = k3s.tasks.flatMap((t) => t.entries);
  return entries.find((e) => e.kind === 'file' && e.path === '/etc/rancher/k3s/config.yaml')!.content!;
}

let connects: ReturnType<typeof vi.spyOn>;
beforeEach(() => { connects = vi.spyOn(Socket.prototype, 'connect'); });
afterEach(() => { expect(connects).not.toHaveBeenCalled(); connects.mockRestore(); });

describe('k3s packaged components from the platform vars', () => {
  it('sample inventory (MetalLB present, Istio on), k3s alone in its play: servicelb and traefik disabled', async () => {
    const events = await plan('--tags', 'k3s');
    expect(firstServerConfig(events)).toMatch(/disable:\n {2}- servicelb\n {2}- traefik\n/);
  });

  it('the source of a platform var is the platform defaults, not some role', async () => {
    const k3s = (await plan('--tags', 'k3s'))[0]!.roles[0]!;
    expect(k3s.vars.api_port).toEqual({ value: 6443, source: 'platform defaults (lib/vars/platform.ts)' });
    expect(k3s.vars.cluster_context!.source).toBe('role defaults (k3s)');
  });

  it('MetalLB absent and Istio off: nothing disabled; ingress-nginx on: traefik only', async () => {
    expect(firstServerConfig(await plan('--tags', 'k3s', '-e', 'metallb_state=absent', '-e', 'enable_istio=false'))).not.toMatch(/disable:/);
    const nginx = firstServerConfig(await plan('--tags', 'k3s', '-e', 'metallb_state=absent', '-e', 'enable_istio=false', '-e', 'enable_ingress_nginx=true'));
    expect(nginx).toMatch(/disable:\n {2}- traefik\n/);
  });

  it('the upgrade playbook writes the same config.yaml', async () => {
    const events = await plan('--playbook', 'upgrade', '-e', 'k3s_version=v1.32.3+k3s1');
    expect(firstServerConfig(events)).toMatch(/disable:\n {2}- servicelb\n {2}- traefik\n/);
  });
});
