/**
 * `npm run cluster -- build | up [--lab-gateway IP] | down [ID] | status`: the real control plane
 * for people. `build` compiles the binaries once (also run by .ci/setup); `up` starts a
 * persistent cluster and prints its kubeconfig (user `capstan`), start-up time and memory;
 * `down` without an ID removes every persistent cluster and every cluster whose owner is gone.
 */
import { buildCluster } from './build.ts';
import { startCluster } from './index.ts';
import { cleanupStaleClusters, isAlive, listClusters, teardownState } from './state.ts';

const USAGE = 'usage: npm run cluster -- build | up [--lab-gateway IP] | down [ID] | status';

function memoryLine(mib: Record<string, number>): string {
  const total = Object.values(mib).reduce((a, b) => a + b, 0);
  return `${total} MiB resident (${Object.entries(mib).map(([k, v]) => `${k} ${v}`).join(', ')})`;
}

async function up(args: string[]): Promise<void> {
  const at = args.indexOf('--lab-gateway');
  const gw = at >= 0 ? args[at + 1] : undefined;
  if (at >= 0 && !gw) throw new Error(`${USAGE}\n  --lab-gateway needs the lab's gateway IP (npm run lab -- status)`);
  const c = await startCluster({ persistent: true, ...(gw ? { labGatewayIp: gw } : {}) });
  console.log(`cluster ${c.id}: up in ${c.startupSeconds.toFixed(1)}s, ${memoryLine(c.memoryMiB())}`);
  console.log(`server:      ${c.server}${c.labServer ? ` and ${c.labServer}` : ''}`);
  console.log(`kubeconfig:  ${c.kubeconfig}   (user capstan; admin: ${c.adminKubeconfig})`);
  console.log(`audit log:   ${c.auditLog}`);
  console.log(`tear down:   npm run cluster -- down ${c.id}`);
}

function down(args: string[]): void {
  for (const id of cleanupStaleClusters()) console.log(`removed stale cluster ${id}`);
  for (const s of listClusters()) {
    if (args[0] ? s.id !== args[0] : !s.persistent) continue;
    teardownState(s);
    console.log(`removed cluster ${s.id}`);
  }
}

function status(): void {
  const all = listClusters();
  if (all.length === 0) console.log('no clusters');
  for (const s of all) {
    const owner = s.persistent ? 'persistent' : `owner pid ${s.ownerPid}${isAlive(s.ownerPid) ? '' : ' (dead: stale)'}`;
    console.log(`${s.id} (${owner}) https://127.0.0.1:${s.apiPort ?? '?'} 10.${s.n}.0.0/16 since ${s.startedAt}  ${s.dir}/capstan.kubeconfig`);
    for (const p of s.processes) console.log(`  ${p.name.padEnd(24)} ${isAlive(p.pid) ? `pid ${p.pid}` : 'DOWN'}`);
  }
}

const [command, ...rest] = process.argv.slice(2);
try {
  if (command === 'build') await buildCluster();
  else if (command === 'up') await up(rest);
  else if (command === 'down') down(rest);
  else if (command === 'status') status();
  else {
    console.error(USAGE);
    process.exitCode = 2;
  }
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  process.exitCode = 1;
}
