// `npm run demo` end to end (root, Linux; the lab, the REAL API server of lib/lab/cluster with kwok
// for kubelets and containers, and the k3s STAND-IN): the full site playbook with the serving path,
// requests through the deployed HAProxy answered by the stand-in on every node (gateway NodePort
// 31080, Seldon's 32000), the verify table with the serving rows, the wall time, and a teardown
// that leaves no lab directory, no network namespace, no cluster directory and no cluster process
// — also after Ctrl-C at each phase.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { CLUSTER_ROOT } from '../../lib/lab/cluster/state.ts';
import { LAB_ROOT } from '../../lib/lab/lab-state.ts';
import { LOCK_PATH_ENV } from '../../lib/lock/vars.ts';

const projectDir = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** Runs the demo; `interruptWhen`: press Ctrl-C (SIGINT to its process group, as a terminal does) once the output matches it. */
function runDemo(interruptWhen?: RegExp): Promise<{ code: number | null; out: string; sincePressMs: number; pid: number }> {
  return new Promise((done, fail) => {
    // as a user runs it: the host lock in each lab host's private /run/lock, not the test worker's
    // CAPSTAN_LOCK_PATH under /tmp, which all lab hosts share (their runs raced for one file)
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => k !== LOCK_PATH_ENV));
    const child = spawn(process.execPath, [join(projectDir, 'lib/cli/demo.ts')], { cwd: projectDir, env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let pressedAt = 0;
    const take = (d: Buffer) => {
      out += d.toString();
      if (interruptWhen && !pressedAt && interruptWhen.test(out)) {
        pressedAt = Date.now();
        process.kill(-child.pid!, 'SIGINT');
      }
    };
    child.stdout.on('data', take);
    child.stderr.on('data', take);
    const timer = setTimeout(() => { child.kill('SIGINT'); fail(new Error(`demo did not end in 480s:\n${out}`)); }, 480_000);
    child.once('exit', (code) => { clearTimeout(timer); done({ code, out, sincePressMs: pressedAt ? Date.now() - pressedAt : 0, pid: child.pid! }); });
  });
}

it('npm run demo: site playbook with the serving path on the real API server, traffic through HAProxy to the stand-in, verify table, clean teardown', async () => {
  const { code, out, pid } = await runDemo();
  expect(code, out).toBe(0);
  expect(out).toMatch(/the real API server \(kube-apiserver v1\.35\.4, etcd, controllers, scheduler; kubelets and containers simulated by kwok\)/);
  expect(out).toMatch(/real API server up in \d+\.\d s, \d+ MiB resident/);
  expect(out).not.toMatch(/simulator/i);
  expect(out).toMatch(/PLAY RECAP/);
  expect(out).toMatch(/serving controllers:\n {2}cert-manager: the real controller v\S+ .*\n {2}Seldon: STAND-IN .*\n {2}ingress-nginx: STAND-IN /);
  for (const role of ['k3s', 'metallb', 'cert-manager', 'istio', 'nginx-ingress', 'seldon', 'serving', 'lb-config', 'haproxy']) expect(out).toMatch(new RegExp(`TASK \\[${role} : `));
  const answers = out.match(/→ 200 k3s stand-in on (server1|agent1|agent2): GET \/ \(port 31080\)/g) ?? [];
  expect(answers).toHaveLength(6);
  expect(out).toMatch(/→ 200 k3s stand-in on (server1|agent1|agent2): GET \/v2\/health\/ready \(port 32000\)/);
  expect(out).toMatch(/→ 200 k3s stand-in on (server1|agent1|agent2): POST \/v2\/models\/financial-ab-test-experiment\/infer \(port 32000\)/);
  const verify = out.slice(out.indexOf('DEMO VERIFY'));
  expect(verify).toMatch(/^DEMO VERIFY \(on the real API server .*every answer behind HAProxy comes from the k3s stand-in: no real gateway, ingress controller or model server runs here\)/);
  expect(verify).toMatch(/k3s nodes Ready \(real API server\)\s+3\/3\s+ok/);
  expect(verify).toMatch(/nodes reached through HAProxy \(NodePort 31080\)\s+server1, agent1, agent2\s+ok/);
  // issued by cert-manager's real controller: Ready, with notAfter, and its Secret holds the certificate
  expect(verify).toMatch(/certificate istio-gateway\/ml-tls-cert\s+Ready=True \(Ready\), notAfter \d{4}-\d\d-\d\dT\S+, Secret ml-tls-cert holds tls\.crt\s+ok/);
  expect(verify).toMatch(/ingress seldon-mesh\/financial-mlops-ingress\s+financial-predictor\.local\/v2 → seldon-mesh:80\s+ok/);
  expect(verify).toMatch(/virtualservice seldon-mesh\/seldon-vs\s+financial-predictor\.local via \S*ml-gateway → seldon-mesh:80\s+ok/);
  for (const m of ['financial-predictor-a', 'financial-predictor-b']) expect(verify).toMatch(new RegExp(`model seldon-mesh/${m}\\s+Ready=True \\(\\S+\\)\\s+ok`));
  expect(verify).toMatch(/experiment seldon-mesh\/financial-ab-test-experiment\s+Ready=True \(\S+\)\s+ok/);
  expect(verify).toMatch(/Seldon NodePort 32000 via HAProxy lb1:9000 \(health\)\s+GET \/v2\/health\/ready answered by the k3s stand-in on (server1|agent1|agent2) \(no model server runs here\)\s+ok/);
  expect(verify).toMatch(/Seldon NodePort 32000 via HAProxy lb1:9000 \(inference\)\s+POST \/v2\/models\/financial-ab-test-experiment\/infer answered by the k3s stand-in on (server1|agent1|agent2) \(no model server runs here\)\s+ok/);
  expect(verify).not.toMatch(/FAILED/);
  expect(out).toMatch(/demo wall time \d+\.\d s \(start \d+\.\d s, play \d+\.\d s, requests \d+\.\d s, teardown \d+\.\d s\)/);
  expectTornDown(out, pid);
}, 490_000);

it('npm run demo: Ctrl-C while k3s installs stops the play and still tears everything down', async () => {
  const { code, out, pid } = await runDemo(/TASK \[k3s : k3s first server/);
  expect(code, out).toBe(99);
  expect(out).toMatch(/interrupted/);
  expect(out).not.toMatch(/DEMO VERIFY/);
  expectTornDown(out, pid);
}, 240_000);

// Ctrl-C at each phase of the demo (issue 17): each exits 99 promptly, with no crash and nothing left behind.
it.each([
  ['during lab and API server start-up', /capstan demo: starting a lab/, 15_000],
  ['during Helm installs', /helm 3: upgrade --install/, 15_000],
  ['during the requests through HAProxy', /GET http:\/\/\S+ #1/, 15_000],
  ['during teardown', /tearing down the serving controllers/, 15_000],
] as const)('npm run demo: Ctrl-C %s exits 99 promptly and leaves nothing behind', async (_phase, when, promptMs) => {
  const { code, out, sincePressMs, pid } = await runDemo(when);
  expect(code, out).toBe(99);
  expect(sincePressMs, out).toBeLessThan(promptMs);
  expect(out).not.toMatch(/ENOENT|AbortError|internal error|Unhandled/);
  // pressed before the lab and the API server are up, start-up stops and the demo says so
  if (!/inventory: /.test(out)) expect(out).toMatch(/interrupted during start-up: the lab and the API server started so far are torn down/);
  expectTornDown(out, pid);
}, 490_000);

/**
 * Nothing the demo (process `pid`) started is left: no lab or cluster folder it owns; and, when it
 * got as far as printing them, not its lab folder, namespaces, cluster folder or cluster processes.
 */
function expectTornDown(out: string, pid: number): void {
  expect(ownedBy(LAB_ROOT, pid), out).toEqual([]);
  expect(ownedBy(CLUSTER_ROOT, pid), out).toEqual([]);
  const labDir = /inventory: (\/\S+)\/k3s-inventory/.exec(out)?.[1];
  if (!labDir) return; // interrupted before the lab and the API server were up: the ownership check above is all there is
  expect(out).toMatch(/tearing down (the serving controllers, )?the lab, the real API server and the stand-in/);
  expect(existsSync(labDir)).toBe(false);
  const id = labDir.split('/').pop()!;
  expect(execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })).not.toContain(`capstan-${id}-`);
  const clusterDir = /, cluster (\/\S+)\)/.exec(out)?.[1];
  expect(clusterDir, out).toBeDefined();
  expect(existsSync(clusterDir!)).toBe(false);
  expect(processesNaming(clusterDir!)).toEqual([]);
}

/** Folders under `root` (labs' or clusters') whose state.json names `pid` as owner. */
function ownedBy(root: string, pid: number): string[] {
  if (!existsSync(root)) return [];
  return readdirSync(root).filter((d) => {
    try {
      return (JSON.parse(readFileSync(join(root, d, 'state.json'), 'utf8')) as { ownerPid?: number }).ownerPid === pid;
    } catch {
      return false; // no state (yet, or removed between listing and reading)
    }
  });
}

/** PIDs whose command line names `dir` (the cluster's programs all take their directory as an argument). */
function processesNaming(dir: string): string[] {
  return readdirSync('/proc').filter((p) => /^\d+$/.test(p)).filter((p) => {
    try {
      const argv = readFileSync(`/proc/${p}/cmdline`, 'utf8').split('\0');
      return argv.some((a) => a === dir || a.includes(`${dir}/`));
    } catch {
      return false; // ended between listing and reading
    }
  });
}
