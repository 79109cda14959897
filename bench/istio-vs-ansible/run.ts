/**
 * capstan vs Ansible for `--tags metallb,istio` on the real control plane (lib/lab/cluster:
 * etcd, kube-apiserver, controllers, scheduler; kwok for kubelets, pod stages pinned to
 * --pod-ready-ms; the LoadBalancer-IP stand-in for MetalLB's controller), the same real charts
 * (/work/shared/charts) and the same helm binary for both:
 *   - Ansible: site.yml beside this file with kubernetes.core from the venv `.ci/setup` makes
 *     (${CAPSTAN_CACHE:-/var/cache/capstan}/venv: ansible-core 2.19, the `ansible` package),
 *     as user capstan-admin;
 *   - capstan: `npm run play -- --inventory <production copy> --tags metallb,istio --json`,
 *     each run its own process like ansible-playbook, as user capstan.
 * Each tool's first run gets a fresh control plane; the rerun must change nothing. The no-op's
 * write requests are counted from the audit log by user (the run lock's Lease requests apart).
 * A timeline of capstan's last first run (tasks, helm releases and waits) says what it waits for.
 *
 *   npm run bench -- istio-vs-ansible [--runs 3] [--helm 3,4] [--pod-ready-ms 1000]   (root)
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { kubeBinaries, type HelmMajor } from '../../lib/lab/helm-bin.ts';
import type { Cluster } from '../../lib/lab/cluster/index.ts';
import { CHARTS_DIR, inventoryCopy, PROJECT_DIR } from '../../test/fixtures/istio/inventory-copy.ts';
import { auditedRun, benchCluster, log, median, timed, type Timed, type WriteCount } from '../support/cluster.ts';
import { capstanRecap, parseProfile, profileTable, timeline } from '../support/capstan-events.ts';

const { values } = parseArgs({ options: {
  runs: { type: 'string', default: '1' }, helm: { type: 'string', default: '3,4' }, 'pod-ready-ms': { type: 'string', default: '1000' },
} });
const RUNS = Number(values.runs);
const MAJORS = values.helm.split(',').map(Number) as HelmMajor[];
const POD_READY_MS = Number(values['pod-ready-ms']);
if (!(RUNS >= 1 && RUNS <= 9)) throw new Error('--runs takes 1 to 9');
if (!MAJORS.every((m) => m === 3 || m === 4)) throw new Error('--helm takes 3, 4 or 3,4');
if (!(POD_READY_MS >= 0 && POD_READY_MS <= 30_000)) throw new Error('--pod-ready-ms takes 0 to 30000');
if (process.getuid?.() !== 0) throw new Error('run as root (the real control plane, lib/lab/cluster, needs it)');

const say = log('istio-vs-ansible');
const VENV = join(process.env.CAPSTAN_CACHE ?? '/var/cache/capstan', 'venv');
/** Bounded: a run longer than this is a failure, not a figure. */
const RUN_TIMEOUT_MS = 600_000;
const TAGS = ['--tags', 'metallb,istio'];

interface Pair { first: number; rerun: number; writes: WriteCount; firstRun: Timed; noOp: Timed }
interface Tool { name: string; user: string; run(c: Cluster, dir: string, major: HelmMajor): Promise<Timed>; unchanged(t: Timed): boolean }

const ansible: Tool = {
  name: 'Ansible kubernetes.core', user: 'capstan-admin',
  run: (c, _dir, major) => timed(join(VENV, 'bin', 'ansible-playbook'), [
    '-i', 'localhost,', join(import.meta.dirname, 'site.yml'),
    '-e', `kubeconfig=${c.adminKubeconfig}`, '-e', `helm=${kubeBinaries(major).helm}`, '-e', `charts=${CHARTS_DIR}`,
  ], { cwd: PROJECT_DIR, timeoutMs: RUN_TIMEOUT_MS, env: { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_PYTHON_INTERPRETER: join(VENV, 'bin', 'python3') } }),
  unchanged: (t) => /changed=0\s+unreachable=0\s+failed=0/.test(t.stdout),
};

const capstan: Tool = {
  name: 'capstan', user: 'capstan',
  run: (c, dir, major) => {
    const inventory = inventoryCopy(dir, c.kubeconfig, kubeBinaries(major).helm);
    // As `npm run play` starts it: with the compile-cache preload.
    return timed(process.execPath, ['--import', join(PROJECT_DIR, 'lib/cli/compile-cache.mjs'), join(PROJECT_DIR, 'lib/cli/play.ts'), '--inventory', inventory, ...TAGS, '--json', '--profile'],
      { cwd: PROJECT_DIR, timeoutMs: RUN_TIMEOUT_MS, env: { ...process.env, KUBECONFIG: c.kubeconfig } });
  },
  unchanged: (t) => { const r = capstanRecap(t.stdout); return r.changed === 0 && r.failed === 0; },
};

/** First run on a fresh control plane, then the rerun, whose writes by the tool's user are counted. */
async function pair(tool: Tool, major: HelmMajor): Promise<Pair> {
  const dir = mkdtempSync(join(tmpdir(), 'capstan-bench-istio-'));
  const c = await benchCluster(POD_READY_MS, say);
  try {
    const firstRun = await tool.run(c, dir, major);
    say(`${tool.name}, helm ${major}: first run ${firstRun.seconds.toFixed(1)} s`);
    const { result: rerun, writes } = await auditedRun(c, tool.user, () => tool.run(c, dir, major));
    if (!tool.unchanged(rerun)) throw new Error(`${tool.name} rerun changed something:\n${rerun.stdout.slice(-3000)}`);
    say(`${tool.name}, helm ${major}: no-op rerun ${rerun.seconds.toFixed(1)} s, ${writes.persisted.length} writes`);
    return { first: firstRun.seconds, rerun: rerun.seconds, writes, firstRun, noOp: rerun };
  } finally {
    await c.down();
    rmSync(dir, { recursive: true, force: true });
  }
}

const s = (x: number) => `${x.toFixed(2)} s`;
const ratio = (a: number, b: number) => `${(a / b).toFixed(2)}x`;
const met = (ok: boolean) => (ok ? 'met' : 'NOT met');

function writesCell(w: readonly WriteCount[]): string {
  const persisted = w.map((x) => x.persisted.length);
  return `${Math.max(...persisted)} (lock ${Math.max(...w.map((x) => x.lock))})`;
}

async function main(): Promise<void> {
  const rows: string[] = [];
  const notes: string[] = [];
  let last: Pair | undefined;
  for (const major of MAJORS) {
    const got: Record<'ansible' | 'capstan', Pair[]> = { ansible: [], capstan: [] };
    let ansibleError: string | undefined;
    for (let i = 0; i < RUNS; i++) {
      if (!ansibleError) {
        try {
          got.ansible.push(await pair(ansible, major));
        } catch (err) {
          ansibleError = (err as Error).message;
          say(`Ansible with helm ${major} failed: ${ansibleError.split('\n').slice(0, 12).join('\n')}`);
        }
      }
      got.capstan.push(await pair(capstan, major));
      last = got.capstan.at(-1)!;
      say(`helm ${major}: round ${i + 1}/${RUNS} done`);
    }
    const c = { first: median(got.capstan.map((p) => p.first)), rerun: median(got.capstan.map((p) => p.rerun)) };
    const cw = writesCell(got.capstan.map((p) => p.writes));
    if (got.ansible.length === 0) {
      rows.push(`| ${major} | — (fails: see below) | — | ${s(c.first)} | ${s(c.rerun)} | — | — | ${cw} | — |`);
      notes.push(`helm ${major}: kubernetes.core could not drive it: ${firstLine(ansibleError!)}`);
      continue;
    }
    const a = { first: median(got.ansible.map((p) => p.first)), rerun: median(got.ansible.map((p) => p.rerun)) };
    const aw = writesCell(got.ansible.map((p) => p.writes));
    rows.push(`| ${major} | ${s(a.first)} | ${s(a.rerun)} | ${s(c.first)} | ${s(c.rerun)} | ${ratio(a.first, c.first)} (${met(a.first / c.first >= 1.5)}) | ${ratio(a.rerun, c.rerun)} (${met(a.rerun / c.rerun >= 5)}) | ${cw} | ${aw} |`);
    for (const p of got.capstan) if (p.writes.persisted.length) notes.push(`helm ${major}: capstan's no-op wrote: ${p.writes.persisted.join(', ')}`);
  }
  console.log(`metallb + istio (4 Helm releases, the MetalLB pool, istio namespaces), real control plane, kwok pod-ready and pod-complete pinned to ${POD_READY_MS} ms, median of ${RUNS}; `
    + 'each first run on a fresh control plane. No-op writes: by the tool\'s user in the audit log, persisted (dry runs and the run lock\'s Lease requests apart).\n');
  console.log('| helm | Ansible first run | Ansible no-op | capstan first run | capstan no-op | first run speed-up (≥ 1.5x) | no-op speed-up (≥ 5x) | capstan no-op writes | Ansible no-op writes |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  for (const n of notes) console.log(`\n${n}`);
  if (!last) return;
  console.log(`\ncapstan's last first run, where the time went (helm ${MAJORS.at(-1)}; offsets from the first task's start):\n\n${timeline(last.firstRun.stdout)}`);
  console.log(`\nIts no-op rerun (${last.noOp.seconds.toFixed(2)} s as the bench saw it), tasks:\n\n${timeline(last.noOp.stdout)}`);
  console.log(`\nand its --profile (phases are wall time; items inside "tasks" overlap):\n\n${profileTable(parseProfile(last.noOp.stderr))}`);
}

/** Ansible's failure in a line: its task error and helm's own `Error:` line. */
const firstLine = (m: string) => {
  const lines = m.split('\n').map((l) => l.trim()).filter((l) => /^\[ERROR\]|^fatal|^stderr: Error|^Error:/.test(l));
  return (lines.length ? lines.join(' / ') : m.split('\n')[0]!).slice(0, 400);
};

await main();
