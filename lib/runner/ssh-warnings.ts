/**
 * One warning per run naming the OpenSSH options of ansible_ssh_common_args / _extra_args /
 * ansible_ssh_args (and ansible.cfg's ssh_args) that capstan does not apply, with the hosts
 * they were given for: an option is honoured (lib/transport/openssh-args.ts HONOURED) or named here.
 */
import { connectionSpec } from '../transport/connection.ts';
import { parseSshArgs, SHARING } from '../transport/openssh-args.ts';
import type { PreparedRun } from './prepare.ts';

const optionName = (o: string): string => o.split(/[=\s]/)[0]!;

export function ignoredSshOptionWarnings(run: PreparedRun): string[] {
  const byOption = new Map<string, Set<string>>();
  for (const play of run.plays) {
    for (const h of play.hosts) {
      const spec = connectionSpec(h.info.name, h.info.vars);
      if (spec.connection !== 'ssh' || !spec.sshCommonArgs) continue;
      for (const o of parseSshArgs(spec.sshCommonArgs).ignored) {
        const name = optionName(o);
        if (!byOption.has(name)) byOption.set(name, new Set());
        byOption.get(name)!.add(h.info.name);
      }
    }
  }
  if (byOption.size === 0) return [];
  const listed = [...byOption].map(([name, hosts]) => `${name} (${[...hosts].slice(0, 3).join(', ')}${hosts.size > 3 ? `, +${hosts.size - 3}` : ''})`);
  const sharingOnly = [...byOption.keys()].every((n) => SHARING.has(n.toLowerCase()) || n === '-C');
  return [`ssh options not applied by capstan (ignored): ${listed.join(', ')}` +
    (sharingOnly ? '; capstan keeps one connection per host, so connection sharing needs no options' : '; see docs/ssh.md for the options capstan applies')];
}
