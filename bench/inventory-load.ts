/**
 * Inventory load + resolve (+ role var validation) at scale (default 1,000 hosts in 50 groups).
 * Run: npm run bench -- inventory-load [--hosts 10000] [--groups 200] [--runs 7] [--no-anchors]
 *
 * Generates, in a temp dir: an INI hosts file (the groups' hosts under 5 zone parents,
 * inline host vars), group_vars/all/ (two files), group_vars/<group>/ (two files) for every
 * other group and group_vars/<group>.yml for the rest and
 * zone, host_vars/ for every 5th host, and Jinja references (other vars, hostvars[...],
 * groups[...], filters). Prints the median of several runs of: load, resolve every var of every
 * host, and validation of every host with the istio and metallb roles and lib/vars, and the
 * process's peak memory. Then runs ansible-inventory once on the same files (the venv's newest
 * ansible-core, and Debian's as a second row): its time and peak memory, and whether our --list
 * output is byte-identical (not with --no-anchors: while profiling capstan alone). capstan prints
 * 2.19's format; against 2.14 the column says whether the only differences are 2.14's by design
 * (no `_meta.profile`; its shorter list of internal names, which keeps `role_name`).
 */
import { execFile } from 'node:child_process';
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs, promisify } from 'node:util';
import { formatAnsibleJson, loadInventory, resolveHost } from '../lib/inventory/index.ts';
import { INTERNAL_VARS } from '../lib/inventory/ansible-list.ts';
import type { Inventory, VarLayer } from '../lib/inventory/types.ts';
import type { Problem } from '../lib/errors.ts';
import type { Role } from '../lib/role.ts';
import { parseRoleVars, defaultLayers, runRoleValidators, unknownKeys } from '../lib/vars/validate.ts';
import istio from '../roles/istio/index.ts';
import metallb from '../roles/metallb/index.ts';

const { values } = parseArgs({ options: { hosts: { type: 'string', default: '1000' }, groups: { type: 'string', default: '50' }, runs: { type: 'string', default: '7' }, 'no-anchors': { type: 'boolean', default: false } } });
const HOSTS = Number(values.hosts);
const GROUPS = Number(values.groups);
const ZONES = 5;
const runs = Number(values.runs);
if (!(HOSTS > 0 && GROUPS > 0 && HOSTS % GROUPS === 0 && runs > 0)) throw new Error('--hosts must be a multiple of --groups, both > 0, --runs > 0');
const VENV = process.env.CAPSTAN_CACHE ? join(process.env.CAPSTAN_CACHE, 'venv') : '/var/cache/capstan/venv';

async function generate(root: string): Promise<void> {
  const perGroup = HOSTS / GROUPS;
  const lines: string[] = [];
  for (let g = 0; g < GROUPS; g++) {
    lines.push(`[group${g}]`);
    for (let h = 0; h < perGroup; h++) {
      const n = g * perGroup + h;
      lines.push(`node${n} ansible_host=10.${g % 256}.${Math.floor(h / 250)}.${(h % 250) + 1} rack=r${h % 4}`);
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
    // every other group's vars are a folder of two files (group_vars/<group>/), the rest one file
    const folder = g % 2 === 0;
    if (folder) {
      await mkdir(join(root, `group_vars/group${g}`));
      await writeFile(join(root, `group_vars/group${g}/net.yml`), `mtu: ${1400 + (g % 100)}\nnode_dns: "{{ zone_dns | default('10.0.0.53') }}"\n`);
    }
    await writeFile(join(root, folder ? `group_vars/group${g}/main.yml` : `group_vars/group${g}.yml`), [
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

type List = { _meta: { hostvars: Record<string, Record<string, unknown>>; profile?: string } };

/** ansible-core 2.14's INTERNAL_VARS that 2.19's INTERNAL_STATIC_VARS lacks. */
const INTERNAL_2_14_ONLY = ['omit'];

/** Our --list and 2.14's are the same but for 2.14's by-design differences (no profile; other internal names left out). */
function sameBut214(ours: string, theirs: string): boolean {
  const norm = (text: string): string => {
    const list = JSON.parse(text) as List;
    delete list._meta.profile;
    for (const vars of Object.values(list._meta.hostvars)) for (const k of [...INTERNAL_VARS, ...INTERNAL_2_14_ONLY]) delete vars[k];
    return formatAnsibleJson(list);
  };
  return norm(ours) === norm(theirs);
}

/** The same inventory through one ansible-inventory, once: wall time, peak RSS (GNU time), whether --list is identical. */
async function compareWith(label: string, bin: string, root: string, ours: { wall: number; cpu: number }): Promise<string> {
  const t0 = performance.now();
  let stdout: string;
  let stderr: string;
  try {
    ({ stdout, stderr } = await promisify(execFile)('/usr/bin/time', ['-f', 'maxrss_kb=%M cpu_s=%U+%S', bin, '-i', root, '--list'], { maxBuffer: 512 * 1024 * 1024 }));
  } catch (e) {
    return `| ${label} | not run: ${(e as Error).message.split('\n')[0]} | | | | | |`;
  }
  const elapsed = performance.now() - t0;
  const rss = Number(/maxrss_kb=(\d+)/.exec(stderr)?.[1] ?? Number.NaN) / 1024;
  const cpuMatch = /cpu_s=([\d.]+)\+([\d.]+)/.exec(stderr);
  const cpuMs = cpuMatch ? (Number(cpuMatch[1]) + Number(cpuMatch[2])) * 1000 : Number.NaN;
  const inv = await loadInventory(root, { projectDir: root });
  const list = formatAnsibleJson(inv.toAnsibleList());
  const same = list === stdout.trimEnd() ? 'yes'
    : / 2\.14\./.test(label) && sameBut214(list, stdout) ? 'no, by design: 2.19\'s format (2.14 prints no `_meta.profile`, keeps `role_name`); same data' : 'NO';
  return `| ${label} | ${elapsed.toFixed(0)} | ${cpuMs.toFixed(0)} | ${rss.toFixed(0)} | ${(elapsed / ours.wall).toFixed(1)}x | ${(cpuMs / ours.cpu).toFixed(1)}x | ${same} |`;
}

async function ansibleVersion(bin: string): Promise<string> {
  try {
    const { stdout } = await promisify(execFile)(bin, ['--version']);
    return /core ([\d.]+)/.exec(stdout)?.[1] ?? '?';
  } catch {
    return 'not installed';
  }
}

async function compareWithAnsible(root: string, ours: { wall: number; cpu: number }): Promise<void> {
  console.log(['', '| ansible-inventory --list, same files, once | wall ms | CPU ms | peak RSS MiB | capstan faster (wall) | capstan faster (CPU) | our --list byte-identical |', '|---|---|---|---|---|---|---|'].join('\n'));
  for (const [label, bin] of [['venv ansible-core', join(VENV, 'bin', 'ansible-inventory')], ['Debian ansible-core', '/usr/bin/ansible-inventory']] as const) {
    console.log(await compareWith(`${label} ${await ansibleVersion(bin)}`, bin, root, ours));
  }
  console.log('\nbyte-identical: our --list is exactly the stdout of that ansible-inventory --list. capstan prints ansible-core 2.19\'s format ' +
    '(what pip installs today); against Debian\'s 2.14 the column says "by design" when the only differences are 2.14\'s own: ' +
    'no `_meta.profile`, and its shorter list of internal names left out of host vars (it keeps this inventory\'s `role_name`, which 2.19 drops).');
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
  const steps = ['load', 'resolve', 'validate', 'total'] as const;
  const wall = Object.fromEntries(steps.map((k) => [k, [] as number[]])) as Record<(typeof steps)[number], number[]>;
  const cpu = Object.fromEntries(steps.map((k) => [k, [] as number[]])) as Record<(typeof steps)[number], number[]>;
  const cpuMs = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
  let vars = 0;
  let problems = 0;
  for (let i = 0; i < runs; i++) {
    const w0 = performance.now();
    const c0 = cpuMs();
    const inv = await loadInventory(root, { projectDir: root });
    const w1 = performance.now();
    const c1 = cpuMs();
    vars = 0;
    for (const host of inv.hosts) vars += Object.keys(resolveHost(inv, host).all()).length;
    const w2 = performance.now();
    const c2 = cpuMs();
    problems = 0;
    for (const host of inv.hosts) problems += validate(inv, host).length;
    const w3 = performance.now();
    const c3 = cpuMs();
    wall.load.push(w1 - w0); wall.resolve.push(w2 - w1); wall.validate.push(w3 - w2); wall.total.push(w3 - w0);
    cpu.load.push(c1 - c0); cpu.resolve.push(c2 - c1); cpu.validate.push(c3 - c2); cpu.total.push(c3 - c0);
  }
  const mem = process.memoryUsage();
  console.log(`inventory: ${HOSTS} hosts, ${GROUPS} groups (+${ZONES} parents), ${vars} resolved vars, ${problems} validation problems; median of ${runs} runs`);
  console.log(['', '| step | median wall ms | median CPU ms |', '|---|---|---|'].join('\n'));
  const row = (label: string, k: (typeof steps)[number]) => `| ${label} | ${median(wall[k]).toFixed(1)} | ${median(cpu[k]).toFixed(1)} |`;
  console.log(row('load', 'load'));
  console.log(row('resolve every var of every host', 'resolve'));
  console.log(row('validate every host (istio, metallb, lib/vars)', 'validate'));
  const total = median(wall.total);
  console.log(`| **total** load + resolve + validate | **${total.toFixed(1)}** | **${median(cpu.total).toFixed(1)}** |`);
  console.log(`\ntarget: total ≤ 1500 ms at 10,000 hosts: ${total <= 1500 ? 'met' : 'NOT met'} on wall (a loaded machine's wall includes waiting for a CPU: compare CPU too)`);
  console.log(`\nmemory: peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MiB, heap used now ${(mem.heapUsed / 2 ** 20).toFixed(0)} MiB (whole bench process)`);
  if (!values['no-anchors']) await compareWithAnsible(root, { wall: total, cpu: median(cpu.total) });
} finally {
  await rm(root, { recursive: true, force: true });
}
