// The run's cluster module load: started at the run's start when a selected role uses the cluster
// (so it overlaps the first plays), loaded once, and the task that opens the cluster awaits that
// same load; a run that selects no such role loads nothing before a task asks.
import { beforeEach, describe, expect, it } from 'vitest';
import { RunServices } from '../../../lib/runner/context.ts';
import { selectsClusterRole } from '../../../lib/runner/index.ts';
import type { PreparedRun } from '../../../lib/runner/prepare.ts';
import { profile } from '../../../lib/report/profile.ts';
import type { Role } from '../../../lib/role.ts';
import site from '../../../playbooks/site.ts';
import { loadRoles, roleDirs } from '../../../lib/runner/load.ts';
import { resolve } from 'node:path';

const loads = () => profile.snapshot().items['lazy module load']?.count ?? 0;

beforeEach(() => profile.reset());

/** A prepared run holding one task per role named (only what selectsClusterRole reads). */
function runOf(roles: readonly Role[]): PreparedRun {
  const tasks = roles.map((role) => ({ role, task: { name: `${role.name} task`, run: async () => ({ status: 'ok' as const }) }, tags: [] }));
  return { plays: [{ hosts: [{ tasks }] }] } as unknown as PreparedRun;
}

describe('which runs preload lib/cluster', () => {
  it("the site's cluster service roles and k3s (its nodes wait for Ready through the API) say they use the cluster; lb-config and haproxy do not", async () => {
    const projectDir = resolve(import.meta.dirname, '../../..');
    const roles = await loadRoles(site, roleDirs(resolve(projectDir, 'playbooks/site.ts'), projectDir));
    const users = [...roles.values()].filter((r) => r.usesCluster).map((r) => r.name);
    expect(users).toEqual(['k3s', 'metallb', 'cert-manager', 'istio', 'nginx-ingress', 'seldon', 'serving', 'observability', 'objects']);
    expect(selectsClusterRole(runOf([...roles.values()]))).toBe(true);
    expect(selectsClusterRole(runOf([roles.get('lb-config')!, roles.get('haproxy')!]))).toBe(false);
  });
});

describe('RunServices.preloadCluster', () => {
  it('loads lib/cluster once; opening the cluster later does not load it again', async () => {
    const services = new RunServices({ signal: new AbortController().signal });
    expect(services.clusterLoadStarted).toBe(false);
    services.preloadCluster();
    services.preloadCluster();
    expect(services.clusterLoadStarted).toBe(true);
    // opening fails here (no kubeconfig in these vars), after the module is loaded
    const host = { name: 'h1', groups: [], vars: { k3s_kubeconfig: '/nonexistent/capstan-test/kubeconfig' } };
    await expect(services.openCluster(host, { progress: () => {}, verbose: () => {}, warn: () => {} })).rejects.toThrow();
    expect(loads()).toBe(1);
  });

  it('without a preload nothing loads until a task opens the cluster', async () => {
    const services = new RunServices({ signal: new AbortController().signal });
    expect(services.clusterLoadStarted).toBe(false);
    expect(loads()).toBe(0);
  });

  it('is a no-op when the cluster is opened by a replacement (tests)', () => {
    const services = new RunServices({ signal: new AbortController().signal, openCluster: async () => { throw new Error('not used'); } });
    services.preloadCluster();
    expect(services.clusterLoadStarted).toBe(false);
  });
});

describe('the cluster open of a run that selects cluster roles', () => {
  it('is asked to warm up (start the release list and discovery) only after preloadCluster', async () => {
    const asked: boolean[] = [];
    const fakeOpen = async (a: { warm?: boolean }) => { asked.push(a.warm === true); return { close: async () => {} } as never; };
    const host = { name: 'h1', groups: [], vars: {} };
    const log = { progress: () => {}, verbose: () => {}, warn: () => {} };
    const plain = new RunServices({ signal: new AbortController().signal, openCluster: fakeOpen });
    await plain.openCluster(host, log);
    const warmed = new RunServices({ signal: new AbortController().signal, openCluster: fakeOpen });
    warmed.preloadCluster();
    await warmed.openCluster(host, log);
    expect(asked).toEqual([false, true]);
  });
});
