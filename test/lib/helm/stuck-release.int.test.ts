// Every stuck state a stopped helm leaves, made for real (a real helm 3 / helm 4 against the
// real control plane (test/support/cluster.ts), SIGKILLed at the moment the release Secret shows the state), then
// recovered by the next helmRelease with no command by hand: it says what it did, the release
// ends deployed, and the run after that is a no-op.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { HelmReleaseSpec } from '../../../lib/kube/types.ts';
import { kubeBinaries, type HelmMajor } from '../../../lib/lab/helm-bin.ts';
import { CHARTS, clusterFixture, type ClusterFixture } from '../../fixtures/helm/cluster-fixture.ts';

// Real helm waits on a real API server: minutes, not seconds, when the shared machine is busy.
vi.setConfig({ testTimeout: 240_000 });

const NS = 'gw';
const spec = (name: string, replicas = 1): HelmReleaseSpec => ({
  name, namespace: NS, chart: { repo: 'https://charts.invalid', name: 'gateway', version: '1.30.3' },
  values: { service: { type: 'ClusterIP' }, replicaCount: replicas, autoscaling: { enabled: false } },
});

describe.each([3, 4] as HelmMajor[])('helm %i: stuck releases are recovered by the next run', (major) => {
  let f: ClusterFixture;
  const helm = kubeBinaries(major).helm;
  const wait = major === 3 ? ['--wait'] : ['--wait=watcher'];
  beforeAll(async () => { f = await clusterFixture({ major }); });
  afterAll(async () => f?.close());
  beforeEach(() => f.kube.faults.clear());
  /** A fresh cluster connection, as the next run has (release state read anew). */
  const nextRun = () => f.reopen();

  const status = async (name: string): Promise<string | undefined> => {
    const secrets = (await f.kube.list('v1', 'Secret', NS)).filter((s) => s.metadata.labels?.owner === 'helm' && s.metadata.labels?.name === name);
    const last = secrets.sort((a, b) => Number(a.metadata.labels.version) - Number(b.metadata.labels.version)).at(-1);
    return last?.metadata.labels.status;
  };

  /** Runs helm with these args and SIGKILLs it once the release's latest revision shows `state`. */
  async function killAt(name: string, state: string, args: string[]): Promise<void> {
    const child = spawn(helm, args, { env: { ...process.env, KUBECONFIG: f.kubeconfig }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => { stderr += String(d); });
    const exited = new Promise<void>((r) => child.once('exit', () => r()));
    for (let i = 0; i < 600 && (await status(name)) !== state; i++) {
      if (child.exitCode !== null) throw new Error(`helm ended before ${name} was ${state} (now ${await status(name)}): ${stderr}`);
      await new Promise((r) => setTimeout(r, 25));
    }
    expect(await status(name)).toBe(state);
    child.kill('SIGKILL');
    await exited;
  }

  const install = (name: string, extra: string[] = []) =>
    ['upgrade', '--install', name, `${CHARTS}/istio-gateway`, '-n', NS, '--create-namespace', '--set', 'service.type=ClusterIP', '--timeout', '60s', ...extra];

  async function recovers(name: string, expectedMsg: RegExp, s = spec(name)): Promise<void> {
    await f.kube.faults.clear();
    const r = await (await nextRun()).helmRelease(s, { check: false, diff: false, log: f.log.progress });
    expect(r.status).toBe('changed');
    expect(r.msg).toMatch(expectedMsg);
    expect(await status(name)).toBe('deployed');
    const again = await (await nextRun()).helmRelease(s, { check: false, diff: false, log: f.log.progress });
    expect(again).toMatchObject({ status: 'ok' });
  }

  it('pending-install (a first install stopped while it waits): uninstalled, then installed', async () => {
    await f.kube.faults.neverReady('Deployment', NS, 'pi');
    await killAt('pi', 'pending-install', install('pi', wait));
    const check = await (await nextRun()).helmRelease(spec('pi'), { check: true, diff: false, log: f.log.progress });
    expect(check.msg).toMatch(/^would recover gw\/pi \(revision 1 is pending-install and no revision was ever deployed/);
    expect(await status('pi')).toBe('pending-install');
    await recovers('pi', /^recovered gw\/pi \(revision 1 is pending-install and no revision was ever deployed: a first install was interrupted; removing what it left\): helm uninstall gw\/pi done; installed gw\/pi \(gateway 1\.30\.3\), revision 1/);
  });

  it('uninstalling (the atomic rollback of a failed first install stopped): the uninstall finished, then installed', async () => {
    await f.kube.faults.neverReady('Deployment', NS, 'un');
    f.kube.faults.delay(400, { method: 'DELETE', pathPrefix: `/api/v1/namespaces/${NS}/services` });
    const atomic = major === 3 ? ['--wait', '--atomic'] : ['--wait=watcher', '--rollback-on-failure'];
    await killAt('un', 'uninstalling', [...install('un', atomic).filter((a) => a !== '60s' && a !== '--timeout'), '--timeout', '2s']);
    await recovers('un', /^recovered gw\/un \(revision 1 is uninstalling: an uninstall was interrupted; finishing it\): helm uninstall gw\/un done; installed/);
  });

  it('failed first install (no rollback): uninstalled, then installed', async () => {
    await f.kube.faults.neverReady('Deployment', NS, 'fi');
    const r = await new Promise<number | null>((done) => {
      spawn(helm, [...install('fi', wait).filter((a) => a !== '60s' && a !== '--timeout'), '--timeout', '2s'], { env: { ...process.env, KUBECONFIG: f.kubeconfig }, stdio: 'ignore' }).once('exit', done);
    });
    expect(r).not.toBe(0);
    expect(await status('fi')).toBe('failed');
    await recovers('fi', /^recovered gw\/fi \(revision 1 is failed and no revision was ever deployed: a first install failed; removing what it left\): helm uninstall gw\/fi done; installed/);
  });

  it('pending-upgrade (an upgrade stopped while it waits): rolled back to the deployed revision, then upgraded', async () => {
    const base = spec('pu');
    expect((await (await nextRun()).helmRelease(base, { check: false, diff: false, log: f.log.progress })).status).toBe('changed');
    await f.kube.faults.neverReady('Deployment', NS, 'pu');
    await killAt('pu', 'pending-upgrade', [...install('pu', wait), '--set', 'replicaCount=2', '--set', 'autoscaling.enabled=false']);
    await recovers('pu', /^recovered gw\/pu \(revision 2 is pending-upgrade: an upgrade was interrupted; rolling back to revision 1 \(deployed\)\): helm rollback to revision 1 gw\/pu done; upgraded gw\/pu/, spec('pu', 3));
  });
});
