/**
 * Bench: load an inventory of 1,000 hosts in 50 groups and validate the vars of the real istio
 * and metallb roles, and of k3s on every host, as playbooks/site.ts does (what `npm run play` does
 * before connecting; offline).
 * Prints the figures. Run: npx node bench/validate.ts
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadInventory, resolveHost } from '../lib/inventory/index.ts';
import { runPlaybook } from '../lib/runner/index.ts';

const projectDir = resolve(import.meta.dirname, '..');
const HOSTS = 1000;
const cpuMs = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage): number => (b.user - a.user + b.system - a.system) / 1000;
const GROUPS = 50;

function makeInventory(dir: string): void {
  const lines: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    lines.push(`[g${g}]`);
    for (let h = g; h < HOSTS; h += GROUPS) lines.push(`node${h} ansible_host=10.0.${h >> 8}.${h & 255}`);
    lines.push('');
  }
  lines.push('[cluster:children]', ...Array.from({ length: GROUPS }, (_, g) => `g${g}`), '');
  lines.push('[server:children]', 'g0', '', '[agent:children]', ...Array.from({ length: GROUPS - 1 }, (_, g) => `g${g + 1}`), '');
  writeFileSync(join(dir, 'hosts'), lines.join('\n'));
  mkdirSync(join(dir, 'group_vars'));
  writeFileSync(join(dir, 'group_vars', 'all.yml'), readFileSync(join(projectDir, 'inventory/production/group_vars/all.yml')));
  for (let g = 0; g < GROUPS; g++) writeFileSync(join(dir, 'group_vars', `g${g}.yml`), `group_index: ${g}\nistio_pilot_memory_limit: "{{ '2Gi' if group_index > 25 else '1Gi' }}"\n`);
  writeFileSync(join(dir, 'play.ts'), `import { play, playbook } from '${projectDir}/lib/playbook.ts';\n` +
    // As site.ts: k3s on every node, the cluster services once through the first server.
    `export default playbook('bench', [play('k3s', 'cluster', ['k3s']), play('services', 'g0[0]', ['metallb', 'istio'])]);\n`);
}

const dir = mkdtempSync(join(tmpdir(), 'capstan-bench-validate-'));
try {
  makeInventory(dir);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const inventory = await loadInventory(dir, { projectDir });
  const t1 = performance.now();
  const c1 = process.cpuUsage();
  let listed = 0;
  const validate = () => runPlaybook({
    projectDir, playbook: join(dir, 'play.ts'), mode: { list: 'hosts' },
    reporter: { emit: (e) => { if (e.type === 'list') listed = e.plays[0]?.hosts.length ?? 0; } },
    source: { inventory, resolve: (h, o) => resolveHost(inventory, h, o) },
  });
  await validate();
  const t2 = performance.now();
  const c2 = process.cpuUsage();
  await validate();
  const t3 = performance.now();
  const c3 = process.cpuUsage();
  const hosts = listed;
  console.log(`hosts: ${inventory.hosts.length} in ${GROUPS} groups (+ cluster, all); play targets ${hosts}`);
  // Wall time depends on what else runs on the machine; CPU time (user+system) much less so.
  const fig = (wall: number, a: NodeJS.CpuUsage, b: NodeJS.CpuUsage) => `${wall.toFixed(0)} ms wall, ${cpuMs(a, b).toFixed(0)} ms CPU`;
  console.log(`machine load average: ${loadavg()[0]!.toFixed(1)} (${cpus().length} CPUs)`);
  console.log(`inventory load: ${fig(t1 - t0, c0, c1)}`);
  console.log(`first validation (imports the playbook and roles, then resolves and validates k3s vars on every host, metallb+istio on the first): ${fig(t2 - t1, c1, c2)}`);
  console.log(`validation again (modules loaded): ${fig(t3 - t2, c2, c3)}`);
  console.log(`load + first validation: ${fig(t2 - t0, c0, c2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
