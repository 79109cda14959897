/**
 * `npm run demo` (root, Linux): the whole main job in one command, on an embedded default. It
 * starts a lab (1 k3s server + 2 agents + 1 load balancer: network namespaces with real sshd),
 * the real Kubernetes API server (lib/lab/cluster: kube-apiserver, etcd, controllers, scheduler;
 * kubelets and containers simulated by kwok) and the k3s STAND-IN (k3s cannot run here), runs
 * the full site playbook (k3s, MetalLB, cert-manager, Istio, ingress-nginx, Seldon, the serving
 * path, lb-config, haproxy) against it, sends HTTP requests through the deployed HAProxy to the
 * nodes' NodePorts (where the k3s stand-in answers and says so), prints a verify table and the
 * wall time, and tears everything down (also on Ctrl-C). See docs/demo.md.
 */
import { join } from 'node:path';
import { ExitCode } from '../errors.ts';
import { isMain, PROJECT_DIR, processIO, type CliIO } from './args.ts';
import { playMain } from './play.ts';
import { throughHaproxy } from './demo-http.ts';
import { Timings } from './demo-timings.ts';
import {
  CLUSTER_VERSIONS, demoServingVars, demoVars, DEMO_NODE_PORTS, EXPERIMENT, GATEWAY_HTTP_NODEPORT, K3S_VERSION, LB_SELDON_PORT, REAL_API_SERVER, SELDON_NODEPORT, SERVING_HOST,
} from './demo-vars.ts';
import { demoRows, readDemoFacts, table, type DemoAnswers } from './demo-verify.ts';
import type { K3sLab } from '../lab/k3s-standin/k3s-lab.ts';
import type { LabCluster } from '../lab/k3s-standin/lab-cluster.ts';

export { demoVars } from './demo-vars.ts';

const REQUESTS = 6;

export interface DemoOptions {
  /** The serving path (cert-manager, ingress-nginx, Seldon, the serving role and their controllers) too (default true). */
  serving?: boolean;
}

/** Ctrl-C of the demo: `signal` the first (stop the play, tear down), `force` the second. */
export async function demoMain(io: CliIO, signal: AbortSignal, force?: AbortSignal, o: DemoOptions = {}): Promise<number> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    io.stderr.write('npm run demo needs root on Linux (it creates network namespaces).\n' +
      'Without root: npm run play -- --inventory sample --tags lb-config   (offline load-balancer config)\n');
    return ExitCode.invalidInput;
  }
  const t = new Timings();
  const k = await startDemoLab(io, t, signal);
  if (typeof k === 'number') return k;
  const run: DemoRun = { serving: o.serving ?? true, io, t, signal, ...(force ? { force } : {}) };
  let code: number = ExitCode.internal;
  let failure: unknown;
  try {
    code = await onLab(k, run);
  } catch (err) {
    // Ctrl-C while requests are under way ends them with an AbortError: that is the interrupt, not a failure
    if (signal.aborted) code = ExitCode.interrupted;
    else failure = err;
  }
  io.stdout.write(`\ntearing down ${run.controllers ? 'the serving controllers, ' : ''}the lab, the real API server and the stand-in\n`);
  const stopped = await t.time('teardown', () => tearDown(k, run.controllers));
  io.stdout.write(`demo wall time ${t.total()} s (${t.summary()})\n`);
  if (failure) {
    // the play reports its own failures; this is the demo's own (a controller that would not start, a cluster read): one message
    io.stderr.write(`capstan demo: ${failure instanceof Error ? failure.message : String(failure)}\n`);
    return signal.aborted ? ExitCode.interrupted : ExitCode.internal;
  }
  if (stopped !== undefined) {
    // a controller that failed (a watch that ended with an error) is why something never became Ready: say so
    io.stderr.write(`capstan demo: the serving controllers failed: ${stopped instanceof Error ? stopped.message : String(stopped)}\n`);
    if (code === ExitCode.ok) code = ExitCode.internal;
  }
  return signal.aborted ? ExitCode.interrupted : code;
}

interface DemoRun {
  serving: boolean;
  io: CliIO;
  t: Timings;
  signal: AbortSignal;
  force?: AbortSignal;
  /** Set once the serving controllers run (teardown stops them first). */
  controllers?: { stop(): Promise<void> };
}

/** Controllers, inventory, the play, the requests and the verify table, on a lab that is up. */
async function onLab(k: K3sLab<LabCluster>, r: DemoRun): Promise<number> {
  const { io, t, signal, serving } = r;
  const c = k.controlPlane.cluster;
  const mem = Object.values(c.memoryMiB()).reduce((a, b) => a + b, 0);
  io.stdout.write(`real API server up in ${c.startupSeconds.toFixed(1)} s, ${mem} MiB resident (${CLUSTER_VERSIONS}); lab and stand-in up in ${t.seconds('start')} s in all\n`);
  if (serving) r.controllers = await startServing(c, io);
  const { kubeBinaries } = await import('../lab/helm-bin.ts');
  const subnet = k.lab.gatewayIp.split('.').slice(0, 3).join('.');
  k.writeVars({ ...demoVars(subnet, kubeBinaries(3).helm, join(k.lab.dir, 'lb')), ...(serving ? demoServingVars() : {}) });
  io.stdout.write(`inventory: ${k.inventoryDir} (k3s-ansible shape; API server at ${k.controlPlane.url}, cluster ${c.dir})\n\n`);
  if (signal.aborted) return ExitCode.interrupted; // Ctrl-C during start-up: the lab is whole, so it is torn down whole
  const code = await t.time('play', () => playMain(['--inventory', k.inventoryDir], io, signal, r.force));
  if (signal.aborted) return ExitCode.interrupted;
  if (code !== ExitCode.ok) return code;
  const answers = await t.time('requests', () => requests(k.lab.hosts[3]!.ip, [...k.servers, ...k.agents], serving, io, signal));
  const rows = demoRows(await readDemoFacts(c.api, serving), answers);
  io.stdout.write(`\nDEMO VERIFY (on the ${REAL_API_SERVER}; every answer behind HAProxy comes from the k3s stand-in: no real gateway, ingress controller or model server runs here)\n${table(rows)}\n`);
  return rows.every((row) => row[2] === 'ok') ? ExitCode.ok : ExitCode.hostFailed;
}

/** Stops the controllers, then the lab, the cluster and the stand-in (always); the controllers' error, if they failed. */
async function tearDown(k: K3sLab<LabCluster>, controllers?: { stop(): Promise<void> }): Promise<unknown> {
  let error: unknown;
  try {
    await controllers?.stop();
  } catch (err) {
    error = err ?? new Error('a serving controller failed');
  }
  await k.down();
  return error;
}

/**
 * The lab, the real API server on its bridge and the k3s stand-in; an exit code when they did not
 * start (Ctrl-C during start-up stops the API server's start: what it started is ended by its
 * recorded PIDs, and the lab is removed). The demo handles Ctrl-C itself (demoCli): a lab or
 * cluster tearing itself down from the signal would pull the ground from under a start-up or a
 * teardown still running.
 */
async function startDemoLab(io: CliIO, t: Timings, signal: AbortSignal): Promise<K3sLab<LabCluster> | number> {
  const { startK3sLabOnCluster } = await import('../lab/k3s-standin/lab-cluster.ts');
  io.stdout.write(`capstan demo: starting a lab (k3s server1, agent1, agent2 + load balancer lb1), the ${REAL_API_SERVER} and the k3s stand-in\n`);
  try {
    return await t.time('start', () => startK3sLabOnCluster({
      servers: 1, agents: 2, loadBalancers: 1, version: K3S_VERSION, nodePorts: DEMO_NODE_PORTS, name: 'demo', handleSignals: false,
      cluster: { handleSignals: false, signal },
    }));
  } catch (err) {
    if (signal.aborted) {
      io.stdout.write(`interrupted during start-up: the lab and the API server started so far are torn down (${t.total()} s)\n`);
      return ExitCode.interrupted;
    }
    // what started is torn down already (startK3sLab and startCluster remove what they started when they fail)
    io.stderr.write(`capstan demo: the lab, the API server or the k3s stand-in did not start (${t.total()} s), nothing is left running:\n${(err as Error).message}\n`);
    return ExitCode.internal;
  }
}

/** The serving engineer's controllers (lib/lab/serving-controllers.ts), started before the play installs the charts; each says what it is. */
async function startServing(c: LabCluster['cluster'], io: CliIO): Promise<{ stop(): Promise<void> }> {
  const { startServingControllers, SERVING_CONTROLLERS } = await import('../lab/serving-controllers.ts');
  io.stdout.write(`serving controllers:\n${SERVING_CONTROLLERS.map((l) => `  ${l}\n`).join('')}`);
  return startServingControllers(c);
}

/** The gateway's NodePort through lb1:80 (REQUESTS times, round-robin), and Seldon's through lb1:9000. */
async function requests(lbIp: string, nodes: string[], serving: boolean, io: CliIO, signal: AbortSignal): Promise<DemoAnswers> {
  io.stdout.write(`\nrequests through HAProxy on lb1 (${lbIp}:80) to the nodes' gateway NodePort ${GATEWAY_HTTP_NODEPORT}:\n`);
  const gateway = await throughHaproxy({ url: `http://${lbIp}/` }, REQUESTS, io, signal);
  const base: DemoAnswers = { nodes, lb: 'lb1', gateway, gatewayExpected: REQUESTS };
  if (!serving) return base;
  io.stdout.write(`\nrequests through HAProxy on lb1 (${lbIp}:${LB_SELDON_PORT}) to Seldon's mesh NodePort ${SELDON_NODEPORT}:\n`);
  const seldon = `http://${lbIp}:${LB_SELDON_PORT}`;
  const health = await throughHaproxy({ url: `${seldon}/v2/health/ready` }, 1, io, signal);
  const infer = await throughHaproxy({
    url: `${seldon}/v2/models/${EXPERIMENT}/infer`, method: 'POST',
    headers: { host: SERVING_HOST, 'seldon-model': `${EXPERIMENT}.experiment` },
  }, 1, io, signal);
  return { ...base, seldon: { health, infer } };
}

/**
 * The process around demoMain. Ctrl-C: the play stops (a running helm is stopped within a
 * second), the lab and the cluster are torn down whole, exit 99; pressed during start-up,
 * start-up completes first; during teardown, teardown goes on. A second Ctrl-C stops what still
 * runs at once; a third exits at once (the lab's and the cluster's exit hooks still end what they
 * recorded).
 */
export async function demoCli(): Promise<number> {
  const stop = new AbortController();
  const force = new AbortController();
  let presses = 0;
  const onInt = (): void => {
    presses++;
    // also when the demo has just finished and is tearing down or exiting: an interrupted demo exits 99
    process.exitCode = ExitCode.interrupted;
    if (presses === 1) {
      process.stderr.write('\n[interrupted: stopping, then tearing the lab and the API server down (Ctrl-C again to stop what still runs at once)]\n');
      stop.abort();
    } else if (presses === 2) {
      process.stderr.write('\n[stopping at once; the lab and the API server are still torn down]\n');
      force.abort();
    } else {
      process.exit(ExitCode.interrupted);
    }
  };
  process.on('SIGINT', onInt);
  process.on('SIGTERM', onInt);
  const code = await demoMain(processIO(PROJECT_DIR), stop.signal, force.signal);
  // a Ctrl-C pressed from here to the exit still counts (the handler sets the exit code)
  return stop.signal.aborted ? ExitCode.interrupted : code;
}

if (isMain(import.meta.url)) process.exitCode = await demoCli();
