// Ctrl-C (SIGINT to the command's process group, as a terminal sends it) at each phase of a first
// Helm install, through real `capstan` processes against the real control plane (this file's own
// cluster, through its fault proxy; kwok keeps a workload never ready) with a real helm 3: before helm starts, while helm waits (once: it may finish; once with the grace
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
import { SHARED_CHARTS } from '../../../lib/lab/shared-dir.ts';
import { useCluster } from '../../support/cluster.ts';

const projectDir = resolve(import.meta.dirname, '../../..');
const playbook = resolve(projectDir, 'test/fixtures/lock/playbooks/helm.ts');
const pinnedNode = resolve(projectDir, 'node_modules/.bin/node');
const c = useCluster({ lbIps: false });
let dir: string;
/** Release name → status of its newest revision (helm's release Secrets in gw), kept current by a poll. */
const statuses = new Map<string, string>();
let polling: ReturnType<typeof setInterval> | undefined;

async function readStatuses(): Promise<Map<string, string>> {
  const latest = new Map<string, { version: number; status: string }>();
  for (const s of await c().list('v1', 'Secret', 'gw')) {
    const l = s.metadata.labels ?? {};
    if (l.owner !== 'helm') continue;
    const seen = latest.get(l.name);
    if (!seen || Number(l.version) > seen.version) latest.set(l.name, { version: Number(l.version), status: l.status });
  }
  statuses.clear();
  for (const [name, v] of latest) statuses.set(name, v.status);
  return statuses;
}

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'capstan-interrupt-helm-'));
  writeFileSync(join(dir, 'hosts'), `[server]\ncontroller ansible_connection=local kubeconfig=${c().kubeconfig}\n`);
  // Ctrl-C is pressed upon a release status: read it as the admin, straight from the API server
  // (not through the proxy, whose delays are the tests')
  let busy = false;
  polling = setInterval(() => {
    if (busy) return;
    busy = true;
    readStatuses().catch(() => undefined).finally(() => { busy = false; }); // a failed poll is retried by the next tick
  }, 50);
});
afterAll(() => {
  if (polling) clearInterval(polling);
  if (dir) rmSync(dir, { recursive: true, force: true });
});
beforeEach(() => c().faults.clear());

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
  const bound = setTimeout(() => child.kill('SIGKILL'), 90_000); // a backstop: the PID this test started
  return new Promise((done) => child.once('exit', (code, signal) => {
    clearInterval(poll);
    clearTimeout(bound);
    done({ code, signal, events, stderr, stoppedInMs: Date.now() - pressedAt });
  }));
}

const said = (r: Run) => r.events.map((e) => e.message ?? e.msg ?? '').join('\n');
const helmStarted = (events: Event[]) => events.some((e) => /^helm 3: upgrade --install/.test(e.message ?? ''));
/** The release's status as last polled (for the Ctrl-C conditions, which are synchronous). */
const seen = (name: string) => statuses.get(name);
/** The release's status now. */
const status = async (name: string) => (await readStatuses()).get(name);
const statusIs = (name: string, want: string) => () => seen(name) === want;

/** The normal run afterwards: succeeds, the release deployed, and then nothing more to do. */
async function normalRunSucceeds(name: string): Promise<string> {
  const r = await capstan({ gateway_release: name });
  expect(r.code, said(r) + r.stderr).toBe(0);
  expect(await status(name)).toBe('deployed');
  const again = await capstan({ gateway_release: name });
  expect(again.code).toBe(0);
  expect(again.events.find((e) => e.type === 'task_result')?.status).toBe('ok');
  return said(r);
}

describe('Ctrl-C at each phase of a first Helm install', { timeout: 180_000 }, () => {
  it('before helm starts (waiting for the cluster Lease): exits 99 at once, nothing installed', async () => {
    const api = connectKube(loadKubeConfig(c().kubeconfig));
    const other = await takeLease(api, newRunIdentity(), { namespace: 'kube-system', timeoutSeconds: 0, say: () => {} });
    try {
      const r = await capstan({ gateway_release: 'before' }, [(ev) => ev.some((e) => /cluster Lease .* is held by run/.test(e.message ?? ''))]);
      expect(r.code).toBe(99);
      expect(r.stoppedInMs).toBeLessThan(5000);
      expect(await status('before')).toBeUndefined();
    } finally {
      await other.release();
    }
    await normalRunSucceeds('before');
  });

  it('while helm waits, once: helm may finish within the grace, the run then stops (99)', async () => {
    c().faults.delay(150, { method: 'GET', pathPrefix: '/apis/apps/v1/namespaces/gw/deployments' });
    const r = await capstan({ gateway_release: 'finish' }, [helmStarted]);
    expect(r.code).toBe(99);
    expect(r.stderr).toMatch(/interrupted: stopping; closing connections; a running helm may finish or roll back first/);
    expect(said(r)).toMatch(/Ctrl-C: waiting up to 30s for helm upgrade --install gw\/finish to finish or roll back \(helm_interrupt_grace\); Ctrl-C again to stop it now/);
    expect(said(r)).toMatch(/helm upgrade --install gw\/finish finished after Ctrl-C; the run stops here/);
    expect(await status('finish')).toBe('deployed');
    expect(r.events.at(-1)).toMatchObject({ type: 'recap', exit_code: 99 });
    await c().faults.clear();
    await normalRunSucceeds('finish');
  });

  it('while helm waits, once, and the grace runs out: helm is stopped, the state said; the next run recovers', async () => {
    await c().faults.neverReady('Deployment', 'gw', 'grace');
    const r = await capstan({ gateway_release: 'grace', helm_interrupt_grace: 2 }, [helmStarted]);
    expect(r.code).toBe(99);
    expect(r.stoppedInMs).toBeLessThan(15_000);
    expect(said(r)).toMatch(/helm upgrade --install gw\/grace was stopped after the 2s grace \(helm_interrupt_grace\): the release is left (at revision 1, status \S+|not installed)/);
    await c().faults.clear();
    await normalRunSucceeds('grace');
  });

  it('while helm waits, twice: stopped at once, pending-install said; the next run recovers it', async () => {
    await c().faults.neverReady('Deployment', 'gw', 'twice');
    const r = await capstan({ gateway_release: 'twice' }, [
      (ev) => helmStarted(ev) && seen('twice') === 'pending-install',
      (ev) => ev.some((e) => /Ctrl-C: waiting up to 30s/.test(e.message ?? '')),
    ]);
    expect(r.code).toBe(99);
    expect(r.stoppedInMs).toBeLessThan(5000);
    expect(r.stderr).toMatch(/stopping at once/);
    expect(said(r)).toMatch(/helm upgrade --install gw\/twice was stopped at once \(Ctrl-C twice\): the release is left at revision 1, status pending-install/);
    expect(await status('twice')).toBe('pending-install');
    await c().faults.clear();
    expect(await normalRunSucceeds('twice')).toMatch(/recovered gw\/twice \(revision 1 is pending-install/);
  });

  it('during helm\'s own rollback of the failed install, twice: left uninstalling, said; the next run recovers it', async () => {
    await c().faults.neverReady('Deployment', 'gw', 'rollback');
    c().faults.delay(1500, { method: 'DELETE', pathPrefix: '/api/v1/namespaces/gw/services' });
    const r = await capstan({ gateway_release: 'rollback', helm_timeout: 2 }, [statusIs('rollback', 'uninstalling'), () => true]);
    expect(r.code).toBe(99);
    expect(r.stoppedInMs).toBeLessThan(5000);
    expect(said(r)).toMatch(/was stopped at once \(Ctrl-C twice\): the release is left (at revision 1, status uninstalling|not installed)/);
    await c().faults.clear();
    // The proxy still holds the killed helm's DELETE of the Service for the rest of its 1.5 s delay
    // and then forwards it: let it land (bounded) so it cannot delete what the next run creates.
    for (let i = 0; i < 100 && await c().get('v1', 'Service', 'gw', 'rollback'); i++) await new Promise((ok) => setTimeout(ok, 50));
    await normalRunSucceeds('rollback');
  });
});

describe('exit code 99 on Ctrl-C', { timeout: 120_000 }, () => {
  it.each(['node', 'bin'] as Via[])('through %s', async (via) => {
    await c().faults.neverReady('Deployment', 'gw', `via-${via}`);
    const r = await capstan({ gateway_release: `via-${via}`, helm_interrupt_grace: 1 }, [helmStarted], via);
    expect(r.code).toBe(99);
    expect(r.events.at(-1)).toMatchObject({ type: 'recap', exit_code: 99 });
  });

  it('through npm run: npm ends by the SIGINT itself (a shell shows 130) after capstan\'s 99, and the --json recap carries 99', async () => {
    await c().faults.neverReady('Deployment', 'gw', 'via-npm');
    const r = await capstan({ gateway_release: 'via-npm', helm_interrupt_grace: 1 }, [helmStarted], 'npm');
    // npm re-raises the signal on itself once its child (capstan, exit 99) is done: killed by SIGINT, which $? shows as 130
    expect([r.code, r.signal]).toEqual([null, 'SIGINT']);
    expect(r.events.at(-1)).toMatchObject({ type: 'recap', exit_code: 99 });
  });
});
