/**
 * The whole site, the command users run most: the full `site` playbook on a lab of 3 k3s servers,
 * 2 agents and a load balancer host (network namespaces with real sshd; k3s is the k3s STAND-IN),
 * every cluster role on (bench/site/vars.ts), on the real control plane (lib/lab/cluster; kwok's
 * pod stages pinned to --pod-ready-ms; lib/lab/serving-controllers.ts: cert-manager's real
 * controller issues the Certificates, the Seldon and ingress-nginx STAND-INs make Models,
 * Experiments and Ingresses Ready, as other users than capstan). First run, then --runs no-op reruns, each `node lib/cli/play.ts
 * --profile` as `npm run play` starts it, with where the no-op's time went: Node start and module
 * load, SSH connects, remote commands (the facts), API reads, helm processes started (target 0),
 * and the writes by user `capstan` in the audit log (the run lock's Lease requests apart).
 * Targets: no-op ≤ 3 s wall, 0 helm processes, 0 writes by capstan.
 *
 *   npm run bench -- site [--runs 3] [--pod-ready-ms 1000] [--helm 3] [--hold [--hold-minutes 30]]   (root)
 *
 * --hold keeps the lab and its cluster up after the runs (until Ctrl-C or --hold-minutes) and prints
 * the inventory and the exact command that reruns the no-op, to iterate on a kept lab.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { kubeBinaries, type HelmMajor } from '../../lib/lab/helm-bin.ts';
import { startK3sLabOnCluster } from '../../lib/lab/k3s-standin/lab-cluster.ts';
import { startIngressNginxStandIn } from '../../lib/lab/stand-ins/ingress-nginx.ts';
import { startSeldonStandIn } from '../../lib/lab/stand-ins/seldon.ts';
import { together } from '../../lib/lab/stand-ins/watch.ts';
import { PROJECT_DIR } from '../../lib/cli/args.ts';
import { sh } from '../../lib/shell.ts';
import { auditedRun, log, median, pinPodStages, timed, type Timed } from '../support/cluster.ts';
import { capstanRecap, parseProfile, profileTable, timeline, type ParsedProfile } from '../support/capstan-events.ts';
import { SITE_NODE_PORTS, siteVars } from './vars.ts';

const { values } = parseArgs({ options: {
  runs: { type: 'string', default: '3' }, 'pod-ready-ms': { type: 'string', default: '1000' }, helm: { type: 'string', default: '3' },
  hold: { type: 'boolean', default: false }, 'hold-minutes': { type: 'string', default: '30' },
} });
const RUNS = Number(values.runs);
const POD_READY_MS = Number(values['pod-ready-ms']);
const MAJOR = Number(values.helm) as HelmMajor;
if (!(RUNS >= 1 && RUNS <= 9)) throw new Error('--runs takes 1 to 9');
if (!(POD_READY_MS >= 0 && POD_READY_MS <= 30_000)) throw new Error('--pod-ready-ms takes 0 to 30000');
if (MAJOR !== 3 && MAJOR !== 4) throw new Error('--helm takes 3 or 4');
const HOLD_MINUTES = Number(values['hold-minutes']);
if (!(HOLD_MINUTES > 0 && HOLD_MINUTES <= 240)) throw new Error('--hold-minutes takes more than 0 and at most 240');
if (process.getuid?.() !== 0) throw new Error('run as root (the lab and the real control plane need it)');

const say = log('site');
const K3S_VERSION = 'v1.31.4+k3s1';
/** Bounded: a run longer than this is a failure, not a figure. */
const RUN_TIMEOUT_MS = 900_000;

interface NoOp { run: Timed; profile: ParsedProfile; persisted: string[]; lock: number }

const k = await startK3sLabOnCluster({
  servers: 3, agents: 2, loadBalancers: 1, version: K3S_VERSION, nodePorts: SITE_NODE_PORTS, name: 'site-bench', cluster: { log: say },
});
const c = k.controlPlane.cluster;
// The Seldon and ingress-nginx STAND-INs (they wait for the CRDs the run installs). Not cert-manager's
// real controller (lib/lab/serving-controllers.ts): its build in the cache carries another version
// stamp than main expects today, so the site declares no Certificates or issuers (bench/site/vars.ts).
const standIn = together([startSeldonStandIn(c), startIngressNginxStandIn(c, { namespace: 'ingress-nginx' })]);
say('Seldon and ingress-nginx: STAND-INs (lib/lab/stand-ins); cert-manager: its chart only, no Certificates declared');
try {
  await pinPodStages(c, POD_READY_MS);
  const subnet = k.lab.gatewayIp.split('.').slice(0, 3).join('.');
  const out = join(k.lab.dir, 'lb');
  mkdirSync(out, { recursive: true });
  k.writeVars(siteVars(subnet, kubeBinaries(MAJOR).helm, out));
  say(`lab ${k.lab.dir}: ${k.servers.length} servers, ${k.agents.length} agents, 1 load balancer; control plane ${c.id}; pod stages pinned to ${POD_READY_MS} ms`);

  const playArgs = ['--import', join(PROJECT_DIR, 'lib/cli/compile-cache.mjs'), join(PROJECT_DIR, 'lib/cli/play.ts'), '--inventory', k.inventoryDir];
  const play = () => timed(process.execPath, [...playArgs, '--json', '--profile'], { cwd: PROJECT_DIR, timeoutMs: RUN_TIMEOUT_MS });
  const first = await play();
  const firstRecap = capstanRecap(first.stdout);
  if (firstRecap.failed || firstRecap.unreachable) throw new Error(`the first run failed:\n${first.stdout.slice(-4000)}\n${first.stderr.slice(-2000)}`);
  say(`first run ${first.seconds.toFixed(1)} s (${firstRecap.changed} changed)`);

  const noops: NoOp[] = [];
  for (let i = 0; i < RUNS; i++) {
    const { result: run, writes } = await auditedRun(c, 'capstan', play);
    const recap = capstanRecap(run.stdout);
    if (recap.changed || recap.failed || recap.unreachable) throw new Error(`no-op rerun ${i + 1} was no no-op: ${JSON.stringify(recap)}\n${run.stdout.slice(-4000)}`);
    noops.push({ run, profile: parseProfile(run.stderr), persisted: writes.persisted, lock: writes.lock });
    say(`no-op rerun ${i + 1}/${RUNS}: ${run.seconds.toFixed(2)} s, ${writes.persisted.length} writes`);
  }
  report(first, firstRecap, noops);
  if (values.hold) await hold(playArgs);
} finally {
  await standIn.stop();
  await k.down();
}

/**
 * Keeps the lab up until Ctrl-C (or SIGTERM) or HOLD_MINUTES, saying how to rerun the no-op on it.
 * On stderr: the table on stdout goes into bench/RESULTS.md.
 */
async function hold(playArgs: readonly string[]): Promise<void> {
  const rel = playArgs.map((a) => a.startsWith(`${PROJECT_DIR}/`) ? a.slice(PROJECT_DIR.length + 1) : a);
  say(`holding the lab for ${HOLD_MINUTES} min (Ctrl-C, or kill -INT ${process.pid}, ends it and tears it down)`);
  say(`inventory: ${k.inventoryDir}`);
  say(`rerun the no-op from a checkout (as root): ${sh`npx node ${rel} --profile`.text}`);
  say(`the cluster as its admin: KUBECONFIG=${c.adminKubeconfig} kubectl get nodes`);
  await new Promise<void>((resolve) => {
    const timer = setTimeout(done, HOLD_MINUTES * 60_000);
    function done(): void {
      clearTimeout(timer);
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      say('hold over: tearing the lab down');
      resolve();
    }
    process.on('SIGINT', done);
    process.on('SIGTERM', done);
  });
}

function report(first: Timed, firstRecap: Record<string, number>, noops: NoOp[]): void {
  const wall = median(noops.map((n) => n.run.seconds));
  const helm = Math.max(...noops.map((n) => n.profile.items['helm process']?.count ?? 0));
  const writes = Math.max(...noops.map((n) => n.persisted.length));
  const hosts = k.servers.length + k.agents.length + 1;
  console.log(`The full site playbook (every play and role), ${hosts} lab hosts (3 k3s servers, 2 agents, 1 HAProxy host), every cluster role on, helm ${MAJOR}, `
    + `real control plane, kwok pod stages pinned to ${POD_READY_MS} ms; no-op: median of ${RUNS}, each its own process as \`npm run play\` starts it.\n`);
  console.log('| run | wall | changed | helm processes | writes by capstan (run lock apart) | target |');
  console.log('|---|---|---|---|---|---|');
  console.log(`| first run | ${first.seconds.toFixed(1)} s | ${firstRecap.changed} | ${parseProfile(first.stderr).items['helm process']?.count ?? 0} | — | — |`);
  const met = wall <= 3 && helm === 0 && writes === 0;
  console.log(`| no-op rerun | ${wall.toFixed(2)} s | 0 | ${helm} | ${writes} (lock ${noops[0]!.lock}) | ≤ 3 s, 0 helm, 0 writes: ${met ? 'met' : 'NOT met'} |`);
  for (const n of noops) if (n.persisted.length) console.log(`\nno-op wrote: ${n.persisted.join(', ')}`);
  console.log(`\nWhere the no-op's time went (the median run's --profile; phases are wall time, items inside "tasks" overlap when concurrent):\n`);
  const mid = [...noops].sort((a, b) => a.run.seconds - b.run.seconds)[Math.floor(noops.length / 2)]!;
  console.log(`process wall, as the bench saw it (spawn to exit): ${mid.run.seconds.toFixed(3)} s\n`);
  console.log(profileTable(mid.profile));
  console.log(`\nThe median no-op's tasks (offsets from the first task's start):\n\n${timeline(mid.run.stdout)}`);
}
