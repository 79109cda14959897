/**
 * `npm run demo` (root, Linux): the whole main job in one command, on an embedded default. It
 * starts a lab (1 k3s server + 2 agents + 1 load balancer: network namespaces with real sshd),
 * the Kubernetes API simulator and the k3s STAND-IN (k3s cannot run here), runs the full site
 * playbook (k3s, MetalLB, Istio, lb-config, haproxy) against it, sends HTTP requests through the
 * deployed HAProxy to the nodes' gateway NodePorts (where the k3s stand-in answers and says so),
 * prints a verify table and tears everything down (also on Ctrl-C).
 *
 * The lab, the k3s stand-in and the API simulator (lib/lab/kube-sim) live in lib/lab; the demo
 * still runs on the simulator, not yet on the real control plane (lib/lab/cluster). See docs/demo.md.
 */
import { request } from 'node:http';
import { join } from 'node:path';
import pRetry from 'p-retry';
import { ExitCode } from '../errors.ts';
import { isMain, PROJECT_DIR, processIO, type CliIO } from './args.ts';
import { playMain } from './play.ts';
import { SHARED_CHARTS } from '../lab/shared-dir.ts';

const VERSION = 'v1.31.4+k3s1';
const HTTP_NODEPORT = 31080;
const REQUESTS = 6;

/** The embedded default inventory's vars beyond the lab's own (k3s_version, api_endpoint, ...); also test/lab/report.int.test.ts's. */
export function demoVars(subnet: string, helm: string, outDir: string): Record<string, unknown> {
  return {
    metallb_state: 'present',
    metallb_address_pools: [{ name: 'default', addresses: [`${subnet}.200-${subnet}.210`], auto_assign: true }],
    enable_istio: true, istio_gateway_loadbalancer_ip: `${subnet}.200`,
    istio_gateway_http_nodeport: HTTP_NODEPORT, istio_gateway_https_nodeport: 31443, istio_gateway_status_nodeport: 31021,
    helm_binary: helm, helm_chart_dir: SHARED_CHARTS,
    // the lab is thrown away after Ctrl-C: no reason to let a running helm finish first
    helm_interrupt_grace: 1,
    // the API frontend would point at api_port on the servers; in the lab the API is the simulator
    lb_api_frontend: false, lb_output_dir: outDir,
    // lab hosts have no systemd: HAProxy is (re)started with its pid file in the host's private /etc/haproxy
    haproxy_reload_command: ['sh', '-c', 'p=/etc/haproxy/haproxy.pid; if [ -f $p ]; then exec haproxy -D -f /etc/haproxy/haproxy.cfg -p $p -sf $(cat $p); else exec haproxy -D -f /etc/haproxy/haproxy.cfg -p $p; fi'],
  };
}

function httpGet(url: string, signal: AbortSignal): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { timeout: 5000, signal, headers: { connection: 'close' } }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: body.trim() }));
    });
    req.on('timeout', () => req.destroy(new Error(`${url}: no answer in 5s`)));
    req.on('error', reject);
    req.end();
  });
}

/** REQUESTS requests through HAProxy; each retried (bounded) while HAProxy starts or reports 503. */
async function throughHaproxy(url: string, io: CliIO, signal: AbortSignal): Promise<string[]> {
  const answers: string[] = [];
  for (let i = 1; i <= REQUESTS; i++) {
    const r = await pRetry(async () => {
      const res = await httpGet(url, signal);
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body}`);
      return res;
    }, { retries: 8, minTimeout: 100, maxTimeout: 1000, signal, onFailedAttempt: ({ error }) => { io.stdout.write(`  waiting for HAProxy at ${url}: ${error.message}\n`); } });
    io.stdout.write(`  GET ${url} #${i} → ${r.status} ${r.body}\n`);
    answers.push(r.body);
  }
  return answers;
}

function table(rows: [string, string, string][]): string {
  const head: [string, string, string] = ['CHECK', 'ACTUAL', 'RESULT'];
  const w = [0, 1].map((i) => Math.max(...[head, ...rows].map((r) => r[i]!.length)));
  return [head, ...rows].map((r) => `  ${r[0].padEnd(w[0]!)}  ${r[1].padEnd(w[1]!)}  ${r[2]}`).join('\n');
}

/** Ctrl-C of the demo: `signal` the first (stop the play, tear down), `force` the second. */
export async function demoMain(io: CliIO, signal: AbortSignal, force?: AbortSignal): Promise<number> {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) {
    io.stderr.write('npm run demo needs root on Linux (it creates network namespaces).\n' +
      'Without root: npm run play -- --inventory sample --tags lb-config   (offline load-balancer config)\n');
    return ExitCode.invalidInput;
  }
  // The API simulator (lib/lab/kube-sim) until the demo moves to the real control plane (lib/lab/cluster).
  const { startSimulator } = await import('../lab/kube-sim/index.ts');
  const { startK3sLab } = await import('../lab/k3s-standin/k3s-lab.ts');
  const { kubeBinaries } = await import('../lab/helm-bin.ts');
  io.stdout.write('capstan demo: starting a lab (k3s server1, agent1, agent2 + load balancer lb1), the Kubernetes API simulator and the k3s stand-in\n');
  // The demo handles Ctrl-C itself (demoCli): a lab tearing itself down from the signal would pull
  // the ground from under a start-up or a teardown still running.
  const k = await startK3sLab({ startApi: startSimulator, servers: 1, agents: 2, loadBalancers: 1, version: VERSION, nodePorts: [HTTP_NODEPORT, 31443, 31021], name: 'demo', handleSignals: false });
  try {
    const subnet = k.lab.gatewayIp.split('.').slice(0, 3).join('.');
    k.writeVars(demoVars(subnet, kubeBinaries(3).helm, join(k.lab.dir, 'lb')));
    io.stdout.write(`inventory: ${k.inventoryDir} (k3s-ansible shape; API simulator at ${k.sim.url})\n\n`);
    if (signal.aborted) return ExitCode.interrupted; // Ctrl-C during start-up: the lab is whole, so it is torn down whole
    const code = await playMain(['--inventory', k.inventoryDir], io, signal, force);
    if (signal.aborted) return ExitCode.interrupted;
    if (code !== ExitCode.ok) return code;
    const lb = k.lab.hosts[3]!;
    io.stdout.write(`\nrequests through HAProxy on lb1 (${lb.ip}:80) to the nodes' gateway NodePort ${HTTP_NODEPORT}:\n`);
    const answers = await throughHaproxy(`http://${lb.ip}/`, io, signal);
    const reached = [...k.servers, ...k.agents].filter((n) => answers.some((a) => a.startsWith(`k3s stand-in on ${n}:`)));
    const nodes = k.sim.store.list('v1', 'Node') as { status?: { conditions?: { type: string; status: string }[] } }[];
    const ready = nodes.filter((n) => n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True')).length;
    const rows: [string, string, string][] = [
      ['k3s nodes Ready (simulator)', `${ready}/3`, ready === 3 ? 'ok' : 'FAILED'],
      [`HAProxy lb1:80 answered`, `${answers.length}/${REQUESTS}`, answers.length === REQUESTS ? 'ok' : 'FAILED'],
      ['nodes reached through HAProxy', reached.join(', ') || 'none', reached.length === 3 ? 'ok' : 'FAILED'],
    ];
    io.stdout.write(`\nDEMO VERIFY (the answers come from the k3s stand-in, not from a real gateway)\n${table(rows)}\n`);
    return rows.every((r) => r[2] === 'ok') ? ExitCode.ok : ExitCode.hostFailed;
  } catch (err) {
    // Ctrl-C while requests are under way ends them with an AbortError: that is the interrupt, not a failure
    if (signal.aborted) return ExitCode.interrupted;
    throw err;
  } finally {
    io.stdout.write('\ntearing down the lab, the simulator and the stand-in\n');
    await k.down();
  }
}

/**
 * The process around demoMain. Ctrl-C: the play stops (a running helm is stopped within a
 * second), the lab is torn down whole, exit 99; pressed during start-up, start-up completes
 * first; during teardown, teardown goes on. A second Ctrl-C stops what still runs at once; a
 * third exits at once (the lab's exit hook still removes the lab).
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
      process.stderr.write('\n[interrupted: stopping, then tearing the lab down (Ctrl-C again to stop what still runs at once)]\n');
      stop.abort();
    } else if (presses === 2) {
      process.stderr.write('\n[stopping at once; the lab is still torn down]\n');
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
