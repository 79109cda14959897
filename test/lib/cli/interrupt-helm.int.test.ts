// Ctrl-C (SIGINT to the command's process group, as a terminal sends it) at each phase of a first
// Helm install, through real `capstan` processes against the Kubernetes API simulator with a
// real helm 3: before helm starts, while helm waits (once: it may finish; once with the grace
// running out; twice: at once), during helm's own rollback. Each exits 99 promptly, says what it
// waits for and what state it leaves, and a normal run afterwards succeeds with no manual step.
// Also: 99 through plain node and the bin; npm run exits 130 after capstan's 99 (the --json
// recap carries 99).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { connectKube, loadKubeConfig } from '../../../lib/kube/client.ts';
import { newRunIdentity } from '../../../lib/lock/identity.ts';
import { takeLease } from '../../../lib/lock/lease.ts';
import { kubeBinaries } from '../../../lib/lab/helm-bin.ts';
import { startSimulator, type Simulator } from '../../../lib/lab/kube-sim/index.ts';
import { SHARED_CHARTS } from '../../../lib/lab/shared-dir.ts';

const projectDir = resolve(import.meta.dirname, '../../..');
const playbook = resolve(projectDir, 'test/fixtures/lock/playbooks/helm.ts');
const pinnedNode = resolve(projectDir, 'node_modules/.bin/node');
let sim: Simulator;
let dir: string;

beforeAll(async () => {
  sim = await startSimulator({ controllerDelayMs: 30 });
  dir = mkdtempSync(join(tmpdir(), 'capstan-interrupt-helm-'));
  await sim.writeKubeconfig(join(dir, 'kubeconfig'));
  writeFileSync(join(dir, 'hosts'), `[server]\ncontroller ansible_connection=local kubeconfig=${join(dir, 'kubeconfig')}\n`);
}, 60_000);
afterAll(async () => {
  await sim?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => sim.faults.clear());

type Via = 'node' | 'bin' | 'npm';
interface Event { type: string; message?: string; exit_code?: number; level?: string; status?: string; msg?: string }
interface Run { code: number | null; signal: NodeJS.Signals | null; events: Event[]; stderr: string; stoppedInMs: number }

const argvOf = (via: Via, args: string[]): [string, string[]] => {
  if (via === 'node') return [pinnedNode, ['lib/cli/play.ts', ...args]];
  if (via === 'bin') return [process.execPath, ['bin/capstan.js', 'play', ...args]];
  return ['npm', ['run', '--silent', 'play', '--', ...args]];
};

/**
 * Runs capstan; `presses`: each a condition on what it printed so far, upon which Ctrl-C is
 * pressed once (in order). stoppedInMs: from the last press to the exit.
 */
function capstan(vars: Record<string, unknown>, presses: ((events: Event[]) => boolean)[] = [], via: Via = 'node'): Promise<Run> {
  const args = ['--inventory', join(dir, 'hosts'), '--playbook', playbook, '--json', '-e', JSON.stringify({
    helm_binary: kubeBinaries(3).helm, helm_chart_dir: SHARED_CHARTS, helm_timeout: 60, ...vars,
  })];
  const [cmd, argv] = argvOf(via, args);
  const child = spawn(cmd, argv, { cwd: projectDir, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: Event[] = [];
  let stderr = '';
  let partial = '';
  let pressedAt = 0;
  const check = () => {
    const next = presses[0];
    if (next && next(events)) {
      presses.shift();
      pressedAt = Date.now();
      process.kill(-child.pid!, 'SIGINT'); // the whole process group, as a terminal does
    }
  };
  child.stdout.on('data', (d: Buffer) => {
    const lines = (partial + String(d)).split('\n');
    partial = lines.pop() ?? '';
    for (const l of lines) if (l.startsWith('{')) events.push(JSON.parse(l) as Event);
    check();
  });
  child.stderr.on('data', (d: Buffer) => { stderr += String(d); });
  const poll = setInterval(check, 25);
  const bound = setTimeout(() => process.kill(-child.pid!, 'SIGKILL'), 90_000);
  return new Promise((done) => child.once('exit', (code, signal) => {
    clearInterval(poll);
    clearTimeout(bound);
    done({ code, signal, events, stderr, stoppedInMs: Date.now() - pressedAt });
  }));
}

const said = (r: Run) => r.events.map((e) => e.message ?? e.msg ?? '').join('\n');
const helmStarted = (events: Event[]) => events.some((e) => /^helm 3: upgrade --install/.test(e.message ?? ''));
const status = (name: string) => sim.store.list('v1', 'Secret', 'gw')
  .filter((s) => s.metadata.labels?.owner === 'helm' && s.metadata.labels?.name === name)
  .sort((a, b) => Number(a.metadata.labels.version) - Number(b.metadata.labels.version)).at(-1)?.metadata.labels.status as string | undefined;
const statusIs = (name: string, want: string) => () => status(name) === want;

/** The normal run afterwards: succeeds, the release deployed, and then nothing more to do. */
async function normalRunSucceeds(name: string): Promise<string> {
  const r = await capstan({ gateway_release: name });
  expect(r.code, said(r) + r.stderr).toBe(0);
  expect(status(name)).toBe('deployed');
  const again = await capstan({ gateway_release: name });
  expect(again.code).toBe(0);
  expect(again.events.find((e) => e.type === 'task_result')?.status).toBe('ok');
  return said(r);
}

describe('Ctrl-C at each phase of a first Helm install', () => {
  it('before helm starts (waiting for the cluster Lease): exits 99 at once, nothing installed', async () => {
    const api = connectKube(loadKubeConfig(join(dir, 'kubeconfig')));
    const other = await takeLease(api, newRunIdentity(), { namespace: 'kube-system', timeoutSeconds: 0, say: () => {} });
    try {
      const r = await capstan({ gateway_release: 'before' }, [(ev) => ev.some((e) => /cluster Lease .* is held by run/.test(e.message ?? ''))]);
      expect(r.code).toBe(99);
      expect(r.stoppedInMs).toBeLessThan(5000);
      expect(status('before')).toBeUndefined();
    } finally {
      await other.release();
    }
    await normalRunSucceeds('before');
  });

  it('while helm waits, once: helm may finish within the grace, the run then stops (99)', async () => {
    sim.faults.delay(150, { method: 'GET', pathPrefix: '/apis/apps/v1/namespaces/gw/deployments' });
    const r = await capstan({ gateway_release: 'finish' }, [helmStarted]);
    expect(r.code).toBe(99);
    expect(r.stderr).toMatch(/interrupted: stopping; closing connections; a running helm may finish or roll back first/);
    expect(said(r)).toMatch(/Ctrl-C: waiting up to 30s for helm upgrade --install gw\/finish to finish or roll back \(helm_interrupt_grace\); Ctrl-C again to stop it now/);
    expect(said(r)).toMatch(/helm upgrade --install gw\/finish finished after Ctrl-C; the run stops here/);
    expect(status('finish')).toBe('deployed');
    expect(r.events.at(-1)).toMatchObject({ type: 'recap', exit_code: 99 });
    sim.faults.clear();
    await normalRunSucceeds('finish');
  });

  it('while helm waits, once, and the grace runs out: helm is stopped, the state said; the next run recovers', async () => {
    sim.faults.neverReady('Deployment', 'gw', 'grace');
    const r = await capstan({ gateway_release: 'grace', helm_interrupt_grace: 2 }, [helmStarted]);
    expect(r.code).toBe(99);
    expect(r.stoppedInMs).toBeLessThan(15_000);
    expect(said(r)).toMatch(/helm upgrade --install gw\/grace was stopped after the 2s grace \(helm_interrupt_grace\): the release is left (at revision 1, status \S+|not installed)/);
    sim.faults.clear();
    await normalRunSucceeds('grace');
  });

  it('while helm waits, twice: stopped at once, pending-install said; the next run recovers it', async () => {
    sim.faults.neverReady('Deployment', 'gw', 'twice');
    const r = await capstan({ gateway_release: 'twice' }, [
      (ev) => helmStarted(ev) && status('twice') === 'pending-install',
      (ev) => ev.some((e) => /Ctrl-C: waiting up to 30s/.test(e.message ?? '')),
    ]);
    expect(r.code).toBe(99);
    expect(r.stoppedInMs).toBeLessThan(5000);
    expect(r.stderr).toMatch(/stopping at once/);
    expect(said(r)).toMatch(/helm upgrade --install gw\/twice was stopped at once \(Ctrl-C twice\): the release is left at revision 1, status pending-install/);
    expect(status('twice')).toBe('pending-install');
    sim.faults.clear();
    expect(await normalRunSucceeds('twice')).toMatch(/recovered gw\/twice \(revision 1 is pending-install/);
  });

  it('during helm\'s own rollback of the failed install, twice: left uninstalling, said; the next run recovers it', async () => {
    sim.faults.neverReady('Deployment', 'gw', 'rollback');
    sim.faults.delay(1500, { method: 'DELETE', pathPrefix: '/api/v1/namespaces/gw/services' });
    const r = await capstan({ gateway_release: 'rollback', helm_timeout: 2 }, [statusIs('rollback', 'uninstalling'), () => true]);
    expect(r.code).toBe(99);
    expect(r.stoppedInMs).toBeLessThan(5000);
    expect(said(r)).toMatch(/was stopped at once \(Ctrl-C twice\): the release is left (at revision 1, status uninstalling|not installed)/);
    sim.faults.clear();
    // The simulator still holds the killed helm's DELETE of the Service for the rest of its 1.5 s
    // delay and then carries it out: let it land (bounded) so it cannot delete what the next run creates.
    for (let i = 0; i < 100 && sim.store.get('v1', 'Service', 'gw', 'rollback'); i++) await new Promise((ok) => setTimeout(ok, 50));
    await normalRunSucceeds('rollback');
  });
});

describe('exit code 99 on Ctrl-C', () => {
  it.each(['node', 'bin'] as Via[])('through %s', async (via) => {
    sim.faults.neverReady('Deployment', 'gw', `via-${via}`);
    const r = await capstan({ gateway_release: `via-${via}`, helm_interrupt_grace: 1 }, [helmStarted], via);
    expect(r.code).toBe(99);
    expect(r.events.at(-1)).toMatchObject({ type: 'recap', exit_code: 99 });
  });

  it('through npm run: npm ends by the SIGINT itself (a shell shows 130) after capstan\'s 99, and the --json recap carries 99', async () => {
    sim.faults.neverReady('Deployment', 'gw', 'via-npm');
    const r = await capstan({ gateway_release: 'via-npm', helm_interrupt_grace: 1 }, [helmStarted], 'npm');
    // npm re-raises the signal on itself once its child (capstan, exit 99) is done: killed by SIGINT, which $? shows as 130
    expect([r.code, r.signal]).toEqual([null, 'SIGINT']);
    expect(r.events.at(-1)).toMatchObject({ type: 'recap', exit_code: 99 });
  });
});
