/**
 * capstan vs Ansible for `--tags metallb,istio`, in one go, on the same Kubernetes API simulator
 * and the same real charts (/work/shared/charts) and helm binary:
 *   - Ansible: site.yml beside this file (kubernetes.core.helm for metallb, istio-base, istiod,
 *     istio-gateway; kubernetes.core.k8s for the pool), first run and no-op rerun;
 *   - capstan: `npm run play -- --inventory <production copy> --tags metallb,istio`, first run
 *     and no-op rerun, each as its own process like ansible-playbook.
 * Each first run gets a fresh simulator. Prints a table of medians and the ratios.
 *
 *   npx node bench/istio-vs-ansible/run.ts            # BENCH_REPEAT=3 BENCH_HELM=3|4
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CHARTS_DIR, inventoryCopy, PROJECT_DIR } from '../../test/fixtures/istio/sim-lab.ts';
import { kubeBinaries } from '../../lib/lab/helm-bin.ts';
import { startSimulator } from '../../lib/lab/kube-sim/index.ts';

const HERE = dirname(fileURLToPath(import.meta.url));
const REPEAT = Number(process.env.BENCH_REPEAT ?? 1);
const MAJOR = process.env.BENCH_HELM === '4' ? 4 : 3;
const helm = kubeBinaries(MAJOR).helm;
/** Bounded: a run that takes longer than this is a failure, not a figure. */
const RUN_TIMEOUT_MS = 300_000;

interface Timed { seconds: number; output: string }

function timed(cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Timed> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { env, cwd: PROJECT_DIR, stdio: ['ignore', 'pipe', 'pipe'], timeout: RUN_TIMEOUT_MS });
    let output = '';
    child.stdout.on('data', (b: Buffer) => { output += b.toString(); });
    child.stderr.on('data', (b: Buffer) => { output += b.toString(); });
    child.on('error', reject);
    child.on('close', (code) => {
      const seconds = (performance.now() - started) / 1000;
      if (code === 0) resolve({ seconds, output });
      else reject(new Error(`${cmd} ${args.join(' ')} exited ${code}\n${output.split('\n').slice(-30).join('\n')}`));
    });
  });
}

/** Runs first + rerun with a fresh simulator; checks the rerun changed nothing. */
async function pair(name: string, run: (kubeconfig: string, dir: string) => Promise<Timed>, noChange: RegExp): Promise<[number, number]> {
  const dir = mkdtempSync(join(tmpdir(), `capstan-bench-${name}-`));
  const sim = await startSimulator({ controllerDelayMs: 20 });
  try {
    const kubeconfig = join(dir, 'kubeconfig.yaml');
    await sim.writeKubeconfig(kubeconfig);
    const first = await run(kubeconfig, dir);
    const rerun = await run(kubeconfig, dir);
    if (!noChange.test(rerun.output)) throw new Error(`${name} rerun changed something:\n${rerun.output.slice(-2000)}`);
    return [first.seconds, rerun.seconds];
  } finally {
    await sim.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const ansible = (kubeconfig: string) => timed('ansible-playbook', [
  '-i', 'localhost,', join(HERE, 'site.yml'), '-e', `kubeconfig=${kubeconfig}`, '-e', `helm=${helm}`, '-e', `charts=${CHARTS_DIR}`,
], { ...process.env, ANSIBLE_NOCOLOR: '1', ANSIBLE_PYTHON_INTERPRETER: '/usr/bin/python3' });

function capstan(kubeconfig: string, dir: string): Promise<Timed> {
  const inventory = join(dir, 'inventory');
  inventoryCopy(dir, kubeconfig, helm);
  // As npm run play starts it: with the compile-cache preload.
  return timed(process.execPath, ['--import', join(PROJECT_DIR, 'lib/cli/compile-cache.ts'), join(PROJECT_DIR, 'lib/cli/play.ts'), '--inventory', inventory, '--tags', 'metallb,istio']);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const results = { ansible: [] as [number, number][], capstan: [] as [number, number][] };
  for (let i = 0; i < REPEAT; i++) {
    results.ansible.push(await pair('ansible', ansible, /changed=0\s+unreachable=0\s+failed=0/));
    results.capstan.push(await pair('capstan', capstan, /changed=0\s+unreachable=0\s+failed=0/));
    process.stderr.write(`round ${i + 1}/${REPEAT} done\n`);
  }
  const row = (name: string, runs: [number, number][]) => [name, median(runs.map((r) => r[0])), median(runs.map((r) => r[1]))] as const;
  const a = row('ansible kubernetes.core', results.ansible);
  const c = row('capstan', results.capstan);
  const fmt = (s: number) => `${s.toFixed(2)} s`.padStart(9);
  console.log(`metallb + istio (4 releases + pool), helm ${MAJOR}, simulator, median of ${REPEAT}`);
  console.log(`${'tool'.padEnd(24)} ${'first run'.padStart(9)} ${'no-op'.padStart(9)}`);
  for (const [name, first, rerun] of [a, c]) console.log(`${name.padEnd(24)} ${fmt(first)} ${fmt(rerun)}`);
  console.log(`${'capstan speed-up'.padEnd(24)} ${`${(a[1] / c[1]).toFixed(2)}x`.padStart(9)} ${`${(a[2] / c[2]).toFixed(2)}x`.padStart(9)}   (targets: 1.5x, 3x)`);
}

await main();
