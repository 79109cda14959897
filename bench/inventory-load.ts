/**
 * Inventory load + resolve (+ role var validation) for 1,000 hosts in 50 groups.
 * Run: npx node bench/inventory-load.ts [runs=7]
 *
 * Generates, in a temp dir: an INI hosts file (50 groups of 20 hosts under 5 zone parents,
 * inline host vars), group_vars/all/ (two files), group_vars/<group>.yml for every group and
 * zone, host_vars/ for every 5th host, and Jinja references (other vars, hostvars[...],
 * groups[...], filters). Prints the median of several runs of: load, resolve every var of every
 * host, and validation of every host with the istio and metallb roles and lib/vars. Then
 * runs Debian's ansible-inventory once on the same files: its time, and whether our --list
 * output is byte-identical.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { promisify } from 'node:util';
import { formatAnsibleJson, loadInventory, resolveHost } from '../lib/inventory/index.ts';
import type { Inventory, VarLayer } from '../lib/inventory/types.ts';
import type { Problem } from '../lib/errors.ts';
import type { Role } from '../lib/role.ts';
import { parseRoleVars, defaultLayers, runRoleValidators, unknownKeys } from '../lib/vars/validate.ts';
import istio from '../roles/istio/index.ts';
import metallb from '../roles/metallb/index.ts';

const HOSTS = 1000;
const GROUPS = 50;
const ZONES = 5;
const runs = Number(process.argv[2] ?? 7);

async function generate(root: string): Promise<void> {
  const perGroup = HOSTS / GROUPS;
  const lines: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    lines.push(`[group${g}]`);
    for (let h = 0; h < perGroup; h++) {
      const n = g * perGroup + h;
      lines.push(`node${n} ansible_host=10.${g}.0.${h + 1} rack=r${h % 4}`);
    }
  }
  for (let z = 0; z < ZONES; z++) {
    lines.push(`[zone${z}:children]`);
    for (let g = z; g < GROUPS; g += ZONES) lines.push(`group${g}`);
    lines.push(`[zone${z}:vars]`, `zone_name=zone-${z}`);
  }
  await mkdir(join(root, 'group_vars/all'), { recursive: true });
  await mkdir(join(root, 'host_vars'), { recursive: true });
  await writeFile(join(root, 'hosts'), `${lines.join('\n')}\n`);
  await writeFile(join(root, 'group_vars/all/main.yml'), [
    'cluster_domain: cluster.local',
    'first_server: "{{ groups[\'group0\'][0] }}"',
    'api_endpoint: "{{ hostvars[first_server][\'ansible_host\'] }}"',
    'api_url: "https://{{ api_endpoint }}:{{ api_port | default(6443) }}"',
    'fqdn: "{{ inventory_hostname ~ \'.\' ~ cluster_domain }}"',
    'istio_gateway_loadbalancer_ip: 192.168.1.240',
    'metallb_address_pools: [{name: default, addresses: [192.168.1.240-192.168.1.250]}]',
  ].join('\n'));
  await writeFile(join(root, 'group_vars/all/tuning.yml'), 'sysctl:\n  net.ipv4.ip_forward: 1\n  vm.max_map_count: 262144\nenable_istio: yes\n');
  for (let g = 0; g < GROUPS; g++) {
    await writeFile(join(root, `group_vars/group${g}.yml`), [
      `group_label: "grp-{{ ${g} }}"`,
      `node_labels: {tier: "t${g % 3}", zone: "{{ zone_name }}"}`,
      `istio_pilot_memory_request: ${256 + g}Mi`,
      'role_name: "{{ \'server\' if group_names | length > 2 else \'agent\' }}"',
    ].join('\n'));
  }
  for (let z = 0; z < ZONES; z++) await writeFile(join(root, `group_vars/zone${z}.yml`), `zone_dns: 10.${z}.255.53\n`);
  for (let n = 0; n < HOSTS; n += 5) await writeFile(join(root, `host_vars/node${n}.yml`), `node_role: special\nrack_label: "{{ rack | upper }}"\n`);
}

type Validate = (inv: Inventory, host: string) => Problem[];

/** Validation with lib/vars and the real istio and metallb roles, as the runner does before connecting. */
function validator(): Validate {
  const roles = [istio, metallb] as unknown as Role[];
  const roleDefaults: VarLayer[] = defaultLayers(roles);
  const known = new Set(roles.flatMap((r) => Object.keys(r.vars)));
  return (inv, host) => {
    const resolved = resolveHost(inv, host, { roleDefaults });
    const parsed = parseRoleVars(roles, resolved);
    const info = { name: host, groups: inv.groupsOf(host).filter((g) => g !== 'all'), vars: {} };
    return [...parsed.problems, ...runRoleValidators(roles, parsed.vars, info, resolved), ...unknownKeys(roles, known, resolved)];
  };
}

/** The same inventory through Debian's ansible-inventory, once: its time, and whether --list is identical. */
async function compareWithAnsible(root: string): Promise<void> {
  const t0 = performance.now();
  let stdout: string;
  try {
    ({ stdout } = await promisify(execFile)('ansible-inventory', ['-i', root, '--list'], { maxBuffer: 64 * 1024 * 1024 }));
  } catch (e) {
    console.log(`ansible-inventory: not run (${(e as Error).message.split('\n')[0]})`);
    return;
  }
  const elapsed = performance.now() - t0;
  const inv = await loadInventory(root, { projectDir: root });
  const same = formatAnsibleJson(inv.toAnsibleList()) === stdout.trimEnd();
  console.log(`ansible-inventory --list on the same files: ${elapsed.toFixed(0)} ms wall; our --list output byte-identical: ${same ? 'yes' : 'NO'}`);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const root = await mkdtemp(join(tmpdir(), 'capstan-bench-inventory-'));
try {
  await generate(root);
  const validate = validator();
  {
    // the generated inventory is meant to be valid: show what is wrong if it is not
    const inv = await loadInventory(root, { projectDir: root });
    const first = validate(inv, inv.hosts[0]!);
    if (first.length) console.log('validation problems on the first host:', first.slice(0, 3));
  }
  const times = { load: [] as number[], resolve: [] as number[], validate: [] as number[], total: [] as number[], cpu: [] as number[] };
  let vars = 0;
  let problems = 0;
  for (let i = 0; i < runs; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const inv = await loadInventory(root, { projectDir: root });
    const t1 = performance.now();
    vars = 0;
    for (const host of inv.hosts) vars += Object.keys(resolveHost(inv, host).all()).length;
    const t2 = performance.now();
    problems = 0;
    for (const host of inv.hosts) problems += validate(inv, host).length;
    const t3 = performance.now();
    times.load.push(t1 - t0);
    times.resolve.push(t2 - t1);
    times.validate.push(t3 - t2);
    times.total.push(t3 - t0);
    const cpu = process.cpuUsage(c0);
    times.cpu.push((cpu.user + cpu.system) / 1000);
  }
  console.log(`inventory: ${HOSTS} hosts, ${GROUPS} groups (+${ZONES} parents), ${vars} resolved vars, ${problems} validation problems; median of ${runs} runs`);
  console.log(`  load      ${median(times.load).toFixed(1)} ms`);
  console.log(`  resolve   ${median(times.resolve).toFixed(1)} ms`);
  console.log(`  validate  ${median(times.validate).toFixed(1)} ms`);
  console.log(`  total     ${median(times.total).toFixed(1)} ms wall, ${median(times.cpu).toFixed(1)} ms CPU (the machine's load shows in wall time)`);
  await compareWithAnsible(root);
} finally {
  await rm(root, { recursive: true, force: true });
}
