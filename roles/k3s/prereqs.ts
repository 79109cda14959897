/**
 * Node prerequisites, idempotent, through lib/steps: IP forwarding sysctls (set now and persisted
 * in /etc/sysctl.d), the kernel modules k3s needs (loaded and listed in /etc/modules-load.d), no
 * active swap (unless k3s_allow_swap), and the commands the install needs (checked in one round
 * trip with the module probes: br_netfilter built into a kernel has no /sys/module entry).
 */
import { CapstanError } from '../../lib/errors.ts';
import type { TaskContext, TaskResult } from '../../lib/role.ts';
import { raw, sh } from '../../lib/shell.ts';
import { kernelModule, putFile, reads, sysctl, type CmdRead } from '../../lib/steps/index.ts';
import { BECOME } from './files.ts';
import type { K3sVars } from './vars.ts';

export const SYSCTLS: Readonly<Record<string, string>> = {
  'net.ipv4.ip_forward': '1',
  'net.ipv6.conf.all.forwarding': '1',
};
export const SYSCTL_FILE = '/etc/sysctl.d/90-k3s.conf';

/** A module counts as loaded when /sys/module has it, or (built into the kernel) its sysctl tree exists. */
const LOADED_PROBE: Readonly<Record<string, string>> = { br_netfilter: '/proc/sys/net/bridge' };

export interface PrereqFacts {
  sysctl: Record<string, string>;
  loaded: string[];
  swapOn: boolean;
  missing: string[];
}

/** The commands the install needs: curl only when k3s comes from the install script. */
function requiredBinaries(vars: K3sVars): readonly string[] {
  return vars.airgap_dir ? vars.k3s_required_binaries.filter((b) => b !== 'curl') : vars.k3s_required_binaries;
}

/** The prerequisites' own facts (one read-only command), and the reads of the steps they run, for one prefetch. */
export function prerequisiteReads(vars: K3sVars): CmdRead[] {
  return [
    { cmd: factsCommand(vars.k3s_kernel_modules, requiredBinaries(vars)), ...BECOME },
    ...Object.keys(SYSCTLS).flatMap((name) => reads.sysctl({ name, file: SYSCTL_FILE, become: true })),
    ...vars.k3s_kernel_modules.flatMap((name) => reads.kernelModule({ name, become: true })),
  ];
}

function factsCommand(modules: readonly string[], binaries: readonly string[]) {
  const probes = modules.map((m) => `${m}:${LOADED_PROBE[m] ?? `/sys/module/${m}`}`);
  return sh`for k in ${Object.keys(SYSCTLS)}; do f=/proc/sys/$(echo "$k" | tr . /); [ -r "$f" ] && echo "sysctl $k $(cat "$f")"; done;
for p in ${probes}; do [ -e "\${p#*:}" ] && echo "loaded \${p%%:*}"; done;
[ "$(wc -l < /proc/swaps)" -gt 1 ] && echo swap;
for b in ${binaries}; do command -v "$b" >/dev/null 2>&1 || echo "missing $b"; done; ${raw('true')}`;
}

export function parseFacts(out: string): PrereqFacts {
  const f: PrereqFacts = { sysctl: {}, loaded: [], swapOn: false, missing: [] };
  for (const line of out.split('\n')) {
    const [what, a, b] = line.trim().split(' ');
    if (what === 'sysctl' && a && b !== undefined) f.sysctl[a] = b;
    else if (what === 'loaded' && a) f.loaded.push(a);
    else if (what === 'swap') f.swapOn = true;
    else if (what === 'missing' && a) f.missing.push(a);
  }
  return f;
}

export async function prerequisites(ctx: TaskContext, vars: K3sVars): Promise<TaskResult> {
  const t = await ctx.transport();
  const facts = parseFacts((await t.must(factsCommand(vars.k3s_kernel_modules, requiredBinaries(vars)), { ...BECOME, readOnly: true })).stdout);
  if (facts.missing.length) throw new CapstanError(`${t.host}: missing commands: ${facts.missing.join(', ')}`, { hint: 'install them (e.g. apt-get install curl) or use airgap_dir' });
  if (facts.swapOn && !vars.k3s_allow_swap) {
    throw new CapstanError(`${t.host}: swap is on; the kubelet expects it off`, { hint: 'run `swapoff -a` and remove swap from /etc/fstab, or set k3s_allow_swap: true' });
  }
  const results: TaskResult[] = [];
  // a sysctl the node's kernel does not have (IPv6 off) is left alone
  for (const [name, value] of Object.entries(SYSCTLS)) {
    if (facts.sysctl[name] !== undefined) results.push(await sysctl(ctx, { name, value, file: SYSCTL_FILE, become: true }));
  }
  for (const name of vars.k3s_kernel_modules) {
    // loaded (or built in): only persist it; else kernelModule loads it
    results.push(facts.loaded.includes(name)
      ? await putFile(ctx, { path: `/etc/modules-load.d/${name}.conf`, content: `${name}\n`, mode: 0o644, become: true })
      : await kernelModule(ctx, { name, become: true }));
  }
  const changed = results.filter((r) => r.status === 'changed');
  if (changed.length === 0) return { status: 'ok', msg: 'forwarding on, modules loaded, no swap' };
  const diff = changed.map((r) => r.diff).filter(Boolean).join('\n');
  return { status: 'changed', msg: changed.map((r) => r.msg).join('; '), ...(diff ? { diff } : {}) };
}
