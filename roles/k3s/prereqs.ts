/**
 * Node prerequisites, idempotent: IP forwarding sysctls (set now and persisted in
 * /etc/sysctl.d), the kernel modules k3s needs (loaded and listed in /etc/modules-load.d), no
 * active swap (unless k3s_allow_swap), and the commands the install needs. Facts are read in one
 * round trip; only what differs is changed.
 */
import { CapstanError } from '../../lib/errors.ts';
import type { TaskContext, TaskResult } from '../../lib/role.ts';
import { raw, sh } from '../../lib/shell.ts';
import { ensureFiles, mustRun } from './files.ts';
import type { K3sVars } from './tasks.ts';

export const SYSCTLS: Readonly<Record<string, string>> = {
  'net.ipv4.ip_forward': '1',
  'net.ipv6.conf.all.forwarding': '1',
};
export const SYSCTL_FILE = '/etc/sysctl.d/90-k3s.conf';
export const MODULES_FILE = '/etc/modules-load.d/k3s.conf';

/** A module counts as loaded when /sys/module has it, or (built into the kernel) its sysctl tree exists. */
const LOADED_PROBE: Readonly<Record<string, string>> = { br_netfilter: '/proc/sys/net/bridge' };

export interface PrereqFacts {
  sysctl: Record<string, string>;
  loaded: string[];
  swapOn: boolean;
  missing: string[];
}

/** Pure: what must change. */
export function planPrereqs(f: PrereqFacts, modules: readonly string[]): { sysctl: string[]; modules: string[] } {
  return {
    sysctl: Object.keys(SYSCTLS).filter((k) => f.sysctl[k] !== undefined && f.sysctl[k] !== SYSCTLS[k]),
    modules: modules.filter((m) => !f.loaded.includes(m)),
  };
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
  const binaries = vars.airgap_dir ? vars.k3s_required_binaries.filter((b) => b !== 'curl') : vars.k3s_required_binaries;
  const facts = parseFacts(await mustRun(t, factsCommand(vars.k3s_kernel_modules, binaries)));
  if (facts.missing.length) throw new CapstanError(`${t.host}: missing commands: ${facts.missing.join(', ')}`, { hint: 'install them (e.g. apt-get install curl) or use airgap_dir' });
  if (facts.swapOn && !vars.k3s_allow_swap) {
    throw new CapstanError(`${t.host}: swap is on; the kubelet expects it off`, { hint: 'run `swapoff -a` and remove swap from /etc/fstab, or set k3s_allow_swap: true' });
  }
  const plan = planPrereqs(facts, vars.k3s_kernel_modules);
  const files = await ensureFiles(t, [
    { path: SYSCTL_FILE, content: Object.entries(SYSCTLS).map(([k, v]) => `${k} = ${v}\n`).join(''), mode: 0o644 },
    { path: MODULES_FILE, content: vars.k3s_kernel_modules.map((m) => `${m}\n`).join(''), mode: 0o644 },
  ], ctx.check);
  const changes = [...plan.sysctl.map((k) => `${k}=${SYSCTLS[k]}`), ...plan.modules.map((m) => `modprobe ${m}`), ...files.changed];
  if (!ctx.check) {
    for (const k of plan.sysctl) await mustRun(t, sh`sysctl -w ${`${k}=${SYSCTLS[k]}`}`);
    for (const m of plan.modules) await mustRun(t, sh`modprobe ${m}`, `load ${m} on ${t.host} or remove it from k3s_kernel_modules`);
  }
  if (changes.length === 0) return { status: 'ok', msg: 'forwarding on, modules loaded, no swap' };
  return { status: 'changed', msg: changes.join(', '), ...(files.diff ? { diff: files.diff } : {}) };
}
