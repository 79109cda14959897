/**
 * Load-balancer config generation time: model + haproxy.cfg + AS3 + tmsh for 250, 500 and 1,000
 * nodes x 20 services (Istio HTTP/HTTPS, ingress-nginx HTTP/HTTPS, Seldon, API and 14 extra
 * NodePort services). Target: 1,000 x 20 under a second, growing linearly.
 *
 * Each size runs --runs times. Stage figures are CPU time of this process (process.cpuUsage:
 * steadier than wall time on a machine shared with other work), medians over the runs; the wall
 * column is the median elapsed time of the whole generation.
 *   npx node bench/lb-config.ts [--runs 11]
 */
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { as3Declaration } from '../lib/lb/f5-as3.ts';
import { f5Objects } from '../lib/lb/f5-objects.ts';
import { tmshCommands } from '../lib/lb/f5-tmsh.ts';
import { f5Settings, haproxyGlobals } from '../lib/lb/generate.ts';
import { renderHaproxy } from '../lib/lb/haproxy.ts';
import { buildModel } from '../lib/lb/model.ts';
import { syntheticInput } from '../test/fixtures/lb/variations.ts';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '11' } } });
const RUNS = Math.max(1, Number(values.runs));
const SIZES = [250, 500, 1000];

const vars = {
  enable_ingress_nginx: true, enable_seldon: true, f5_virtual_address: '192.0.2.10',
  lb_extra_services: Array.from({ length: 14 }, (_, i) => ({
    name: `svc${i + 1}`, port: 10000 + i, node_port: 30100 + i, mode: i % 2 ? 'tcp' : 'http', health_path: '/health',
  })),
};

interface Timing { model: number; haproxy: number; as3: number; tmsh: number; cpu: number; wall: number; bytes: number }

/** CPU milliseconds spent by this process since `from`. */
function cpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

function once(nodes: number): Timing {
  const input = syntheticInput(nodes, vars);
  const wall = performance.now();
  const c0 = process.cpuUsage();
  const model = buildModel(input);
  const t1 = cpuMs(c0);
  const cfg = renderHaproxy(model, haproxyGlobals(input.vars), { source: 'bench' });
  const t2 = cpuMs(c0);
  const objects = f5Objects(model, f5Settings(input.vars)!);
  const as3 = JSON.stringify(as3Declaration(objects, 'bench'), null, 2);
  const t3 = cpuMs(c0);
  const tmsh = tmshCommands(objects);
  const t4 = cpuMs(c0);
  return { model: t1, haproxy: t2 - t1, as3: t3 - t2, tmsh: t4 - t3, cpu: t4, wall: performance.now() - wall, bytes: cfg.length + as3.length + tmsh.length };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

for (let i = 0; i < 3; i++) once(1000); // warm up: template compile, JIT
const rows = SIZES.map((nodes) => {
  const runs = Array.from({ length: RUNS }, () => once(nodes));
  const pick = (k: keyof Timing): number => median(runs.map((r) => r[k]));
  const backends = buildModel(syntheticInput(nodes, vars)).backends;
  return {
    nodes, services: backends.length, members: backends.reduce((n, b) => n + b.members.length, 0),
    model: pick('model'), haproxy: pick('haproxy'), as3: pick('as3'), tmsh: pick('tmsh'), cpu: pick('cpu'), wall: pick('wall'), bytes: pick('bytes'),
  };
});

const f = (ms: number, width = 9): string => ms.toFixed(1).padStart(width);
console.log(`load-balancer config generation, median of ${RUNS} runs per size (node ${process.version}, ${new Date().toISOString()})`);
console.log('   nodes  services   members   model  haproxy      as3     tmsh   cpu ms  wall ms  cpu us/member  output');
for (const r of rows) {
  console.log(`${String(r.nodes).padStart(8)}${String(r.services).padStart(10)}${String(r.members).padStart(10)}` +
    `${f(r.model, 8)}${f(r.haproxy)}${f(r.as3)}${f(r.tmsh)}${f(r.cpu)}${f(r.wall)}${((r.cpu * 1000) / r.members).toFixed(2).padStart(15)}  ${(r.bytes / 1e6).toFixed(1)} MB`);
}
const big = rows.at(-1)!;
const small = rows[0]!;
console.log(`1,000 nodes x ${big.services} services: ${big.wall.toFixed(0)} ms wall, ${big.cpu.toFixed(0)} ms CPU (target < 1000 ms: ${big.wall < 1000 ? 'met' : 'MISSED'}); ` +
  `CPU time ${small.nodes} -> ${big.nodes} nodes: x${(big.cpu / small.cpu).toFixed(2)} for x${(big.nodes / small.nodes).toFixed(0)} nodes`);
